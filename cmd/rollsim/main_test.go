package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageAndVersion(t *testing.T) {
	code, out, _ := runCLI("--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "rollsim run [--trace] [--seed N] FILE...")

	code, _, errOut := runCLI()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "Usage:")

	code, _, errOut = runCLI("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)

	code, out, _ = runCLI("version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "rollsim "+Version+"\n", out)

	for _, cmd := range []string{"run", "demo", "version"} {
		code, out, _ := runCLI(cmd, "--help")
		assert.Equal(t, 0, code, cmd)
		assert.Contains(t, out, cmd, cmd)
	}
}

func TestDemoPlaysEveryLesson(t *testing.T) {
	code, out, errOut := runCLI("demo")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Lesson 1: A rolling update")
	assert.Contains(t, out, "Lesson 2: Revisions, history and undo")
	assert.Contains(t, out, "Lesson 3: No room to surge")
	assert.Contains(t, out, `deployment "httpd" successfully rolled out`)
}

func TestRunExitStatus(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	ok := write("ok.scenario", "create deployment web --image=nginx:1.0 --replicas=2\nrollout status deployment/web\n")
	failing := write("failing.scenario", "rollout status deployment/nope\nsleep 1s\n")
	bad := write("bad.scenario", "sleep 1s\nfrobnicate now\n")

	code, out, errOut := runCLI("run", "--trace", ok)
	assert.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "$ create deployment web --image=nginx:1.0 --replicas=2\nout: deployment.apps/web created\n"), out)

	code, out, _ = runCLI("run", "--trace", failing)
	assert.Equal(t, 1, code, "a failed command lets the run go on, then exits 1")
	assert.Contains(t, out, `out: Error from server (NotFound): deployments.apps "nope" not found`)
	assert.Contains(t, out, "$ sleep 1s")

	code, _, errOut = runCLI("run", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "bad.scenario:2:")

	code, _, errOut = runCLI("run", filepath.Join(dir, "missing.scenario"))
	assert.Equal(t, 2, code, errOut)

	code, _, _ = runCLI("run")
	assert.Equal(t, 2, code, "no file")

	code, _, _ = runCLI("run", "--bogus", ok)
	assert.Equal(t, 2, code)
}
