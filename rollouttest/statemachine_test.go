package rollouttest_test

import (
	"errors"
	"flag"
	"fmt"
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
	"github.com/rollsim/rollsim/rollouttest"
)

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
