package rollsim

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDirtySet(t *testing.T) {
	for _, n := range []int{3, linearLimit, 3 * linearLimit} {
		var s dirtySet[int]
		for i := range n {
			s.add(i)
			s.add(i)
		}
		assert.Equal(t, n, s.len())
		s.remove(1)
		s.remove(1)
		s.remove(-1)
		assert.Equal(t, n-1, s.len())
		got := s.drain(nil)
		want := []int{0}
		for i := 2; i < n; i++ {
			want = append(want, i)
		}
		assert.Equal(t, want, got, "members in the order added")
		assert.Zero(t, s.len())
		assert.False(t, slices.Contains(s.drain(nil), 0))
		s.add(7)
		assert.Equal(t, []int{7}, s.drain(nil))
	}
}
