package scenario

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollsim/rollsim/deployment"
)

// corpusDir holds scenarios recorded on upstream Kubernetes' own
// controllers (see conformance/CONFORMANCE.md).
const corpusDir = "../conformance/testdata/corpus"

// TestConformanceCorpus plays every corpus scenario and compares its trace
// with upstream's golden trace: after normalizing ReplicaSet hashes, and
// then byte for byte.
func TestConformanceCorpus(t *testing.T) { corpus(t, nil) }

// TestConformanceCorpusWithoutMemos plays the corpus with a Deployment
// controller that remembers nothing between syncs, as upstream's: what
// the cluster's controller remembers must change no trace.
func TestConformanceCorpusWithoutMemos(t *testing.T) {
	corpus(t, func() *deployment.Controller { return &deployment.Controller{} })
}

// corpus plays the corpus, each scenario with a controller of its own
// from controller when it is set.
func corpus(t *testing.T, controller func() *deployment.Controller) {
	dirs, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus under %s: %v", corpusDir, err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join(dir, "golden.trace"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			opts := Options{Trace: true, Seed: 1}
			if controller != nil {
				opts.DeploymentSync = controller().Sync
			}
			_ = RunFS(os.DirFS(dir), "scenario", &out, opts)
			// Hashes and pod names are upstream's too, so the traces are
			// equal byte for byte; the normalized comparison first tells
			// a behaviour difference from a naming one.
			w, g := NormalizeTrace(string(want)), NormalizeTrace(out.String())
			if w != g {
				t.Fatalf("trace differs from upstream's:\n%s", lineDiff(w, g))
			}
			if string(want) != out.String() {
				t.Errorf("trace differs from upstream's in names only:\n%s", lineDiff(string(want), out.String()))
			}
		})
	}
}

// lineDiff shows the first differing line with some context.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(wl) && i < len(gl) && wl[i] == gl[i] {
		i++
	}
	var b strings.Builder
	for j := max(0, i-3); j < i; j++ {
		b.WriteString("  " + wl[j] + "\n")
	}
	for j := i; j < min(len(wl), i+6); j++ {
		b.WriteString("- " + wl[j] + "\n")
	}
	for j := i; j < min(len(gl), i+6); j++ {
		b.WriteString("+ " + gl[j] + "\n")
	}
	return b.String()
}
