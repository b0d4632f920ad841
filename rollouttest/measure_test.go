package rollouttest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/rollouttest"
	"github.com/rollsim/rollsim/scheduler"
)

func newImage(image string) func(*deployment.Deployment) {
	return func(d *deployment.Deployment) { d.Spec.Template.Spec.Containers[0].Image = image }
}

func TestMeasureRolloutSeries(t *testing.T) {
	var seen []rollouttest.Sample
	r, err := rollouttest.MeasureRolloutWith(rollsim.Config{PodStartup: 10 * time.Second}, fixture.Rolling(web(4), "1", "0"), newImage("web:2"), time.Hour,
		rollouttest.MeasureOptions{Each: func(c *rollsim.Cluster, s rollouttest.Sample) error {
			seen = append(seen, s)
			return nil
		}})
	require.NoError(t, err)
	require.True(t, r.Completed)
	assert.Equal(t, 40*time.Second, r.Took, "4 waves of one pod")
	assert.Equal(t, r.Series, seen, "Each sees every sample")
	first, last := r.Series[0], r.Series[len(r.Series)-1]
	assert.Equal(t, rollouttest.Sample{At: 0, Counts: rollouttest.Counts{Pods: 5, Ready: 4, Available: 4, Updated: 1, Old: 4, Asked: 5}}, first)
	assert.Equal(t, rollouttest.Sample{At: 40 * time.Second, Counts: rollouttest.Counts{Pods: 4, Ready: 4, Available: 4, Updated: 4, Asked: 4}}, last)
	for i, s := range r.Series {
		assert.LessOrEqual(t, s.Pods, int32(5), "sample %d", i)
		assert.GreaterOrEqual(t, s.Available, int32(4), "sample %d", i)
		if i > 0 {
			assert.Greater(t, s.At, r.Series[i-1].At, "one sample per rest point")
		}
	}
	assert.Equal(t, int32(4), r.MinAvailable)
	assert.Equal(t, int32(5), r.MaxPods)
}

// Setup gives the rollout a cluster with no room to surge, or a release
// that never becomes Ready: the measure reports a stalled rollout.
func TestMeasureRolloutSetup(t *testing.T) {
	full := func(c *rollsim.Cluster) error {
		_, err := c.ApplyNode(scheduler.NewNode("node-a", 4000, 1<<30, 4))
		return err
	}
	r, err := rollouttest.MeasureRolloutWith(rollsim.Config{}, fixture.Rolling(web(4), "1", "0"), newImage("web:2"), 10*time.Minute,
		rollouttest.MeasureOptions{Setup: full})
	require.NoError(t, err)
	assert.False(t, r.Completed, "no room for the surge pod")
	assert.Equal(t, 10*time.Minute, r.Took)
	assert.Equal(t, int32(5), r.MaxPods, "the surge pod exists, Pending")
	assert.Equal(t, int32(4), r.Series[len(r.Series)-1].Available)

	r, err = rollouttest.MeasureRolloutWith(rollsim.Config{}, fixture.Rolling(web(4), "0", "1"), newImage("web:2"), 10*time.Minute,
		rollouttest.MeasureOptions{Setup: full})
	require.NoError(t, err)
	assert.True(t, r.Completed, "taking a pod down first makes room")
	assert.Equal(t, int32(4), r.MaxPods)

	r, err = rollouttest.MeasureRolloutWith(rollsim.Config{}, web(4), newImage("web:broken"), time.Minute,
		rollouttest.MeasureOptions{Setup: func(c *rollsim.Cluster) error { c.SetNeverReady("web:broken"); return nil }})
	require.NoError(t, err)
	assert.False(t, r.Completed)
	assert.Equal(t, int32(3), r.MinAvailable, "25% of 4 unavailable at most")
}

func TestCountPods(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	_, err := c.CreateDeployment(fixture.Rolling(web(3), "1", "0"))
	require.NoError(t, err)
	n, err := rollouttest.CountPods(c, "", "web")
	require.NoError(t, err)
	assert.Equal(t, rollouttest.Counts{Pods: 3, Updated: 3, Asked: 3}, n, "created, not yet Ready")
	c.Advance(time.Minute)
	require.NoError(t, setImage("web:2").Apply(c, "", "web"))
	n, err = rollouttest.CountPods(c, "", "web")
	require.NoError(t, err)
	assert.Equal(t, rollouttest.Counts{Pods: 4, Ready: 3, Available: 3, Updated: 1, Old: 3, Asked: 4}, n)
	_, err = rollouttest.CountPods(c, "", "nope")
	assert.Error(t, err)
}
