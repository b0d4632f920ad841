package main

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var rewrite = flag.Bool("rewrite", false, "rewrite output.golden with the current output")

// TestOutput compares the program's output with output.golden; run
// `go test ./examples/... -rewrite` to regenerate it.
func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	if *rewrite {
		require.NoError(t, os.WriteFile("output.golden", out.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile("output.golden")
	require.NoError(t, err, "missing golden file; run go test ./examples/... -rewrite")
	assert.Equal(t, string(want), out.String(), "output changed; if that is intended, run go test ./examples/... -rewrite")
}

// TestDeterministic runs the program twice: a fake clock and a fixed seed
// give the same output every time.
func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	assert.Equal(t, a.String(), b.String())
}
