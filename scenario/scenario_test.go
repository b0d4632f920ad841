package scenario

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/internal/golden"
	"github.com/rollsim/rollsim/internal/watchcheck"
)

// runDir plays dir/scenario and returns its output and error.
func runDir(t *testing.T, dir string, trace bool) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := RunFS(os.DirFS(dir), "scenario", &out, Options{Trace: trace})
	return out.String(), err
}

// eachDir runs test as a subtest on each directory pattern matches, and
// fails when none does: a moved testdata folder must not pass unnoticed.
func eachDir(t *testing.T, pattern string, test func(t *testing.T, dir string)) {
	t.Helper()
	dirs, err := filepath.Glob(pattern)
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { test(t, dir) })
	}
}

// TestUpstreamLessons plays the two seed lessons and compares their traces
// with the ones upstream Kubernetes' own controllers produced.
func TestUpstreamLessons(t *testing.T) {
	eachDir(t, "testdata/upstream/*", func(t *testing.T, dir string) {
		got, err := runDir(t, dir, true)
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join(dir, "golden.trace"))
		require.NoError(t, err)
		assert.Equal(t, NormalizeTrace(string(want)), NormalizeTrace(got))
	})
}

// TestScenarios plays every scenario under testdata/scenarios and checks
// its trace and transcript against the golden files beside it.
func TestScenarios(t *testing.T) {
	eachDir(t, "testdata/scenarios/*", func(t *testing.T, dir string) {
		trace, terr := runDir(t, dir, true)
		transcript, serr := runDir(t, dir, false)
		assert.Equal(t, errString(terr), errString(serr))
		golden.Check(t, filepath.Join(dir, "trace.golden"), trace+exitLine(terr))
		golden.Check(t, filepath.Join(dir, "transcript.golden"), transcript+exitLine(serr))
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// exitLine records how a run ended, so goldens pin errors too.
func exitLine(err error) string {
	var perr *ParseError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrCommandFailed):
		return "# exit 1: a command failed\n"
	case errors.As(err, &perr):
		return "# exit 2: " + err.Error() + "\n"
	}
	return "# error: " + err.Error() + "\n"
}

// TestDeterminism plays a scenario twice with the same seed: the
// transcripts, which name every pod, must be identical.
func TestDeterminism(t *testing.T) {
	dir := "testdata/upstream/rollback-lesson"
	a, err := runDir(t, dir, false)
	require.NoError(t, err)
	b, err := runDir(t, dir, false)
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

func TestNormalizeTrace(t *testing.T) {
	in := "$ apply -f httpd-2.2.32.yml\nevent: Normal ScalingReplicaSet Scaled up replica set httpd-abc12 from 0 to 1\n" +
		"state: deployment/httpd replicas=1\nstate: rs/httpd-abc12 revision=1\nout: \tpod-template-hash=abc12\nout: \tpod-template-hash=zz9\n"
	want := "$ apply -f httpd-#1.2.32.yml\nevent: Normal ScalingReplicaSet Scaled up replica set httpd-#2 from 0 to 1\n" +
		"state: deployment/httpd replicas=1\nstate: rs/httpd-#2 revision=1\nout: \tpod-template-hash=#2\nout: \tpod-template-hash=#3\n"
	assert.Equal(t, want, NormalizeTrace(in))
}

// TestWatchSeesEveryWriteOfAScenario plays corpus scenarios with a watch
// on the cluster: replaying the watch alone rebuilds the store, objects
// and resourceVersions, and the writes come one resourceVersion after
// another.
func TestWatchSeesEveryWriteOfAScenario(t *testing.T) {
	for _, name := range []string{"nodes-spread-cordon-drain", "rollback-lesson", "recreate-broken-then-undo", "conflict-retry-replaces-recheck"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(corpusDir, name)
			src, err := os.ReadFile(filepath.Join(dir, "scenario"))
			require.NoError(t, err)
			lines, err := Parse("scenario", src)
			require.NoError(t, err)
			r := NewRunner(os.DirFS(dir), io.Discard, Options{Trace: true})
			c := r.Cluster()
			seen := watchcheck.Store{}
			var last uint64
			c.Watch(func(e rollsim.WatchEvent) {
				require.Equal(t, last+1, e.ResourceVersion)
				last = e.ResourceVersion
				seen.Apply(t, e)
			})
			for _, ln := range lines {
				r.Exec(ln)
			}
			assert.Equal(t, watchcheck.Stored(c), seen)
			assert.Equal(t, c.Stats().Writes, int(last))
		})
	}
}

func TestChangeCause(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"apply -f httpd.v1.yml --record", "kubectl apply --filename=httpd.v1.yml --record=true"},
		{"set image deployment/httpd httpd=httpd:2.4.17 --record", "kubectl set image deployment/httpd httpd=httpd:2.4.17 --record=true"},
		{"scale deployment/httpd --replicas=5 --record", "kubectl scale deployment/httpd --replicas=5 --record=true"},
		{"scale --record deployment/httpd --replicas 5", "kubectl scale deployment/httpd --record=true --replicas=5"},
	} {
		lines, err := Parse("s", []byte(tc.line))
		if !assert.NoError(t, err) {
			continue
		}
		a, err := argsOf(lines[0])
		assert.NoError(t, err)
		h := handlers[commandName(lines[0].Words)]
		assert.Equal(t, tc.want, changeCause(lines[0].Words[:h.words], a))
	}
}
