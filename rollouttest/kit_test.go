package rollouttest_test

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/rollouttest"
)

func TestCoverage(t *testing.T) {
	k := rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "web")
	cov := k.Coverage()
	assert.Contains(t, cov.Unarmed(), rollouttest.ErrPaused.Error(), "every invariant is listed before it runs")
	assert.Contains(t, cov.Unarmed(), rollouttest.DeadlineLate)

	require.NoError(t, doAll(k, releases(web(2), "web:2")))
	cov = k.Coverage()
	assert.Equal(t, k.Checks(), cov[rollouttest.ErrStatus.Error()].Armed, "status is checked at every check point")
	assert.Zero(t, cov[rollouttest.ErrPaused.Error()].Armed, "never paused")
	assert.Equal(t, k.Checks(), cov[rollouttest.ErrPaused.Error()].Skipped)
	assert.NotContains(t, cov.Unarmed(), rollouttest.ErrAvailabilityFloor.Error())

	sum := rollouttest.Coverage{}
	sum.Add(cov)
	sum.Add(cov)
	assert.Equal(t, 2*cov[rollouttest.ErrStatus.Error()].Armed, sum[rollouttest.ErrStatus.Error()].Armed)
	line := ""
	for _, l := range strings.Split(sum.String(), "\n") {
		if strings.HasPrefix(l, rollouttest.ErrPaused.Error()) {
			line = l
		}
	}
	assert.Contains(t, line, "(  0.0% armed)")
}

// A check of the caller's own runs at every check point, timed events
// included, and counts as skipped when it says its preconditions fail.
func TestAddCheck(t *testing.T) {
	k := rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "web")
	var at []time.Duration
	k.AddCheck("at most 3 pods", func(c *rollsim.Cluster) error {
		at = append(at, c.Now().Sub(rollsim.Epoch))
		n, err := rollouttest.CountPods(c, "", "web")
		if err != nil {
			return err
		}
		if n.Updated == n.Pods {
			return fmt.Errorf("%w: no rollout", rollouttest.ErrPrecondition)
		}
		if n.Pods > 3 {
			return fmt.Errorf("%d pods", n.Pods)
		}
		return nil
	})
	err := doAll(k, []rollouttest.Op{apply(fixture.Rolling(web(2), "1", "0")), advance(time.Minute), setImage("web:2"), advance(time.Minute)})
	require.NoError(t, err)
	// The creation and the new image each write the Deployment twice in
	// one sync: the conflict's retry, 5ms later, is a timed event too.
	retry := 5 * time.Millisecond
	assert.Equal(t, []time.Duration{0, retry, time.Second, time.Minute, time.Minute, time.Minute + retry, time.Minute + time.Second, time.Minute + 2*time.Second, 2 * time.Minute}, at,
		"after each op and at each timed event")
	tally := k.Coverage()["at most 3 pods"]
	assert.Equal(t, 3, tally.Armed, "while the rollout runs: at 1m, its retry and 1m1s")
	assert.Equal(t, 6, tally.Skipped)

	k = rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "web")
	k.AddCheck("at most 2 pods", func(c *rollsim.Cluster) error {
		if n, _ := rollouttest.CountPods(c, "", "web"); n.Pods > 2 {
			return fmt.Errorf("%d pods", n.Pods)
		}
		return nil
	})
	err = doAll(k, []rollouttest.Op{apply(fixture.Rolling(web(2), "1", "0")), advance(time.Minute), setImage("web:2")})
	assert.ErrorContains(t, err, "3 pods")
}

// requeuesAtOnce asks to be synced again at the same instant, for ever.
func requeuesAtOnce(env deployment.Env, d *deployment.Deployment) error {
	err := deployment.Sync(env, d)
	env.RequeueAt(d, env.Now())
	return err
}

func TestBudget(t *testing.T) {
	k := rollouttest.NewChecker(rollsim.New(rollsim.Config{DeploymentSync: requeuesAtOnce}), "", "web")
	err := k.Do(apply(web(2)))
	// A requeue at the current instant queues the key at once, as
	// client-go's AddAfter does with no delay: the runaway is one instant
	// of endless syncs.
	require.ErrorIs(t, err, rollouttest.ErrRunaway)
	assert.Contains(t, err.Error(), "syncs since the last check point, budget 20000")

	k = rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "web")
	k.Budget.Syncs = 5
	err = doAll(k, releases(web(3), "web:2"))
	require.ErrorIs(t, err, rollouttest.ErrRunaway)
	assert.Contains(t, err.Error(), "syncs in the run, budget 5")
}

func TestWeightedOp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		op := rollouttest.WeightedOp(rollouttest.Limits{}, rollouttest.Weights{rollouttest.Scale: 2, rollouttest.Pause: 1, rollouttest.Undo: 0}).Draw(t, "op")
		if op.Kind != rollouttest.Scale && op.Kind != rollouttest.Pause {
			t.Fatalf("drew %v", op)
		}
		op = rollouttest.AnyOp(rollouttest.Limits{Finishing: true}).Draw(t, "finishing")
		if op.Kind == rollouttest.Pause || op.Kind == rollouttest.NeverReady {
			t.Fatalf("drew %v, which may keep a rollout from finishing", op)
		}
		if op.Kind == rollouttest.Apply && op.Deployment.Spec.Strategy.Type == deployment.Recreate {
			t.Fatalf("drew %v", op)
		}
	})
	assert.Panics(t, func() { rollouttest.WeightedOp(rollouttest.Limits{}, rollouttest.Weights{}) })

	k := rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "app")
	var names []string
	for name := range rollouttest.Actions(k, rollouttest.Limits{}, rollouttest.Weights{rollouttest.Advance: 3, rollouttest.Scale: 1}) {
		names = append(names, name)
	}
	assert.ElementsMatch(t, []string{"", "scale", "advance", "advance 2", "advance 3"}, names)
	assert.Len(t, rollouttest.Actions(k, rollouttest.Limits{Finishing: true}, nil), 1+len(rollouttest.Kinds())-2+3, "every kind but pause and never-ready, advance four times")
}

func TestLimitsFlags(t *testing.T) {
	var l rollouttest.Limits
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l.RegisterFlags(fs, "limits.")
	require.NoError(t, fs.Parse([]string{"-limits.replicas=40", "-limits.int=9", "-limits.min-ready-seconds=3", "-limits.history-limit=5",
		"-limits.advance=30s", "-limits.images=a:1, a:2", "-limits.broken-images=b:1", "-limits.finishing"}))
	assert.Equal(t, rollouttest.Limits{MaxReplicas: 40, MaxInt: 9, MaxMinReadySeconds: 3, MaxHistoryLimit: 5, MaxAdvance: 30 * time.Second,
		Images: []string{"a:1", "a:2"}, BrokenImages: []string{"b:1"}, Finishing: true}, l)
	err := fs.Parse([]string{"-limits.replicas=many"})
	assert.ErrorContains(t, err, "limits.replicas: want a whole number")
}

// Under Limits.Finishing every sequence leaves a rollout that completes in
// the time its spec allows, with no precondition to excuse it.
func TestFinishingOpsFinish(t *testing.T) {
	l := rollouttest.Limits{Finishing: true}
	rapid.Check(t, func(t *rapid.T) {
		k := rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "app")
		ops := append([]rollouttest.Op{rollouttest.OpOf(rollouttest.Apply, l).Draw(t, "create")}, rollouttest.Ops(l, 20).Draw(t, "ops")...)
		for _, op := range ops {
			if err := k.Do(op); err != nil {
				t.Fatalf("during %v: %v", op, err)
			}
		}
		if err := k.CheckCompletionInTime(); err != nil {
			t.Fatal(err)
		}
	})
}
