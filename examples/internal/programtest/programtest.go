// Package programtest holds the tests every example program has: its
// output is the golden one, and the same on every run.
package programtest

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/internal/golden"
)

// CheckOutput compares a lesson's output with output.golden in the
// program's folder; run `go test ./examples/... -rewrite` to regenerate it.
func CheckOutput(t *testing.T, run func(w io.Writer) error) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(&out))
	golden.Check(t, "output.golden", out.String())
}

// CheckDeterministic plays a lesson twice: a fake clock and a fixed seed
// give the same output every time.
func CheckDeterministic(t *testing.T, run func(w io.Writer) error) {
	t.Helper()
	var a, b bytes.Buffer
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	assert.Equal(t, a.String(), b.String())
}
