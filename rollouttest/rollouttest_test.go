package rollouttest_test

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
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
		Time: rollsim.Epoch().Add(3 * time.Second), Detail: "6 pods"}
	assert.Equal(t, "surge ceiling violated by deployment default/web at t=3s: 6 pods", v.Error())
	err := errors.Join(errors.New("other"), v)
	assert.ErrorIs(t, err, rollouttest.ErrSurgeCeiling)
	assert.NotErrorIs(t, err, rollouttest.ErrAvailabilityFloor)
	var got *rollouttest.Violation
	require.ErrorAs(t, err, &got)
	assert.Equal(t, "web", got.Name)

	cluster := &rollouttest.Violation{Invariant: rollouttest.ErrOwnership, Time: rollsim.Epoch(), Detail: "pod x"}
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
	assert.Equal(t, 5*time.Second, c.Now().Sub(rollsim.Epoch()), "it stops as soon as the rollout is complete")

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

// stateMachineChecks is how many sequences TestClusterStateMachine plays
// unless -rapid.checks or RAPID_CHECKS says otherwise.
const stateMachineChecks = 1000

// limits are the Limits of the state-machine test, which the command line
// may change: go test ./rollouttest -run StateMachine -limits.replicas=20.
var limits rollouttest.Limits

func init() { limits.RegisterFlags(flag.CommandLine, "limits.") }

// setFlag sets a rapid flag for the length of a test unless the command
// line or the environment chose it (env names the variable, "" for none).
func setFlag(t *testing.T, name, env, value string) {
	f := flag.Lookup(name)
	require.NotNil(t, f, "rapid registers -%s", name)
	explicit := env != "" && os.Getenv(env) != ""
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == name })
	if explicit {
		return
	}
	old := f.Value.String()
	require.NoError(t, f.Value.Set(value))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// defaultChecks makes rapid run n checks in this test unless the command
// line or the environment chose a number.
func defaultChecks(t *testing.T, n int) { setFlag(t, "rapid.checks", "RAPID_CHECKS", strconv.Itoa(n)) }

// machine is the state-machine test of one cluster: what to run it with.
type machine struct {
	limits rollouttest.Limits
	sync   func(deployment.Env, *deployment.Deployment) error
	undo   func(*rollsim.Cluster, string, string, int64) error
	// coverage, if set, sums the Coverage of every sequence.
	coverage rollouttest.Coverage
}

// run plays random sequences of operations on one Deployment and checks
// every invariant after every step and at every timed event; each
// sequence then ends by fixing the rollout (resume, a good image) and
// checking that it completes within the time its spec allows, and by
// checking that a replay of the whole sequence gives the same cluster.
func (m *machine) run(t *rapid.T) {
	cfg := rollsim.Config{
		Seed:           rapid.Uint64().Draw(t, "seed"),
		PodStartup:     rapid.SampledFrom([]time.Duration{time.Second, 1500 * time.Millisecond, 3 * time.Second}).Draw(t, "podStartup"),
		DeploymentSync: m.sync,
	}
	k := rollouttest.NewChecker(rollsim.New(cfg), "", "app")
	k.Undo = m.undo
	if m.coverage != nil {
		defer func() { m.coverage.Add(k.Coverage()) }()
	}
	if err := k.Do(rollouttest.OpOf(rollouttest.Apply, m.limits).Draw(t, "create")); err != nil {
		t.Fatal(err)
	}

	// Every kind as often as the others: the state machine keeps its
	// sequences short in time, and quick.
	uniform := rollouttest.Weights{}
	for _, kind := range rollouttest.Kinds() {
		uniform[kind] = 1
	}
	actions := rollouttest.Actions(k, m.limits, uniform)
	t.Repeat(actions)

	finish(t, k)
	if err := k.CheckReplay(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestClusterStateMachine(t *testing.T) {
	defaultChecks(t, stateMachineChecks)
	m := &machine{limits: limits, coverage: rollouttest.Coverage{}}
	rapid.Check(t, m.run)
	t.Logf("coverage of %s:\n%s", t.Name(), m.coverage)
	// Every invariant must have been checked: one whose preconditions
	// never held would pass whatever the controller did. Without pauses,
	// never-ready releases and Recreate, nothing pauses, stalls or
	// recreates.
	unarmed := m.coverage.Unarmed()
	if limits.Finishing {
		unarmed = slices.DeleteFunc(unarmed, func(name string) bool {
			return name == rollouttest.ErrPaused.Error() || name == rollouttest.ErrRecreate.Error() ||
				name == rollouttest.DeadlineEarly || name == rollouttest.DeadlineLate
		})
	}
	assert.Empty(t, unarmed, "invariants never checked:\n%s", m.coverage)
}

// TestClusterStateMachineKeptFields plays the same sequences with
// templates that also differ in fields kept but not simulated, which are
// compared, cloned, hashed and rolled back like the image.
func TestClusterStateMachineKeptFields(t *testing.T) {
	defaultChecks(t, stateMachineChecks/4)
	l := limits
	l.KeptFields = true
	m := &machine{limits: l}
	rapid.Check(t, m.run)
}

// finish resumes the Deployment, replaces a never-ready image (the
// default Limits.BrokenImages) by a good one, and checks that the rollout
// then completes within the time its spec allows
// (Checker.CheckCompletionInTime).
func finish(t *rapid.T, k *rollouttest.Checker) {
	d, err := k.Cluster().Deployment("", "app")
	require.NoError(t, err)
	if d.Spec.Paused {
		if err := k.Do(rollouttest.Op{Kind: rollouttest.Resume}); err != nil {
			t.Fatal(err)
		}
	}
	if strings.HasPrefix(d.Image(), "app:broken") {
		if err := k.Do(rollouttest.Op{Kind: rollouttest.SetImage, Image: "app:fixed"}); err != nil {
			t.Fatal(err)
		}
	}
	d, err = k.Cluster().Deployment("", "app")
	require.NoError(t, err)
	err = k.CheckCompletionInTime()
	if errors.Is(err, rollouttest.ErrPrecondition) && d.Spec.Strategy.Type == deployment.Recreate {
		// Resumed and on a good image, only a Recreate Deployment stuck
		// on a scaling event is left: upstream's controller never
		// finishes it either.
		t.Log(err)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
}

// failures is a rapid.TB that records failures instead of failing the
// test: it runs the state machine against a broken controller, which must
// fail.
type failures struct {
	name string
	msgs []string
}

func (f *failures) Helper()              {}
func (f *failures) Name() string         { return f.name }
func (f *failures) Logf(string, ...any)  {}
func (f *failures) Log(...any)           {}
func (f *failures) Skipf(string, ...any) {}
func (f *failures) Skip(...any)          {}
func (f *failures) SkipNow()             {}
func (f *failures) Errorf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *failures) Error(args ...any)                 { f.msgs = append(f.msgs, fmt.Sprint(args...)) }
func (f *failures) Fatalf(format string, args ...any) { f.Errorf(format, args...) }
func (f *failures) Fatal(args ...any)                 { f.Error(args...) }
func (f *failures) FailNow()                          {}
func (f *failures) Fail()                             { f.msgs = append(f.msgs, "failed") }
func (f *failures) Failed() bool                      { return len(f.msgs) > 0 }

// TestStateMachineFindsBrokenControllers runs the state machine, with no
// sequence written for it, against each broken controller of
// mutation_test.go: it must find every one within a few hundred sequences.
func TestStateMachineFindsBrokenControllers(t *testing.T) {
	// A fixed seed keeps the test deterministic: the same sequences, so
	// the same invariant catches each controller first.
	setFlag(t, "rapid.seed", "", "1")
	setFlag(t, "rapid.checks", "", "500")
	setFlag(t, "rapid.shrinktime", "", "1s")
	setFlag(t, "rapid.nofailfile", "", "true")
	for _, tt := range []struct {
		name      string
		invariant error
		sync      func(deployment.Env, *deployment.Deployment) error
		undo      func(*rollsim.Cluster, string, string, int64) error
	}{
		// Every invariant that depends on maxSurge may see it first: the
		// Available condition, which the controller computes from its own
		// limits, the proportions of a scale, the floor, the ceiling.
		{"maxSurge percent rounded down", errors.Join(rollouttest.ErrAvailabilityFloor, rollouttest.ErrStatus,
			rollouttest.ErrProportional, rollouttest.ErrSurgeCeiling), floorSurge, nil},
		{"proportional split floored", rollouttest.ErrProportional, floorsProportionalSplit, nil},
		{"paused Deployment rolls", rollouttest.ErrPaused, ignoresPause, nil},
		{"undo to 0 aims at the current revision", rollouttest.ErrUndo, nil, undoesToCurrent},
		{"control loop that never settles", rollouttest.ErrRunaway, loopsForEver, nil},
		// A Recreate Deployment's surge ceiling is its replica count.
		{"Recreate rolled out as a RollingUpdate", errors.Join(rollouttest.ErrRecreate, rollouttest.ErrSurgeCeiling), recreatesByRolling, nil},
		{"progress deadline exceeded early", rollouttest.ErrProgressDeadline, halvesDeadline, nil},
		{"progress deadline never exceeded", rollouttest.ErrProgressDeadline, neverTimesOut, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &machine{sync: tt.sync, undo: tt.undo}
			f := &failures{name: t.Name()}
			rapid.Check(f, m.run)
			require.NotEmpty(t, f.msgs, "the state machine let the broken controller through")
			var names []string
			for _, line := range strings.Split(tt.invariant.Error(), "\n") {
				names = append(names, line+" violated")
			}
			assert.True(t, slices.ContainsFunc(names, func(n string) bool { return strings.Contains(f.msgs[0], n) }),
				"caught by another invariant than %q: %s", names, f.msgs[0])
			t.Log(f.msgs[0][:min(len(f.msgs[0]), 300)])
		})
	}
}

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
		at = append(at, c.Now().Sub(rollsim.Epoch()))
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
