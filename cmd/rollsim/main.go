// Command rollsim plays Kubernetes rollout scenarios on an in-process
// cluster with a fake clock.
//
//	rollsim run [--trace] [--seed N] FILE...   play scenario files
//	    [--svg FILE] [--html FILE]             and draw the run's timeline
//	rollsim demo [--html DIR]                  play the built-in lessons
//	rollsim plan -f DEPLOYMENT [--image IMAGE] [--strategies LIST] [--nodes FILE]
//	                                           compare strategies for an update
//	rollsim serve [--listen ADDR] ...          serve the Kubernetes API of a simulated cluster
//	rollsim version                            print the version
//
// Exit status: 0 when every command succeeded, 1 when a command failed, 2
// for a usage or scenario parse error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rollsim/rollsim/examples"
	"github.com/rollsim/rollsim/scenario"
	"github.com/rollsim/rollsim/timeline"
)

// Version is rollsim's version.
const Version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `rollsim plays Kubernetes rollout scenarios on an in-process cluster.

Usage:
  rollsim run [--trace] [--seed N] FILE...   play scenario files
      [--svg FILE] [--html FILE]             and draw the run's timeline
  rollsim demo [--html DIR]                  play the built-in lessons
  rollsim plan -f DEPLOYMENT [--image IMAGE] [--strategies LIST] [--nodes FILE]
                                             compare strategies for an update
  rollsim serve [--listen ADDR] ...          serve the Kubernetes API of a simulated cluster
  rollsim version                            print the version

Run 'rollsim COMMAND --help' for a command's options.
`

// run is the whole program: it returns the exit status.
func run(argv []string, stdout, stderr io.Writer) int {
	if len(argv) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch argv[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "run":
		return runCmd(argv[1:], stdout, stderr)
	case "demo":
		return demoCmd(argv[1:], stdout, stderr)
	case "serve":
		return serveCmd(argv[1:], stdout, stderr)
	case "version":
		return versionCmd(argv[1:], stdout, stderr)
	case "plan":
		return planCmd(argv[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "rollsim: unknown command %q\n\n%s", argv[0], usage)
	return 2
}

func newFlags(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fset := flag.NewFlagSet("rollsim "+name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		w := fset.Output()
		fmt.Fprintf(w, "Usage: rollsim %s\n", synopsis)
		fset.PrintDefaults()
	}
	return fset
}

// parse parses flags; it returns an exit status and false when the
// command should stop (help asked for, or a usage error).
func parse(fset *flag.FlagSet, args []string, stdout io.Writer) (int, bool) {
	// Flags may come after the files too (run s.scenario --svg out.svg),
	// as kubectl's do: parse up to each argument that is not a flag, keep
	// it aside, and go on; the kept arguments become fset.Args().
	var positional []string
	// The flag package calls Usage itself, for -help too; it is called
	// here instead, once: help on stdout, a usage error's on stderr.
	usage := fset.Usage
	fset.Usage = func() {}
	defer func() { fset.Usage = usage }()
	for {
		err := fset.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fset.SetOutput(stdout)
			usage()
			return 0, false
		}
		if err != nil {
			usage()
			return 2, false
		}
		rest := fset.Args()
		// After "--" everything is an argument.
		if consumed := len(args) - len(rest); len(rest) == 0 || consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	_ = fset.Parse(append([]string{"--"}, positional...))
	return 0, true
}

func runCmd(args []string, stdout, stderr io.Writer) int {
	fset := newFlags("run", "run [--trace] [--seed N] [--svg FILE] [--html FILE] FILE...\n\nPlays each scenario file on a fresh cluster; manifests are read relative\nto the scenario's folder. --svg and --html draw the run of one file.\n", stdout, stderr)
	trace := fset.Bool("trace", false, "print the conformance trace instead of the transcript")
	seed := fset.Uint64("seed", 1, "seed for pod names and UIDs (1 names pods as the conformance recorder does)")
	svgOut := fset.String("svg", "", "also draw the run's timeline as an SVG picture into `FILE`")
	htmlOut := fset.String("html", "", "also write a page with the timeline beside the transcript into `FILE`")
	if code, ok := parse(fset, args, stdout); !ok {
		return code
	}
	if fset.NArg() == 0 {
		fmt.Fprintln(stderr, "rollsim run: no scenario file given")
		fset.Usage()
		return 2
	}
	if *svgOut != "" || *htmlOut != "" {
		if fset.NArg() != 1 {
			fmt.Fprintln(stderr, "rollsim run: --svg and --html draw one scenario file")
			return 2
		}
		return runPictured(fset.Arg(0), *svgOut, *htmlOut, scenario.Options{Trace: *trace, Seed: *seed}, stdout, stderr)
	}
	code := 0
	for _, file := range fset.Args() {
		err := scenario.Run(file, stdout, scenario.Options{Trace: *trace, Seed: *seed})
		code = max(code, report(err, stderr))
	}
	return code
}

// report prints a run's error and returns its exit status.
func report(err error, stderr io.Writer) int {
	var perr *scenario.ParseError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, scenario.ErrCommandFailed):
		return 1
	case errors.As(err, &perr):
		fmt.Fprintln(stderr, err)
		return 2
	}
	fmt.Fprintln(stderr, "rollsim:", err)
	return 2
}

func demoCmd(args []string, stdout, stderr io.Writer) int {
	fset := newFlags("demo", "demo [--html DIR]\n\nPlays the lessons that ship with rollsim, step by step, each scenario's\ncomments as narration: a rolling update, revisions, history and undo, and\na rollout with no room to surge.\n", stdout, stderr)
	htmlDir := fset.String("html", "", "also write each lesson's page (timeline beside transcript) into `DIR`")
	if code, ok := parse(fset, args, stdout); !ok {
		return code
	}
	code := 0
	for i, l := range examples.Lessons() {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		title := fmt.Sprintf("Lesson %d: %s", i+1, l.Title)
		fmt.Fprintf(stdout, "%s\n%s\n\n", title, strings.Repeat("=", len(title)))
		rec := timeline.NewRecorder()
		steps, err := narrate(l, rec, stdout, i == 0)
		if *htmlDir != "" && steps != nil {
			if werr := lessonPage(*htmlDir, l, rec.Timeline(), steps); werr != nil {
				fmt.Fprintln(stderr, "rollsim:", werr)
				return 2
			}
		}
		if l.Fails && errors.Is(err, scenario.ErrCommandFailed) {
			err = nil // the lesson shows a failing command on purpose
		}
		code = max(code, report(err, stderr))
	}
	if *htmlDir != "" {
		if err := lessonIndex(*htmlDir); err != nil {
			fmt.Fprintln(stderr, "rollsim:", err)
			return 2
		}
		fmt.Fprintf(stdout, "\nThe lessons' pages are in %s; open %s.\n", *htmlDir, filepath.Join(*htmlDir, "index.html"))
	}
	return code
}

func versionCmd(args []string, stdout, stderr io.Writer) int {
	fset := newFlags("version", "version", stdout, stderr)
	if code, ok := parse(fset, args, stdout); !ok {
		return code
	}
	fmt.Fprintf(stdout, "rollsim %s\n", Version)
	return 0
}
