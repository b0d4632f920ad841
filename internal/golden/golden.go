// Package golden compares test output with golden files. Run a package's
// tests with -rewrite to write the current output to its golden files
// instead.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rewrite is the -rewrite flag of every test binary that imports golden.
var Rewrite = flag.Bool("rewrite", false, "rewrite golden files with the current output")

// Check compares got with the golden file at path, or writes it there
// under -rewrite.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *Rewrite {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the tests with -rewrite")
	assert.Equal(t, string(want), got, "%s changed; if that is intended, run the tests with -rewrite", path)
}
