// Package program holds what the example programs share, so that each
// program's main.go is only its lesson: running it to standard output and
// the fake-clock offsets it prints.
package program

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rollsim/rollsim"
)

// Main plays a lesson to standard output; on an error it says which
// program failed and exits 1.
func Main(name string, run func(w io.Writer) error) {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Offset is how far the fake clock has moved since it started, such as "2s".
func Offset(t time.Time) string { return t.Sub(rollsim.Epoch()).String() }
