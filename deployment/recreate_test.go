package deployment

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/internal/podindex"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// TestOldPodsRunning checks that an old ReplicaSet counts as running
// while its status still counts pods or it still owns one.
func TestOldPodsRunning(t *testing.T) {
	d := newTestDeployment(1, 0, 1)
	tests := []struct {
		name           string
		statusReplicas []int32
		pods           []int
		want           bool
	}{
		{name: "no old ReplicaSet"},
		{name: "all gone", statusReplicas: []int32{0, 0}, pods: []int{0, 0}},
		{name: "counted in a status", statusReplicas: []int32{0, 2}, pods: []int{0, 0}, want: true},
		{name: "a pod not yet counted", statusReplicas: []int32{0, 0}, pods: []int{1, 0}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var old []*replicaset.ReplicaSet
			for i := range tt.statusReplicas {
				rs := newTestReplicaSet(d, "web-old", 0, 0, epoch)
				rs.Status.Replicas = tt.statusReplicas[i]
				for range tt.pods[i] {
					rs.PodIndex(podindex.Token{}).Add(&pod.Pod{}, 0)
				}
				old = append(old, rs)
			}
			s := &syncer{env: newFakeEnv(old...)}
			assert.Equal(t, tt.want, s.oldPodsRunning(old))
		})
	}
}

// TestRolloutRecreate follows a Recreate rollout through syncs on the
// fake Env: the old ReplicaSet goes to 0 first; nothing happens while its
// pods remain; then the new ReplicaSet is created at full size.
func TestRolloutRecreate(t *testing.T) {
	d := newTestDeployment(2, 0, 0)
	d.Spec.Strategy = Strategy{Type: Recreate}
	d.Annotations = map[string]string{RevisionAnnotation: "1"}
	old := newTestReplicaSet(d, "web-old", 2, 2, epoch)
	old.Spec.Template.Spec.Containers[0].Image = "web:0"
	old.Annotations = map[string]string{RevisionAnnotation: "1", DesiredReplicasAnnotation: "2", MaxReplicasAnnotation: "2"}
	env := newFakeEnv(old)

	require.NoError(t, Sync(env, d))
	assert.Equal(t, int32(0), old.Spec.Replicas)
	assert.Equal(t, []string{"Scaled down replica set web-old from 2 to 0"}, scalingMessages(env))
	assert.Len(t, env.rss, 1, "a new ReplicaSet before the old pods are gone")

	env.store(d)
	env.forget()
	require.NoError(t, Sync(env, d))
	assert.Empty(t, env.events, "while the old pods remain")
	assert.Empty(t, env.updated)
	assert.Len(t, env.rss, 1)

	old.Status.Replicas, old.Status.ReadyReplicas, old.Status.AvailableReplicas = 0, 0, 0
	env.store(d)
	env.forget()
	require.True(t, meta.IsConflict(Sync(env, d)), "the revision write, then the status write from the same copy")
	require.Len(t, env.created, 1)
	newRS := env.rss[1]
	assert.Equal(t, int32(2), newRS.Spec.Replicas)
	assert.Equal(t, "2", newRS.Annotations[RevisionAnnotation])
	assert.Equal(t, []string{"Scaled up replica set " + newRS.Name + " from 0 to 2"}, scalingMessages(env))
}
