package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/internal/golden"
)

// TestOutput compares the program's output with output.golden; run
// `go test ./examples/... -rewrite` to regenerate it.
func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	golden.Check(t, "output.golden", out.String())
}

// TestDeterministic runs the program twice: a fake clock and a fixed seed
// give the same output every time.
func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	assert.Equal(t, a.String(), b.String())
}
