// Command record plays a scenario file against upstream's controllers and
// prints its conformance trace.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/rollsim/rollsim/conformance/internal/recorder"
)

func main() {
	flag.Bool("trace", true, "print the conformance trace (the only output this recorder has)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: record [--trace] SCENARIO_FILE")
	}
	flag.Parse()
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
