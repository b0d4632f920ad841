package replicaset

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/meta/metatest"
)

// TestStatusEqualCoversEveryField checks that statusEqual, which decides
// whether a sync writes the status, tells apart two statuses that differ
// in any one field, a field added to Status later included.
func TestStatusEqualCoversEveryField(t *testing.T) {
	var a, b Status
	metatest.Fill(&a, 1)
	metatest.Fill(&b, 1)
	require.True(t, statusEqual(&a, &b), "two equal statuses differ")
	for i, l := range metatest.Leaves(&b) {
		var other Status
		metatest.Fill(&other, 1)
		metatest.Leaves(&other)[i].Change()
		assert.False(t, statusEqual(&a, &other), "statusEqual misses %s", l.Path)
	}
}

// TestCloneCoversEveryField checks that Clone copies every exported field
// and shares nothing with the original that a change to the clone could
// reach. (The pod index stays behind: a clone is for callers outside
// the cluster.)
func TestCloneCoversEveryField(t *testing.T) {
	build := func() *ReplicaSet {
		rs := &ReplicaSet{}
		metatest.Fill(rs, 1)
		return rs
	}
	rs := build()
	require.Equal(t, build(), rs.Clone())
	for i, l := range metatest.Leaves(rs.Clone()) {
		c := rs.Clone()
		metatest.Leaves(c)[i].Change()
		require.Equal(t, build(), rs, "changing the clone's %s changed the original", l.Path)
	}
}
