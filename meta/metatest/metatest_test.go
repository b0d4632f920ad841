package metatest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/meta/metatest"
)

type inner struct {
	N  int32
	At time.Time
}

type sample struct {
	S      string
	B      bool
	U      uint64
	F      float64
	P      *int32
	In     inner
	Ptr    *inner
	List   []inner
	Names  []string
	M      map[string]string
	Any    any
	hidden int
}

// TestFillAndLeaves checks that Fill leaves no exported field zero, that
// two fills are equal yet separate, and that changing any leaf makes them
// differ.
func TestFillAndLeaves(t *testing.T) {
	var a, b sample
	metatest.Fill(&a, 1)
	metatest.Fill(&b, 1)
	require.Equal(t, a, b)
	assert.Zero(t, a.hidden, "an unexported field was filled")

	got := metatest.Leaves(&b)
	var paths []string
	for _, l := range got {
		paths = append(paths, l.Path)
	}
	assert.Equal(t, []string{"S", "B", "U", "F", "P", "In.N", "In.At", "Ptr.N", "Ptr.At", "List[0].N", "List[0].At", "Names[0]", "M", "Any"}, paths)
	for i := range got {
		var fresh sample
		metatest.Fill(&fresh, 1)
		l := metatest.Leaves(&fresh)[i]
		assert.False(t, l.IsZero(), "%s is zero", l.Path)
		l.Change()
		assert.NotEqual(t, a, fresh, "changing %s changed nothing", l.Path)
	}
}
