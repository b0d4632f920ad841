package scenario_test

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/scenario"
)

// TestMalformed plays one-line scenarios that go wrong and checks the
// exact trace and how the run ends: 1 for a command that failed (the run
// goes on), 2 for a line that is not a command (the run stops there).
func TestMalformed(t *testing.T) {
	files := mapFS(t, "testdata/malformed")
	for _, tc := range []struct {
		name, script, trace string
		exit                int
	}{
		{"unknown command", "frobnicate deployment/web\n", "", 2},
		{"unknown rollout verb", "rollout sideways deployment/web\n", "", 2},
		// The whole file is checked before anything runs.
		{"nothing runs before a bad line", "create deployment web --image=web:1\nbogus\nget pods\n", "", 2},
		{"sleep banana", "create deployment web --image=web:1\nsleep banana\n", "", 2},
		{"negative sleep", "sleep -1s\n", "", 2},
		{"sleep without a duration", "sleep\n", "", 2},
		{"malformed timeout", "create deployment web --image=web:1\nrollout status deployment/web --timeout=x\n", "", 2},
		{"timeout without a value", "rollout status deployment/web --timeout\n", "", 2},
		{"malformed replicas", "create deployment web --image=web:1\nscale deployment/web --replicas=abc\n", "", 2},
		{"malformed create replicas", "create deployment web --image=web:1 -r abc\n", "", 2},
		{"malformed revision", "rollout history deployment/web --revision=two\n", "", 2},
		{"malformed to-revision", "rollout undo deployment/web --to-revision=x\n", "", 2},
		{"malformed record", "apply -f good.yml --record=banana\n", "", 2},
		{"malformed pod-startup", "config pod-startup=soon\n", "", 2},
		{"unknown setting", "config speed=fast\n", "", 2},
		{"missing file", "apply -f nope.yml\n",
			"$ apply -f nope.yml\nout: error: the path \"nope.yml\" does not exist\n", 1},
		{"unknown deployment", "rollout status deployment/nope\n",
			"$ rollout status deployment/nope\nout: Error from server (NotFound): deployments.apps \"nope\" not found\n", 1},
		{"unknown flag", "scale deployment/web --replicas=2 --bogus\n",
			"$ scale deployment/web --replicas=2 --bogus\nout: error: unknown flag: --bogus\nout: See 'kubectl scale --help' for usage.\n", 1},
		{"revision not in history", "apply -f good.yml\nrollout undo deployment/web --to-revision=7\n",
			"$ apply -f good.yml\nout: deployment.apps/web created\nevent: Normal ScalingReplicaSet Scaled up replica set web-HASH from 0 to 2\n" +
				"$ rollout undo deployment/web --to-revision=7\nout: error: unable to find specified revision 7 in history\n", 1},
		{"unknown manifest field", "apply -f unknown-field.yml\n",
			"$ apply -f unknown-field.yml\nout: error: unknown-field.yml: document 1: spec.replica: unknown field\n", 1},
		{"invalid replicas", "apply -f negative.yml\n",
			"$ apply -f negative.yml\nout: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n", 1},
		{"several causes", "apply -f zero-zero.yml\n",
			"$ apply -f zero-zero.yml\nout: The Deployment \"web\" is invalid:\n" +
				"out: * spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`\n" +
				"out: * spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0\n", 1},
		{"paused undo", "apply -f good.yml\nrollout pause deployment/web\nrollout undo deployment/web\n",
			"$ apply -f good.yml\nout: deployment.apps/web created\nevent: Normal ScalingReplicaSet Scaled up replica set web-HASH from 0 to 2\n" +
				"$ rollout pause deployment/web\nout: deployment.apps/web paused\n" +
				"$ rollout undo deployment/web\nout: error: no rollout history found for deployment \"web\"\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := maps.Clone(files)
			fsys["scenario"] = &fstest.MapFile{Data: []byte(tc.script)}
			var out bytes.Buffer
			err := scenario.RunFS(fsys, "scenario", &out, scenario.Options{Trace: true})
			got := out.String()
			if tc.exit == 1 {
				// The state block at the end is not what these cases test.
				got = stripState(got)
			}
			assert.Equal(t, tc.trace, maskHashes(got))
			var perr *scenario.ParseError
			switch tc.exit {
			case 1:
				assert.ErrorIs(t, err, scenario.ErrCommandFailed)
			case 2:
				assert.True(t, errors.As(err, &perr), "want a parse error, got %v", err)
			}
		})
	}
}

func stripState(s string) string {
	var out []byte
	for _, l := range bytes.SplitAfter([]byte(s), []byte("\n")) {
		if !bytes.HasPrefix(l, []byte("state: ")) {
			out = append(out, l...)
		}
	}
	return string(out)
}

// maskHashes replaces the hash of every web-HASH ReplicaSet name.
func maskHashes(s string) string {
	b := []byte(s)
	var out []byte
	for i := 0; i < len(b); {
		if bytes.HasPrefix(b[i:], []byte("web-")) {
			j := i + 4
			for j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] >= '0' && b[j] <= '9') {
				j++
			}
			if j > i+4 {
				out = append(out, "web-HASH"...)
				i = j
				continue
			}
		}
		out = append(out, b[i])
		i++
	}
	return string(out)
}

func TestParseErrorMessage(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"# comment\n\napply -f x.yml\nfly away\n", `lesson.scenario:4: unknown command "fly away"`},
		{"sleep 1s\nsleep banana\n", `lesson.scenario:2: sleep: invalid duration "banana"`},
		{"scale deployment/web --replicas=abc\n", `lesson.scenario:1: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax`},
		{"create deployment web --image=x -r=1.5\n", `lesson.scenario:1: invalid argument "1.5" for "-r, --replicas" flag: strconv.ParseInt: parsing "1.5": invalid syntax`},
		{"rollout status deploy/web --timeout=x\n", `lesson.scenario:1: invalid argument "x" for "--timeout" flag: time: invalid duration "x"`},
		{"rollout status deploy/web --timeout\n", `lesson.scenario:1: flag needs an argument: --timeout`},
	} {
		_, err := scenario.Parse("lesson.scenario", []byte(tc.src))
		assert.EqualError(t, err, tc.want)
	}
	// An unknown flag is the command's own error, as kubectl reports it.
	_, err := scenario.Parse("lesson.scenario", []byte("scale deployment/web --replicas=2 --bogus\n"))
	assert.NoError(t, err)
}

// mapFS reads the files of a testdata directory into a file system that
// a test can add its own scenario to.
func mapFS(t testing.TB, dir string) fstest.MapFS {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fsys := fstest.MapFS{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// Run names the file as its caller did, folder and all, in every error.
func TestRunNamesThePathItWasGiven(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.scenario")
	require.NoError(t, os.WriteFile(bad, []byte("sleep 1s\nfly away\n"), 0o644))
	err := scenario.Run(bad, new(bytes.Buffer), scenario.Options{})
	assert.EqualError(t, err, bad+`:2: unknown command "fly away"`)

	missing := filepath.Join(dir, "missing.scenario")
	err = scenario.Run(missing, new(bytes.Buffer), scenario.Options{})
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, "open "+missing+": no such file or directory")
}
