package rollsim_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/meta"
)

func TestDeleteReplicaSet(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 2))
	require.NoError(t, err)
	settle(c)
	setImage(t, c, "web", "web:2")
	settle(c)
	d, _ := c.Deployment("", "web")
	own := c.ReplicaSetsOf(d)
	require.Len(t, own, 2)

	// An old ReplicaSet is gone for good, its revision with it.
	require.NoError(t, c.DeleteReplicaSet("", own[0].Name))
	require.Len(t, c.ReplicaSetsOf(d), 1)
	revs, err := c.History("", "web")
	require.NoError(t, err)
	require.Len(t, revs, 1)

	// The current one comes back under its name, with new pods.
	require.NoError(t, c.DeleteReplicaSet("", own[1].Name))
	back, err := c.ReplicaSet("", own[1].Name)
	require.NoError(t, err)
	require.NotEqual(t, own[1].UID, back.UID)
	settle(c)
	require.Equal(t, 2, c.PodCount())

	require.True(t, meta.IsNotFound(c.DeleteReplicaSet("", "nope")))
}

func TestUpdateDeploymentStatus(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 2))
	require.NoError(t, err)
	settle(c)
	d, _ := c.Deployment("", "web")
	var seen []int32
	stop := c.Watch(func(e rollsim.WatchEvent) {
		if e.Deployment != nil {
			seen = append(seen, e.Deployment.Status.AvailableReplicas)
		}
	})
	defer stop()
	d.Status.AvailableReplicas, d.Status.ReadyReplicas = 0, 0
	d.Spec.Paused = true // ignored: only the status is written
	got, err := c.UpdateDeploymentStatus(d)
	require.NoError(t, err)
	require.Equal(t, []int32{0, 2}, seen, "the client's write, then the controller's")
	require.Equal(t, int32(2), got.Status.AvailableReplicas)
	require.False(t, got.Spec.Paused)

	_, err = c.UpdateDeploymentStatus(d)
	require.True(t, meta.IsConflict(err))
	d.ResourceVersion = 0
	d.Status.Replicas = -1
	_, err = c.UpdateDeploymentStatus(d)
	require.True(t, meta.IsInvalid(err))
	require.Contains(t, err.Error(), "status.replicas: Invalid value: -1: must be greater than or equal to 0")
}
