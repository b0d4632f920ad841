package main

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	clock := strings.Index(out, "is the fake clock")
	first := strings.Index(out, "[0s] $ kubectl apply -f httpd.yml")
	require.True(t, note >= 0 && clock >= 0 && first >= 0, out)
	assert.Less(t, note, clock, "the scenario's comment comes first")
	assert.Less(t, clock, first, "the time stamps are explained before the first one")
	assert.Equal(t, 1, strings.Count(out, "is the fake clock"), "once")
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
