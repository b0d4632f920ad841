// Command record plays scenario files against upstream's controllers and
// prints their conformance traces.
//
//	record [--trace] SCENARIO_FILE          print the trace
//	record --update SCENARIO_FILE...        write each trace to golden.trace beside it
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rollsim/rollsim/conformance/internal/recorder"
)

func main() {
	flag.Bool("trace", true, "print the conformance trace (the only output this recorder has)")
	update := flag.Bool("update", false, "write each scenario's trace to golden.trace in its folder")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: record [--trace] SCENARIO_FILE | record --update SCENARIO_FILE...")
	}
	flag.Parse()
	if *update {
		if flag.NArg() == 0 {
			flag.Usage()
			os.Exit(2)
		}
		for _, f := range flag.Args() {
			res, err := recorder.RecordFile(f)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			if err := os.WriteFile(filepath.Join(filepath.Dir(f), "golden.trace"), []byte(res.Trace), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
		return
	}
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	res, err := recorder.RecordFile(flag.Arg(0))
	fmt.Print(res.Trace)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if res.Failed {
		os.Exit(1)
	}
}
