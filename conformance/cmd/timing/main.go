// Command timing plays the same scenarios on the simulator (in-process,
// through its scenario package) and on the upstream recorder (in-process,
// through internal/recorder) and prints how long each took and the ratio.
//
//	timing [-corpus DIR] [-runs N] [-min-sim DURATION] [-v] [NAME...]
//
// With no NAME it times every scenario of the corpus. Each scenario is
// played once by each side untimed (to warm caches and catch a hang), then
// timed: the recorder -runs times, the simulator as many times as fit in
// -min-sim (at least -runs); each side's time for the scenario is its
// fastest run. The output ends with the totals over all scenarios, the
// ratio of the totals, and the geometric mean of the per-scenario ratios.
// -simprofile FILE then writes a CPU profile of the simulator alone.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"time"

	"github.com/rollsim/rollsim/conformance/internal/recorder"
	"github.com/rollsim/rollsim/scenario"
)

func main() {
	corpus := flag.String("corpus", "testdata/corpus", "folder holding one folder per scenario (scenario, manifests)")
	runs := flag.Int("runs", 3, "timed runs of each scenario on each side (the fastest counts)")
	minSim := flag.Duration("min-sim", 20*time.Millisecond, "least time to spend repeating one scenario on the simulator")
	hang := flag.Duration("timeout", 10*time.Second, "give up on a scenario the simulator has not finished after this long")
	verbose := flag.Bool("v", false, "print a line per scenario")
	profile := flag.String("simprofile", "", "after timing, write a CPU profile of the simulator alone playing the timed scenarios over and over (for -profile-time) to this file")
	profileTime := flag.Duration("profile-time", 5*time.Second, "how long -simprofile plays scenarios")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: timing [-corpus DIR] [-runs N] [-min-sim DURATION] [-timeout DURATION] [-v] [-simprofile FILE] [NAME...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	names := flag.Args()
	if len(names) == 0 {
		entries, err := os.ReadDir(*corpus)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, e := range entries {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)

	var results []result
	var skipped []string
	for _, name := range names {
		dir := filepath.Join(*corpus, name)
		r, err := timeScenario(dir, *runs, *minSim, *hang)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			skipped = append(skipped, name)
			continue
		}
		r.name = name
		results = append(results, r)
		if *verbose {
			fmt.Printf("%-45s recorder %10s  simulator %10s  ratio %8.0f×\n",
				name, r.recorder.Round(time.Microsecond), r.simulator.Round(100*time.Nanosecond), r.ratio())
		}
	}
	report(os.Stdout, results, skipped)
	if *profile != "" {
		if err := profileSimulator(*profile, *corpus, results, *profileTime); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// profileSimulator writes a CPU profile of the simulator playing the
// scenarios of results, in turn, for d.
func profileSimulator(file, corpus string, results []result, d time.Duration) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		for _, r := range results {
			simulate(filepath.Join(corpus, r.name), io.Discard)
		}
	}
	pprof.StopCPUProfile()
	return f.Close()
}

// result is one scenario's fastest run on each side.
type result struct {
	name                string
	recorder, simulator time.Duration
	simRuns             int
}

func (r result) ratio() float64 { return float64(r.recorder) / float64(r.simulator) }

// timeScenario times the scenario of dir on both sides.
func timeScenario(dir string, runs int, minSim, hang time.Duration) (result, error) {
	path := filepath.Join(dir, "scenario")
	if _, err := os.Stat(path); err != nil {
		return result{}, err
	}
	var r result
	// Untimed first runs: the simulator's under a timeout, since a
	// scenario it cannot finish would stop the whole command.
	if err := simulateWithin(dir, hang); err != nil {
		return r, err
	}
	_, _ = recorder.RecordFile(path) // errors are part of the trace, as on the command line

	for range runs {
		runtime.GC()
		start := time.Now()
		_, _ = recorder.RecordFile(path)
		if d := time.Since(start); r.recorder == 0 || d < r.recorder {
			r.recorder = d
		}
	}
	runtime.GC()
	deadline := time.Now().Add(minSim)
	for r.simRuns < runs || time.Now().Before(deadline) {
		start := time.Now()
		simulate(dir, io.Discard)
		if d := time.Since(start); r.simulator == 0 || d < r.simulator {
			r.simulator = d
		}
		r.simRuns++
	}
	return r, nil
}

// simulate plays dir's scenario on the simulator, writing its trace to w.
func simulate(dir string, w io.Writer) {
	// An error is a failed command or a bad line: both are in the trace,
	// as on the command line.
	_ = scenario.RunFS(os.DirFS(dir), "scenario", w, scenario.Options{Trace: true})
}

// simulateWithin plays dir's scenario on the simulator, or returns an
// error when it has not finished within hang.
func simulateWithin(dir string, hang time.Duration) error {
	done := make(chan struct{})
	go func() {
		simulate(dir, io.Discard)
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(hang):
		return fmt.Errorf("the simulator did not finish within %s; skipped (its goroutine keeps running)", hang)
	}
}

// report prints the totals and the ratios.
func report(w io.Writer, results []result, skipped []string) {
	if len(results) == 0 {
		fmt.Fprintln(w, "no scenario timed")
		return
	}
	var rec, sim time.Duration
	logSum := 0.0
	ratios := make([]float64, 0, len(results))
	for _, r := range results {
		rec += r.recorder
		sim += r.simulator
		logSum += math.Log(r.ratio())
		ratios = append(ratios, r.ratio())
	}
	slices.Sort(ratios)
	fmt.Fprintf(w, "scenarios timed:        %d (%d skipped)\n", len(results), len(skipped))
	fmt.Fprintf(w, "recorder total:         %s\n", rec.Round(time.Millisecond))
	fmt.Fprintf(w, "simulator total:        %s\n", sim.Round(time.Microsecond))
	fmt.Fprintf(w, "ratio of totals:        %.0f×\n", float64(rec)/float64(sim))
	fmt.Fprintf(w, "per-scenario ratio:     geometric mean %.0f×, min %.0f×, median %.0f×, max %.0f×\n",
		math.Exp(logSum/float64(len(results))), ratios[0], ratios[len(ratios)/2], ratios[len(ratios)-1])
	if len(skipped) > 0 {
		fmt.Fprintf(w, "skipped:                %v\n", skipped)
	}
}
