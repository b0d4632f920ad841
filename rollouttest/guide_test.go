package rollouttest_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/rollouttest"
)

// TestSettingsKeepTheirPromise is the property test of docs/property-testing.md:
// with maxSurge 25% and maxUnavailable 10%, a rolling update of any size
// from 1 to 60 replicas, whatever the pod startup time, keeps 90% of the
// replicas available and finishes within 5 pod-startup periods.
func TestSettingsKeepTheirPromise(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas := rapid.Int32Range(1, 60).Draw(t, "replicas")
		startup := time.Duration(rapid.IntRange(1, 60).Draw(t, "startupSeconds")) * time.Second
		d := web(replicas)
		d.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: &deployment.RollingUpdateParams{
			MaxSurge: deployment.Percent("25%"), MaxUnavailable: deployment.Percent("10%")}}

		r, err := rollouttest.MeasureRollout(rollsim.Config{PodStartup: startup}, d, func(d *deployment.Deployment) {
			d.Spec.Template.Spec.Containers[0].Image = "web:2"
		}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Completed || r.Took > 5*startup {
			t.Fatalf("took %s (completed: %v), more than 5 startups of %s", r.Took, r.Completed, startup)
		}
		if r.MinAvailable*10 < 9*replicas {
			t.Fatalf("%d of %d replicas available at one point, below 90%%", r.MinAvailable, replicas)
		}
	})
}

// TestRolloutsTakeTheirWaves is the user's own property of
// docs/property-testing.md: a rollout from one settled release to the next
// takes exactly its spec's waves, each a pod startup plus minReadySeconds.
func TestRolloutsTakeTheirWaves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := rollouttest.Deployment("web", rollouttest.Limits{MaxReplicas: 30, MaxInt: 5}).Draw(t, "deployment")
		startup := time.Duration(rapid.IntRange(1, 30).Draw(t, "startupSeconds")) * time.Second
		bound, err := rollouttest.CompletionBound(d, startup)
		if err != nil {
			t.Fatal(err)
		}
		r, err := rollouttest.MeasureRollout(rollsim.Config{PodStartup: startup}, d, newImage("app:new"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Completed || r.Took != bound {
			t.Fatalf("took %s (completed: %v), its waves take %s", r.Took, r.Completed, bound)
		}
	})
}
