package rollsim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/internal/fixture"
)

// since returns the work counted between two readings of Stats.
func since(now, before rollsim.Stats) rollsim.Stats {
	return rollsim.Stats{
		Rounds:          now.Rounds - before.Rounds,
		DeploymentSyncs: now.DeploymentSyncs - before.DeploymentSyncs,
		ReplicaSetSyncs: now.ReplicaSetSyncs - before.ReplicaSetSyncs,
		Writes:          now.Writes - before.Writes,
	}
}

// A maxSurge 1, maxUnavailable 0 rollout replaces one pod per step, and
// every step that leaves an old pod to replace costs the same: the new
// pod's Ready status, the old ReplicaSet scaled down and its pod deleted,
// the new one scaled up and its pod created, each write syncing what it
// touches, as the recorder's rounds do. The benchmarks' time per step is
// divided among these syncs.
func TestStatsOfRolloutSteps(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(fixture.Rolling(newDeployment("web", "web:1", 4), "1", "0"))
	require.NoError(t, err)
	settle(c)
	setImage(t, c, "web", "web:2")

	var steps []rollsim.Stats
	for {
		before := c.Stats()
		if !c.Step() {
			break
		}
		steps = append(steps, since(c.Stats(), before))
	}
	// The sync of the new image wrote the Deployment twice: the second
	// write's conflict is retried 5ms later, a sync that finds nothing
	// to do.
	retry := rollsim.Stats{Rounds: 1, DeploymentSyncs: 1}
	replace := rollsim.Stats{Rounds: 5, DeploymentSyncs: 5, ReplicaSetSyncs: 8, Writes: 13}
	require.Len(t, steps, 6, "the conflict retry, four pods replaced, then the progress check")
	assert.Equal(t, retry, steps[0], "the conflict retry")
	for i := 1; i < 4; i++ {
		assert.Equal(t, replace, steps[i], "step %d", i)
	}
	// The last pod Ready: the old ReplicaSet goes to 0, nothing to create.
	assert.Equal(t, rollsim.Stats{Rounds: 4, DeploymentSyncs: 4, ReplicaSetSyncs: 5, Writes: 8}, steps[4])
	// The requeued progress check finds the rollout complete.
	assert.Equal(t, rollsim.Stats{Rounds: 1, DeploymentSyncs: 1}, steps[5])
}

// What changes nothing costs nothing: an update that stores the same
// spec, or time passing with nothing due.
func TestStatsOfNoOps(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 3))
	require.NoError(t, err)
	settle(c)
	before := c.Stats()
	assert.Positive(t, before.Rounds)
	assert.Positive(t, before.DeploymentSyncs)
	assert.Positive(t, before.ReplicaSetSyncs)
	assert.Positive(t, before.Writes)

	setImage(t, c, "web", "web:1")
	c.Advance(time.Hour)
	assert.Equal(t, before, c.Stats())

	require.NoError(t, c.DeletePod("default", c.Pods()[0].Name))
	got := since(c.Stats(), before)
	assert.Positive(t, got.ReplicaSetSyncs, "the ReplicaSet replaces the pod")
	assert.Positive(t, got.Writes)
}
