package scenario_test

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/rollouttest"
	"github.com/rollsim/rollsim/scenario"
)

// addScenarioSeeds adds every scenario of the golden tests and the lessons
// to a fuzz target's seeds, besides those in testdata/fuzz.
func addScenarioSeeds(f *testing.F) {
	files, err := filepath.Glob("testdata/scenarios/*/scenario")
	require.NoError(f, err)
	lessons, err := filepath.Glob("../examples/*/*.scenario")
	require.NoError(f, err)
	require.NotEmpty(f, append(files, lessons...), "no scenario to seed the fuzzer with")
	for _, name := range append(files, lessons...) {
		src, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(src)
	}
}

// FuzzParse splits arbitrary text into scenario lines: it never panics,
// every line it returns is a command, and a text it stops at is reported
// as a *ParseError naming the file, a line past the lines returned and a
// reason. Run more with `go test ./scenario -run '^$' -fuzz FuzzParse`.
func FuzzParse(f *testing.F) {
	addScenarioSeeds(f)
	for _, s := range []string{"", "\n\n", "# only a comment\n", "kubectl\n", "kubectl kubectl apply\n", "rollout\n",
		"  apply -f web.yml  \r\n", "kubectl\u00a0get pods\n", "sleep 5s\nfly away\nget pods\n", "delete\n", "set image\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "fuzz.scenario"
		lines, err := scenario.Parse(file, src)
		count := strings.Count(string(src), "\n") + 1
		last := 0
		for _, ln := range lines {
			assert.Equal(t, file, ln.File)
			assert.Greater(t, ln.Number, last, "line numbers go up")
			assert.LessOrEqual(t, ln.Number, count)
			last = ln.Number
			require.NotEmpty(t, ln.Words, "line %d has no words", ln.Number)
			assert.NotEqual(t, "kubectl", ln.Words[0], "line %d keeps its kubectl word", ln.Number)
			assert.Equal(t, strings.TrimSpace(ln.Text), ln.Text, "line %d is not trimmed", ln.Number)
			assert.Equal(t, ln.Words, strings.Fields(ln.Text), "line %d: words and text differ", ln.Number)
			assert.False(t, strings.HasPrefix(ln.Text, "#"), "comment line %d kept", ln.Number)
		}
		if err == nil {
			return
		}
		var perr *scenario.ParseError
		require.True(t, errors.As(err, &perr), "error is a %T: %v", err, err)
		assert.Equal(t, file, perr.File)
		assert.Greater(t, perr.Line, last, "the bad line comes after the lines returned")
		assert.LessOrEqual(t, perr.Line, count)
		assert.NotEmpty(t, strings.TrimSpace(perr.Msg), "a parse error without a reason")
		assert.True(t, strings.HasPrefix(err.Error(), file+":"+strconv.Itoa(perr.Line)+": "), "error %q does not locate the line", err)
	})
}

// tooBig matches a number of four digits or more: a scenario asking for
// thousands of pods is slow without being interesting.
var tooBig = regexp.MustCompile(`[0-9]{4}`)

// errorLine is how kubectl reports a failed command.
var errorLine = regexp.MustCompile(`^out: (error: \S|Error from server \S|The \S.* is invalid)`)

// FuzzRun plays arbitrary scenarios in trace mode: no panic; the run ends
// with success, ErrCommandFailed or a *ParseError; the trace has only
// trace lines; a failed command says why, as kubectl would; and after
// every command every Deployment keeps the invariants of rollouttest (a
// sparse Checker per Deployment, told of pod deletions, node changes that
// evict pods and never-ready images). Run more with
// `go test ./scenario -run '^$' -fuzz FuzzRun -fuzzminimizetime 30s`.
func FuzzRun(f *testing.F) {
	addScenarioSeeds(f)
	for _, s := range []string{
		"apply -f web.yml\nrollout status deployment/web\nset image deployment/web web=web:2\nrollout status deployment/web\n",
		"config never-ready=web:2\napply -f web.yml\nset image deployment/web web=web:2\nrollout status deployment/web --timeout=5s\n",
		"apply -f node.yml\napply -f web.yml\nrollout status deployment/web --timeout=10s\ndrain node-a\nget pods\n",
		"create deployment web --image=web:1 --replicas=3\nrollout pause deployment/web\nrollout undo deployment/web\n",
		"scale deployment/web --replicas=x\nrollout history deployment/web --revision=-1\nsleep forever\n",
		"apply -f web.yml\nsleep 30s\nset image deployment/web web=web:2\nsleep 1s\nscale deployment/web --replicas=9\nsleep 30s\nrollout undo deployment/web\nsleep 30s\n",
	} {
		f.Add([]byte(s))
	}
	// The files a fuzzed scenario can apply.
	fuzzFiles := mapFS(f, "testdata/fuzzfs")
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 || tooBig.Match(src) {
			t.Skip("too big to run quickly")
		}
		fsys := maps.Clone(fuzzFiles)
		fsys["fuzz.scenario"] = &fstest.MapFile{Data: src}
		var out bytes.Buffer
		err := runChecked(t, fsys, &out)
		var perr *scenario.ParseError
		switch {
		case err == nil, errors.Is(err, scenario.ErrCommandFailed):
		case errors.As(err, &perr):
			require.NotEmpty(t, perr.Msg)
		default:
			t.Fatalf("run ended with a %T: %v", err, err)
		}
		failed := false
		for i, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if l == "" && out.Len() == 0 {
				break
			}
			ok := l == "out:" // an empty line of output
			for _, p := range []string{"$ ", "out: ", "event: ", "state: "} {
				ok = ok || strings.HasPrefix(l, p)
			}
			require.True(t, ok, "trace line %d is not a trace line: %q", i+1, l)
			if strings.HasPrefix(l, "out: error:") {
				require.NotEmpty(t, strings.TrimSpace(strings.TrimPrefix(l, "out: error:")), "empty error on trace line %d", i+1)
			}
			failed = failed || errorLine.MatchString(l)
		}
		if errors.Is(err, scenario.ErrCommandFailed) {
			require.True(t, failed, "a command failed without saying why:\n%s", out.String())
		}
	})
}

// runChecked plays fuzz.scenario of fsys as scenario.RunFS does in trace
// mode, and checks every Deployment's invariants after every command.
func runChecked(t *testing.T, fsys fstest.MapFS, out *bytes.Buffer) error {
	lines, perr := scenario.Parse("fuzz.scenario", fsys["fuzz.scenario"].Data)
	r := scenario.NewRunner(fsys, out, scenario.Options{Trace: true, Seed: 1})
	c := r.Cluster()
	checkers := map[string]*rollouttest.Checker{}
	for _, ln := range lines {
		r.Exec(ln)
		for _, k := range checkers {
			tellChecker(k, ln.Words)
		}
		for _, d := range c.Deployments() {
			key := d.Namespace + "/" + d.Name
			if checkers[key] == nil {
				k := rollouttest.NewChecker(c, d.Namespace, d.Name)
				k.Sparse = true
				checkers[key] = k
			}
		}
		for key, k := range checkers {
			require.NoError(t, k.Check(), "deployment %s after line %d: %s", key, ln.Number, ln.Text)
		}
	}
	if perr != nil {
		return perr
	}
	r.Finish()
	if r.Failed() {
		return scenario.ErrCommandFailed
	}
	return nil
}

// tellChecker tells k what a command did that the invariants' preconditions
// need to know: pods taken away from outside, images marked never-ready.
func tellChecker(k *rollouttest.Checker, words []string) {
	switch {
	case len(words) >= 2 && words[0] == "delete" && (words[1] == "pod" || words[1] == "node" || strings.HasPrefix(words[1], "pod/") || strings.HasPrefix(words[1], "node/")),
		len(words) >= 1 && words[0] == "drain":
		k.Disrupted()
	case len(words) >= 2 && words[0] == "config":
		for _, w := range words[1:] {
			if image, ok := strings.CutPrefix(w, "never-ready="); ok {
				for _, i := range strings.Split(image, ",") {
					k.NeverReady(i)
				}
			}
		}
	}
}

// TestFuzzSeedsPresent checks that the committed seed corpora are where
// the fuzz targets look for them.
func TestFuzzSeedsPresent(t *testing.T) {
	for _, target := range []string{"FuzzParse", "FuzzRun"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		require.NoError(t, err, "seed corpus of %s", target)
		assert.NotEmpty(t, entries)
	}
}
