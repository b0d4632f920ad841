package deployment

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rollsim/rollsim/replicaset"
)

// TestReconcileNewReplicaSet checks that the new ReplicaSet grows only
// as far as maxSurge allows over the desired count, and shrinks to the
// desired count when above it.
func TestReconcileNewReplicaSet(t *testing.T) {
	tests := []struct {
		name                                         string
		replicas, maxSurge, oldReplicas, newReplicas int32
		wantScaled                                   bool
		wantNewReplicas                              int32
		wantScalingMessages                          []string
	}{
		{name: "no room without surge", replicas: 10, maxSurge: 0, oldReplicas: 10, newReplicas: 0},
		{name: "surge room only", replicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 0, wantScaled: true, wantNewReplicas: 2,
			wantScalingMessages: []string{"Scaled up replica set web-new from 0 to 2"}},
		{name: "room left by old ones", replicas: 10, maxSurge: 2, oldReplicas: 5, newReplicas: 0, wantScaled: true, wantNewReplicas: 7,
			wantScalingMessages: []string{"Scaled up replica set web-new from 0 to 7"}},
		{name: "surge used up", replicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 2, wantNewReplicas: 2},
		{name: "never past the desired count", replicas: 10, maxSurge: 5, oldReplicas: 1, newReplicas: 8, wantScaled: true, wantNewReplicas: 10,
			wantScalingMessages: []string{"Scaled up replica set web-new from 8 to 10"}},
		{name: "above the desired count", replicas: 10, maxSurge: 2, oldReplicas: 2, newReplicas: 11, wantScaled: true, wantNewReplicas: 10,
			wantScalingMessages: []string{"Scaled down replica set web-new from 11 to 10"}},
		{name: "at the desired count", replicas: 10, maxSurge: 2, oldReplicas: 2, newReplicas: 10, wantNewReplicas: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(tt.replicas, tt.maxSurge, 0)
			newRS := newTestReplicaSet(d, "web-new", tt.newReplicas, 0, epoch.Add(1))
			oldRS := newTestReplicaSet(d, "web-old", tt.oldReplicas, tt.oldReplicas, epoch)
			env := newFakeEnv(oldRS, newRS)
			scaled := newTestSyncer(env, d).reconcileNewReplicaSet([]*replicaset.ReplicaSet{oldRS, newRS}, newRS)
			assert.Equal(t, tt.wantScaled, scaled)
			assert.Equal(t, tt.wantNewReplicas, newRS.Spec.Replicas)
			assert.Equal(t, tt.oldReplicas, oldRS.Spec.Replicas, "the old ReplicaSet was resized")
			assert.Equal(t, tt.wantScalingMessages, scalingMessages(env))
		})
	}
}

// TestReconcileOldReplicaSets checks that old ReplicaSets shrink by their
// unavailable pods first, then by available ones while maxUnavailable
// allows, counting the new ReplicaSet's unavailable pods against it.
func TestReconcileOldReplicaSets(t *testing.T) {
	tests := []struct {
		name                     string
		replicas, maxUnavailable int32
		oldReplicas, oldReady    int32
		newReplicas, newReady    int32
		wantScaled               bool
		wantOldReplicas          int32
	}{
		{name: "one at a time without unavailability", replicas: 10, maxUnavailable: 0, oldReplicas: 10, oldReady: 10,
			wantScaled: true, wantOldReplicas: 9},
		{name: "as many as may be unavailable", replicas: 10, maxUnavailable: 2, oldReplicas: 10, oldReady: 10,
			wantScaled: true, wantOldReplicas: 8},
		{name: "unavailable pods go first", replicas: 10, maxUnavailable: 2, oldReplicas: 10, oldReady: 8,
			wantScaled: true, wantOldReplicas: 8},
		{name: "an unavailable pod, then an available one", replicas: 10, maxUnavailable: 2, oldReplicas: 10, oldReady: 9,
			wantScaled: true, wantOldReplicas: 8},
		{name: "the new ReplicaSet's unavailable pods use up the room", replicas: 10, maxUnavailable: 2, oldReplicas: 8, oldReady: 8,
			newReplicas: 2, wantOldReplicas: 8},
		{name: "more available than wanted: the step is abandoned", replicas: 10, maxUnavailable: 2, oldReplicas: 5, oldReady: 7,
			newReplicas: 5, newReady: 5, wantOldReplicas: 5},
		{name: "no old pods wanted", replicas: 10, maxUnavailable: 2, newReplicas: 10, newReady: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(tt.replicas, 0, tt.maxUnavailable)
			newRS := newTestReplicaSet(d, "web-new", tt.newReplicas, tt.newReady, epoch.Add(1))
			oldRS := newTestReplicaSet(d, "web-old", tt.oldReplicas, tt.oldReady, epoch)
			env := newFakeEnv(oldRS, newRS)
			s := newTestSyncer(env, d)
			all := []*replicaset.ReplicaSet{oldRS, newRS}
			scaled := s.reconcileOldReplicaSets(all, s.filterActiveReplicaSets([]*replicaset.ReplicaSet{oldRS}), newRS)
			assert.Equal(t, tt.wantScaled, scaled)
			assert.Equal(t, tt.wantOldReplicas, oldRS.Spec.Replicas)
			assert.Equal(t, tt.newReplicas, newRS.Spec.Replicas, "the new ReplicaSet was resized")
			assert.Equal(t, tt.wantScaled, len(env.updated) > 0, "written: %v", env.updated)
		})
	}
}

// TestCleanupUnhealthyReplicas checks that only unavailable pods go, no
// more than the limit, oldest ReplicaSet first.
func TestCleanupUnhealthyReplicas(t *testing.T) {
	tests := []struct {
		name      string
		replicas  []int32
		available []int32
		limit     int32
		wantDone  int32
		wantSizes []int32
	}{
		{name: "up to the limit", replicas: []int32{10}, available: []int32{8}, limit: 1, wantDone: 1, wantSizes: []int32{9}},
		{name: "no more than are unavailable", replicas: []int32{10}, available: []int32{8}, limit: 3, wantDone: 2, wantSizes: []int32{8}},
		{name: "no room", replicas: []int32{10}, available: []int32{8}, limit: 0, wantSizes: []int32{10}},
		{name: "all available", replicas: []int32{10}, available: []int32{10}, limit: 3, wantSizes: []int32{10}},
		{name: "oldest first", replicas: []int32{3, 3}, available: []int32{1, 1}, limit: 3, wantDone: 3, wantSizes: []int32{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(10, 2, 2)
			var old []*replicaset.ReplicaSet
			for i := range tt.replicas {
				old = append(old, newTestReplicaSet(d, "web-"+string(rune('a'+i)), tt.replicas[i], tt.available[i], epoch.Add(1)))
			}
			done, ok := newTestSyncer(newFakeEnv(old...), d).cleanupUnhealthyReplicas(old, tt.limit)
			assert.True(t, ok)
			assert.Equal(t, tt.wantDone, done)
			var got []int32
			for _, rs := range old {
				got = append(got, rs.Spec.Replicas)
			}
			assert.Equal(t, tt.wantSizes, got)
		})
	}
}

// TestScaleDownOldReplicaSetsForRollingUpdate checks that available old
// pods go only while enough stay available.
func TestScaleDownOldReplicaSetsForRollingUpdate(t *testing.T) {
	tests := []struct {
		name                                   string
		maxUnavailable, available, oldReplicas int32
		wantDone, wantOldReplicas              int32
	}{
		{name: "one, when both bounds are 0 and one may be unavailable", maxUnavailable: 0, available: 10, oldReplicas: 10, wantDone: 1, wantOldReplicas: 9},
		{name: "as many as may be unavailable", maxUnavailable: 2, available: 10, oldReplicas: 10, wantDone: 2, wantOldReplicas: 8},
		{name: "already at the minimum", maxUnavailable: 2, available: 8, oldReplicas: 10, wantOldReplicas: 10},
		{name: "nothing to shrink", maxUnavailable: 2, available: 10, oldReplicas: 0},
		{name: "below the minimum", maxUnavailable: 2, available: 1, oldReplicas: 10, wantOldReplicas: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(10, 0, tt.maxUnavailable)
			old := newTestReplicaSet(d, "web-old", tt.oldReplicas, tt.available, epoch)
			env := newFakeEnv(old)
			all := []*replicaset.ReplicaSet{old}
			done := newTestSyncer(env, d).scaleDownOldReplicaSetsForRollingUpdate(all, all)
			assert.Equal(t, tt.wantDone, done)
			assert.Equal(t, tt.wantOldReplicas, old.Spec.Replicas)
		})
	}
}

// scalingMessages returns the messages of the ScalingReplicaSet events
// env recorded, or nil.
func scalingMessages(env *fakeEnv) []string {
	var out []string
	for _, e := range env.events {
		if m, ok := strings.CutPrefix(e, "Normal ScalingReplicaSet "); ok {
			out = append(out, m)
		}
	}
	return out
}
