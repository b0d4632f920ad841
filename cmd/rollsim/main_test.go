package main

import (
	"bytes"
	"encoding/xml"
	"io"
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

	for _, cmd := range []string{"run", "demo", "version", "serve", "plan"} {
		code, out, errOut := runCLI(cmd, "--help")
		assert.Equal(t, 0, code, cmd)
		assert.Contains(t, out, "Usage: rollsim "+cmd, cmd)
		assert.Equal(t, 1, strings.Count(out, "Usage:"), cmd)
		assert.Empty(t, errOut, "help goes to stdout alone: %s", cmd)
	}
	code, out, errOut = runCLI("run", "--no-such-flag")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "flag provided but not defined: -no-such-flag")
	assert.Equal(t, 1, strings.Count(errOut, "Usage: rollsim run"))
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

func TestRunDrawsPictures(t *testing.T) {
	dir := t.TempDir()
	svg, page := filepath.Join(dir, "run.svg"), filepath.Join(dir, "run.html")
	code, out, errOut := runCLI("run", "--svg", svg, "--html", page, "../../examples/capacity/capacity.scenario")
	assert.Equal(t, 1, code, "the capacity lesson fails on purpose: %s", errOut)
	assert.Contains(t, out, `error: deployment "web" exceeded its progress deadline`)

	data, err := os.ReadFile(svg)
	require.NoError(t, err)
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	assert.Equal(t, 3, strings.Count(string(data), `class="series"`))

	html, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Contains(t, string(html), "kubectl set image deployment/web web=nginx:1.29")

	code, _, errOut = runCLI("run", "--svg", svg, "a.scenario", "b.scenario")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "one scenario file")
}

func TestDemoNarratesAndWritesPages(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI("demo", "--html", dir)
	require.Equal(t, 0, code, errOut)
	note := strings.Index(out, "The classic rolling update")
	clock := strings.Index(out, "such as [31.005s]")
	first := strings.Index(out, "[0s] $ kubectl apply -f httpd.yml")
	require.True(t, note >= 0 && clock >= 0 && first >= 0, out)
	assert.Less(t, note, clock, "the scenario's comment comes first")
	assert.Less(t, clock, first, "the time stamps are explained before the first one")
	assert.Equal(t, 1, strings.Count(out, "such as [31.005s]"), "once")
	assert.Contains(t, out, "Same release, but trade surge for unavailability.\n\n[32s] $ kubectl apply -f web.v2.yml")
	for _, name := range []string{"index.html", "rolling-update.html", "rollback.html", "capacity.html"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Contains(t, string(data), "<!DOCTYPE html>", name)
	}
}

func TestPlanCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI("plan", "-f", "../../examples/capacity/web.v1.yml", "--nodes", "../../examples/capacity/nodes.yml",
		"--image", "nginx:1.28", "--strategies", "1/0,0/1", "--svg", filepath.Join(dir, "cap"))
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	assert.True(t, strings.HasPrefix(lines[1], "1/0       31s   4"), out)
	assert.Contains(t, lines[1], "  no  ")
	assert.True(t, strings.HasPrefix(lines[2], "0/1       3s    3"), out)
	for _, name := range []string{"cap-1-0.svg", "cap-0-1.svg"} {
		_, err := os.Stat(filepath.Join(dir, name))
		assert.NoError(t, err, "one picture per strategy")
	}

	code, _, _ = runCLI("plan", "--help")
	assert.Equal(t, 0, code)
	code, _, errOut = runCLI("plan")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "want -f DEPLOYMENT")
	code, _, errOut = runCLI("plan", "-f", "../../examples/capacity/web.v1.yml", "--strategies", "fast")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `strategy "fast"`)
}

// Flags may follow the scenario files, as kubectl's may follow its
// arguments.
func TestFlagsAfterFiles(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "run.svg")
	code, _, errOut := runCLI("run", "../../examples/rollback/rollback.scenario", "--svg", svg)
	require.Equal(t, 0, code, errOut)
	_, err := os.Stat(svg)
	require.NoError(t, err)
}
