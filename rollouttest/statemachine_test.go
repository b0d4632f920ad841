package rollouttest_test

import (
	"errors"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/rollouttest"
)

// stateMachineChecks is how many sequences TestClusterStateMachine plays
// unless -rapid.checks or RAPID_CHECKS says otherwise.
const stateMachineChecks = 1000

// defaultChecks makes rapid run n checks in this test unless the command
// line or the environment chose a number.
func defaultChecks(t *testing.T, n int) {
	f := flag.Lookup("rapid.checks")
	require.NotNil(t, f, "rapid registers -rapid.checks")
	explicit := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "rapid.checks" })
	if explicit {
		return
	}
	old := f.Value.String()
	require.NoError(t, f.Value.Set(strconv.Itoa(n)))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// TestClusterStateMachine plays random sequences of operations on one
// Deployment and checks every invariant after every step and at every
// timed event; each sequence then ends by fixing the rollout (resume, a
// good image) and checking that it completes, and by checking that a
// replay of the whole sequence gives the same cluster.
func TestClusterStateMachine(t *testing.T) {
	defaultChecks(t, stateMachineChecks)
	rapid.Check(t, stateMachine(rollouttest.Limits{}))
}

// TestClusterStateMachineKeptFields plays the same sequences with
// templates that also differ in fields kept but not simulated, which are
// compared, cloned, hashed and rolled back like the image.
func TestClusterStateMachineKeptFields(t *testing.T) {
	defaultChecks(t, stateMachineChecks/4)
	rapid.Check(t, stateMachine(rollouttest.Limits{KeptFields: true}))
}

func stateMachine(l rollouttest.Limits) func(*rapid.T) {
	return func(t *rapid.T) {
		cfg := rollsim.Config{
			Seed:       rapid.Uint64().Draw(t, "seed"),
			PodStartup: rapid.SampledFrom([]time.Duration{time.Second, 1500 * time.Millisecond, 3 * time.Second}).Draw(t, "podStartup"),
		}
		k := rollouttest.NewChecker(rollsim.New(cfg), "", "app")
		if err := k.Do(rollouttest.OpOf(rollouttest.Apply, l).Draw(t, "create")); err != nil {
			t.Fatal(err)
		}

		actions := map[string]func(*rapid.T){
			"": func(t *rapid.T) {
				if err := k.Check(); err != nil {
					t.Fatal(err)
				}
			},
		}
		for _, kind := range rollouttest.Kinds() {
			actions[kind.String()] = func(t *rapid.T) {
				op := rollouttest.OpOf(kind, l).Draw(t, "op")
				if err := k.Perform(op); err != nil {
					t.Fatalf("during %v: %v", op, err)
				}
			}
		}
		t.Repeat(actions)

		finish(t, k)
		if err := k.CheckReplay(cfg); err != nil {
			t.Fatal(err)
		}
	}
}

// finish resumes the Deployment, replaces a never-ready image (the
// default Limits.BrokenImages) by a good one, and checks that the rollout
// then completes in time.
func finish(t *rapid.T, k *rollouttest.Checker) {
	d, err := k.Cluster().Deployment("", "app")
	require.NoError(t, err)
	if d.Spec.Paused {
		require.NoError(t, k.Do(rollouttest.Op{Kind: rollouttest.Resume}))
	}
	if strings.HasPrefix(d.Image(), "app:broken") {
		if err := k.Do(rollouttest.Op{Kind: rollouttest.SetImage, Image: "app:fixed"}); err != nil {
			t.Fatal(err)
		}
	}
	d, err = k.Cluster().Deployment("", "app")
	require.NoError(t, err)
	err = k.CheckCompletion(completionLimit(k.Cluster(), d))
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

// completionLimit bounds how long a rollout of d may take when every pod
// becomes Ready: each step waits for pods to start and then stay Ready for
// minReadySeconds, and moves at least one pod.
func completionLimit(c *rollsim.Cluster, d *deployment.Deployment) time.Duration {
	period := c.PodStartup() + time.Duration(d.Spec.MinReadySeconds)*time.Second + time.Second
	return time.Duration(2*d.DesiredReplicas()+4) * period
}
