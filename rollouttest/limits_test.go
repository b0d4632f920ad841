package rollouttest_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/rollouttest"
	"github.com/rollsim/rollsim/scheduler"
)

// The API's own table of examples: 25% and 25% at various sizes.
func TestResolveDefaultPercents(t *testing.T) {
	for _, tt := range []struct{ replicas, surge, unavailable int32 }{
		{0, 0, 0}, {1, 1, 0}, {2, 1, 0}, {3, 1, 0}, {4, 1, 1}, {5, 2, 1}, {10, 3, 2}, {20, 5, 5},
	} {
		for name, d := range map[string]*deployment.Deployment{
			"explicit":           fixture.Rolling(web(tt.replicas), "25%", "25%"),
			"defaulted strategy": web(tt.replicas),
		} {
			f, err := rollouttest.Resolve(d)
			require.NoError(t, err)
			assert.Equal(t, rollouttest.Fenceposts{Surge: tt.surge, Unavailable: tt.unavailable}, f, "%s, %d replicas", name, tt.replicas)
			assert.Equal(t, tt.replicas+tt.surge, f.Ceiling(d))
			assert.Equal(t, tt.replicas-tt.unavailable, f.Floor(d))
		}
	}
}

func TestResolve(t *testing.T) {
	for _, tt := range []struct {
		replicas           int32
		surge, unavailable string
		wantS, wantU       int32
	}{
		{10, "0", "0", 0, 1}, // both 0: one may be unavailable, or nothing moves
		{3, "0%", "0%", 0, 1},
		{3, "2", "5", 2, 3},     // never more unavailable than replicas
		{0, "1", "1", 1, 0},     // nothing to take down
		{7, "10%", "10%", 1, 0}, // 0.7 rounds up to 1 and down to 0
		{7, "1%", "1%", 1, 0},
		{9, "50%", "50%", 5, 4},
		{1, "99999999999%", "1", 1e9, 1},
		{3, "99999999999%", "1", math.MaxInt32, 1}, // past int32: the most there is
	} {
		d := fixture.Rolling(web(tt.replicas), tt.surge, tt.unavailable)
		f, err := rollouttest.Resolve(d)
		require.NoError(t, err)
		assert.Equal(t, rollouttest.Fenceposts{Surge: tt.wantS, Unavailable: tt.wantU}, f, "%d replicas, %s/%s", tt.replicas, tt.surge, tt.unavailable)
	}

	d := web(4)
	d.Spec.Strategy = deployment.Strategy{Type: deployment.Recreate}
	f, err := rollouttest.Resolve(d)
	require.NoError(t, err)
	assert.Equal(t, rollouttest.Fenceposts{}, f)
	assert.Equal(t, int32(4), f.Ceiling(d))

	for _, bad := range []*deployment.IntOrPercent{deployment.Int(-1), deployment.Percent("x%"), deployment.Percent("%"), deployment.Percent("5")} {
		d := web(4)
		d.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate,
			RollingUpdate: &deployment.RollingUpdateParams{MaxSurge: bad, MaxUnavailable: deployment.Int(1)}}
		_, err := rollouttest.Resolve(d)
		assert.ErrorContains(t, err, "maxSurge", "%v", bad)
	}
}

// The kit and the controller resolve alike: two independent readings of
// the same rules, so that a bug in either shows.
func TestResolveAgreesWithTheController(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := web(rapid.Int32Range(0, 500).Draw(t, "replicas"))
		d.Spec.Strategy = rollouttest.Strategy(20).Draw(t, "strategy")
		f := rollouttest.MustResolve(d)
		deployment.Default(d)
		if got, want := f.Surge, deployment.MaxSurge(d); got != want {
			t.Fatalf("surge %d, controller %d", got, want)
		}
		if got, want := f.Unavailable, deployment.MaxUnavailable(d); got != want {
			t.Fatalf("unavailable %d, controller %d", got, want)
		}
	})
}

func TestWaves(t *testing.T) {
	for _, tt := range []struct {
		replicas           int32
		surge, unavailable string
		want               int32
	}{
		{10, "1", "0", 10}, {10, "25%", "1", 3}, {10, "100%", "25%", 1}, {10, "0", "25%", 5}, {0, "1", "0", 0}, {5, "0", "0", 5},
	} {
		w, err := rollouttest.Waves(fixture.Rolling(web(tt.replicas), tt.surge, tt.unavailable))
		require.NoError(t, err)
		assert.Equal(t, tt.want, w, "%d replicas, %s/%s", tt.replicas, tt.surge, tt.unavailable)
	}
	d := web(3)
	d.Spec.MinReadySeconds = 2
	bound, err := rollouttest.CompletionBound(d, time.Second)
	require.NoError(t, err)
	assert.Equal(t, 3*3*time.Second, bound, "3 waves of 1+2 seconds")
}

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
