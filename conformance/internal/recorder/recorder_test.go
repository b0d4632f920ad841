package recorder

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
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
		"config pod-startup=1s~500ms",
		"config pod-shutdown=soon",
		"config pod-shutdown=-5s",
		"config pod-shutdown=",
		"config crash-loop=",
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

func TestContainerReadyDelay(t *testing.T) {
	probe := func(delay, period, success int32) *corev1.Probe {
		return &corev1.Probe{InitialDelaySeconds: delay, PeriodSeconds: period, SuccessThreshold: success}
	}
	for _, tc := range []struct {
		name      string
		readiness *corev1.Probe
		startup   *corev1.Probe
		want      time.Duration
	}{
		{"no probes", nil, nil, 0},
		{"readiness at start", probe(0, 10, 1), nil, 0},
		{"initial delay on a tick", probe(6, 2, 1), nil, 6 * time.Second},
		{"initial delay between ticks", probe(5, 2, 1), nil, 6 * time.Second},
		{"success threshold", probe(0, 4, 3), nil, 8 * time.Second},
		{"delay and threshold", probe(7, 3, 2), nil, 12 * time.Second},
		{"startup only", nil, probe(3, 2, 1), 4 * time.Second},
		{"startup gates readiness", probe(0, 4, 2), probe(7, 5, 1), 16 * time.Second},
		{"readiness delay after startup", probe(20, 10, 1), probe(0, 10, 1), 20 * time.Second},
	} {
		c := &corev1.Container{ReadinessProbe: tc.readiness, StartupProbe: tc.startup}
		if got := containerReadyDelay(c); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
