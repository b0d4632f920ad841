package metatest

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Filled returns a new T with Fill's values for seed 1.
func Filled[T any]() *T {
	v := new(T)
	Fill(v, 1)
	return v
}

// CheckEqual checks a comparison written field by field: equal holds for
// two values Fill makes alike, and fails once any one field of the second
// is changed, but for fields whose path ignored matches (nil: none).
func CheckEqual[T any](t testing.TB, name string, equal func(a, b *T) bool, ignored *regexp.Regexp) {
	t.Helper()
	a, b := Filled[T](), Filled[T]()
	require.True(t, equal(a, b), "%s: two equal values differ", name)
	leaves := Leaves(b)
	require.NotEmpty(t, leaves)
	for i, l := range leaves {
		if ignored != nil && ignored.MatchString(l.Path) {
			continue
		}
		other := Filled[T]()
		Leaves(other)[i].Change()
		assert.False(t, equal(a, other), "%s misses %s", name, l.Path)
	}
}

// CheckClone checks a copy written field by field: the clone of what
// build returns equals a fresh build, and a change to any one field of
// the clone leaves the original as it was.
func CheckClone[T any](t testing.TB, build func() *T, clone func(*T) *T) {
	t.Helper()
	orig := build()
	require.Equal(t, build(), clone(orig), "the clone differs")
	for i, l := range Leaves(clone(orig)) {
		c := clone(orig)
		Leaves(c)[i].Change()
		require.Equal(t, build(), orig, "changing the clone's %s changed the original", l.Path)
	}
}
