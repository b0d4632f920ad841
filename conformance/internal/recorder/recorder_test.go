package recorder

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const corpusDir = "../../testdata/corpus"

func corpusScenarios(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*", "scenario"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no corpus scenarios found")
	}
	return files
}

// TestSeedLessons checks the two lessons whose traces upstream produced.
func TestSeedLessons(t *testing.T) {
	for _, name := range []string{"classic-rolling-update", "rollback-lesson"} {
		dir := filepath.Join(corpusDir, name)
		want, err := os.ReadFile(filepath.Join(dir, "golden.trace"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := RecordFile(filepath.Join(dir, "scenario"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Trace != string(want) {
			t.Errorf("%s: trace differs from the upstream golden\n--- got\n%s", name, got.Trace)
		}
	}
}

// TestDeterminism records every corpus scenario twice and wants the same
// bytes both times.
func TestDeterminism(t *testing.T) {
	files := corpusScenarios(t)
	if testing.Short() && len(files) > 40 {
		files = files[:40]
	}
	for _, f := range files {
		a, errA := RecordFile(f)
		b, errB := RecordFile(f)
		if (errA == nil) != (errB == nil) || a.Trace != b.Trace || a.Failed != b.Failed {
			t.Errorf("%s: two recordings differ", f)
		}
	}
}

// TestCorpusGoldens re-records every corpus scenario and compares it with
// its golden.trace byte for byte.
func TestCorpusGoldens(t *testing.T) {
	for _, f := range corpusScenarios(t) {
		want, err := os.ReadFile(filepath.Join(filepath.Dir(f), "golden.trace"))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		got, _ := RecordFile(f)
		if got.Trace != string(want) {
			t.Errorf("%s: trace differs from golden.trace", f)
		}
	}
}

// TestMalformedLineStopsBeforeAnything checks that the whole scenario is
// checked before it runs: a malformed line stops the run with nothing done.
func TestMalformedLineStopsBeforeAnything(t *testing.T) {
	for _, bad := range []string{
		"sleep banana",
		"rollout status deployment/web --timeout=x",
		"scale deployment/web --replicas=abc",
		"rollout undo deployment/web --to-revision=x",
		"config pod-startup=soon",
		"fly away",
	} {
		path := filepath.Join(t.TempDir(), "scenario")
		src := "create deployment web --image=web:1\n" + bad + "\nget pods\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := RecordFile(path)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 2 {
			t.Errorf("%q: want a parse error on line 2, got %v", bad, err)
		}
		if res.Trace != "" {
			t.Errorf("%q: something ran before the check:\n%s", bad, res.Trace)
		}
	}
}
