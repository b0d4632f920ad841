package replicaset

import (
	"testing"

	"github.com/rollsim/rollsim/meta/metatest"
)

// TestStatusEqualCoversEveryField checks that statusEqual, which decides
// whether a sync writes the status, tells apart two statuses that differ
// in any one field, a field added to Status later included.
func TestStatusEqualCoversEveryField(t *testing.T) {
	metatest.CheckEqual(t, "statusEqual", statusEqual, nil)
}

// TestCloneCoversEveryField checks that Clone copies every exported field
// and shares nothing with the original that a change to the clone could
// reach. (The pod index stays behind: a clone is for callers outside
// the cluster.)
func TestCloneCoversEveryField(t *testing.T) {
	metatest.CheckClone(t, metatest.Filled[ReplicaSet], (*ReplicaSet).Clone)
}
