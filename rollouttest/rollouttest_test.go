package rollouttest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/rollouttest"
)

func TestGeneratedDeploymentsAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := rollouttest.Deployment("web", rollouttest.Limits{MaxReplicas: 50, MaxInt: 10}).Draw(t, "deployment")
		d = d.Clone()
		deployment.Default(d)
		if err := deployment.Validate(d, nil); err != nil {
			t.Fatalf("%s: %v", rollouttest.Op{Kind: rollouttest.Apply, Deployment: d}, err)
		}
		if d.DesiredReplicas() < 0 || d.DesiredReplicas() > 50 {
			t.Fatalf("replicas %d out of bounds", d.DesiredReplicas())
		}
	})
}

func TestGeneratedStrategiesAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rollouttest.Strategy(4).Draw(t, "strategy")
		d := web(rapid.Int32Range(0, 30).Draw(t, "replicas"))
		d.Spec.Strategy = s
		deployment.Default(d)
		require.NoError(t, deployment.Validate(d, nil))
		if d.Spec.Strategy.Type == deployment.RollingUpdate {
			f := rollouttest.MustResolve(d)
			assert.GreaterOrEqual(t, f.Surge, int32(0))
			assert.GreaterOrEqual(t, f.Unavailable, int32(0))
			assert.False(t, f.Surge == 0 && f.Unavailable == 0 && d.DesiredReplicas() > 0,
				"a rolling update that can never move")
		}
	})
}

func TestGeneratedOpsApply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := rollsim.New(rollsim.Config{})
		require.NoError(t, rollouttest.OpOf(rollouttest.Apply, rollouttest.Limits{}).Draw(t, "create").Apply(c, "", "app"))
		ops := rollouttest.Ops(rollouttest.Limits{}, 20).Draw(t, "ops")
		for i, err := range rollouttest.Play(c, "", "app", ops) {
			if err != nil && ops[i].Kind == rollouttest.Advance {
				t.Fatalf("%v refused: %v", ops[i], err)
			}
		}
		for _, op := range ops {
			assert.NotEmpty(t, op.String())
		}
	})
}

func TestKinds(t *testing.T) {
	var names []string
	for _, k := range rollouttest.Kinds() {
		names = append(names, k.String())
	}
	assert.Equal(t, []string{"apply", "set image", "scale", "pause", "resume", "undo", "restart", "advance", "delete pod", "never-ready release"}, names)
	assert.Equal(t, "Kind(99)", rollouttest.Kind(99).String())
}

func TestViolationError(t *testing.T) {
	v := &rollouttest.Violation{Invariant: rollouttest.ErrSurgeCeiling, Namespace: "default", Name: "web",
		Time: rollsim.Epoch.Add(3 * time.Second), Detail: "6 pods"}
	assert.Equal(t, "surge ceiling violated by deployment default/web at t=3s: 6 pods", v.Error())
	err := errors.Join(errors.New("other"), v)
	assert.ErrorIs(t, err, rollouttest.ErrSurgeCeiling)
	assert.NotErrorIs(t, err, rollouttest.ErrAvailabilityFloor)
	var got *rollouttest.Violation
	require.ErrorAs(t, err, &got)
	assert.Equal(t, "web", got.Name)

	cluster := &rollouttest.Violation{Invariant: rollouttest.ErrOwnership, Time: rollsim.Epoch, Detail: "pod x"}
	assert.Equal(t, "no pod owned twice violated by cluster at t=0s: pod x", cluster.Error())
}

func TestChecksOfAMissingDeployment(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	for _, check := range []func(*rollsim.Cluster, string, string) error{
		rollouttest.CheckSurgeCeiling, rollouttest.CheckAvailabilityFloor, rollouttest.CheckRevisions,
		rollouttest.CheckHistoryLimit, rollouttest.CheckStatus,
	} {
		err := check(c, "", "nope")
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"nope" not found`)
	}
	assert.NoError(t, rollouttest.CheckOwnership(c))
	assert.NoError(t, rollouttest.NewChecker(c, "", "nope").Check(), "nothing to check yet")
}

func TestCheckCompletion(t *testing.T) {
	c := rollsim.New(rollsim.Config{PodStartup: 5 * time.Second})
	_, err := c.CreateDeployment(web(4))
	require.NoError(t, err)
	require.NoError(t, rollouttest.CheckCompletion(c, "", "web", time.Minute))
	assert.Equal(t, 5*time.Second, c.Now().Sub(rollsim.Epoch), "it stops as soon as the rollout is complete")

	require.NoError(t, setImage("web:2").Apply(c, "", "web"))
	err = rollouttest.CheckCompletion(c, "", "web", 6*time.Second)
	require.ErrorIs(t, err, rollouttest.ErrCompletion)
	assert.Contains(t, err.Error(), "rollout not finished 6s after it was checked")
	require.NoError(t, rollouttest.CheckCompletion(c, "", "web", time.Minute))
}

func TestCheckCompletionPreconditions(t *testing.T) {
	newCluster := func(t *testing.T, d *deployment.Deployment) (*rollsim.Cluster, *rollouttest.Checker) {
		c := rollsim.New(rollsim.Config{})
		k := rollouttest.NewChecker(c, "", "web")
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.Apply, Deployment: d}))
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.Advance, Duration: time.Minute}))
		return c, k
	}

	t.Run("paused", func(t *testing.T) {
		c, k := newCluster(t, web(2))
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.Pause}))
		require.NoError(t, k.Do(setImage("web:2")))
		err := rollouttest.CheckCompletion(c, "", "web", time.Minute)
		require.ErrorIs(t, err, rollouttest.ErrPrecondition)
		assert.Contains(t, err.Error(), "is paused")
	})

	t.Run("never-ready", func(t *testing.T) {
		c, k := newCluster(t, web(2))
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.NeverReady, Image: "web:broken"}))
		err := k.CheckCompletion(time.Minute)
		require.ErrorIs(t, err, rollouttest.ErrPrecondition)
		assert.Contains(t, err.Error(), "runs never-ready image web:broken")
		// Without knowing, the function finds out from the pods.
		err = rollouttest.CheckCompletion(c, "", "web", time.Minute)
		require.ErrorIs(t, err, rollouttest.ErrPrecondition)
		assert.Contains(t, err.Error(), "never became Ready")
	})

	// A RollingUpdate with a stalled second ReplicaSet is switched to
	// Recreate together with a new replica count. Upstream's controller
	// sees a scaling event at every sync (an active ReplicaSet records
	// another replica count) but scales several active ReplicaSets only for
	// RollingUpdate: the Deployment stays as it is for ever.
	t.Run("recreate stuck on a scaling event", func(t *testing.T) {
		d := web(1)
		d.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: &deployment.RollingUpdateParams{
			MaxSurge: deployment.Int(1), MaxUnavailable: deployment.Int(0)}}
		c, k := newCluster(t, d)
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.NeverReady, Image: "web:broken"}))
		recreate := web(2)
		recreate.Spec.Strategy = deployment.Strategy{Type: deployment.Recreate}
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.Apply, Deployment: recreate}))
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.Advance, Duration: time.Hour}))

		err := rollouttest.CheckCompletion(c, "", "web", time.Hour)
		require.ErrorIs(t, err, rollouttest.ErrPrecondition)
		assert.Contains(t, err.Error(), "never carries out")
		var sizes []int32
		for _, rs := range c.ReplicaSets() {
			sizes = append(sizes, rs.Spec.Replicas)
		}
		assert.Equal(t, []int32{1, 1}, sizes, "both ReplicaSets stay at 1 of the 2 replicas asked for")
	})
}

func TestCheckReplay(t *testing.T) {
	cfg := rollsim.Config{Seed: 3}
	ops := []rollouttest.Op{
		{Kind: rollouttest.Apply, Deployment: web(3)},
		{Kind: rollouttest.Advance, Duration: 2 * time.Second},
		setImage("web:2"),
		{Kind: rollouttest.DeletePod, Pod: 1},
		{Kind: rollouttest.Advance, Duration: 10 * time.Second},
	}
	live := rollsim.New(cfg)
	rollouttest.Play(live, "", "web", ops)
	require.NoError(t, rollouttest.CheckReplay(live, cfg, "", "web", ops))

	err := rollouttest.CheckReplay(live, rollsim.Config{Seed: 4}, "", "web", ops)
	require.ErrorIs(t, err, rollouttest.ErrReplay)
	assert.Contains(t, err.Error(), "line ")
	assert.True(t, strings.Contains(rollouttest.Snapshot(live), `"Name": "web"`))
}
