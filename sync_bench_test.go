package rollsim

import (
	"fmt"
	"testing"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
)

// midRollout returns a cluster whose Deployment "web" of 10 pods (maxSurge
// 1, maxUnavailable 0) is half way through a rollout, after history
// earlier rollouts, and the stored Deployment.
func midRollout(b *testing.B, history int) (*Cluster, *deployment.Deployment) {
	c := New(Config{Seed: 1})
	d := fixture.Rolling(fixture.Deployment("web", "web:0", 10), "1", "0")
	if _, err := c.CreateDeployment(d); err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= history+1; i++ {
		c.Advance(time.Hour)
		cur, err := c.Deployment("", "web")
		if err != nil {
			b.Fatal(err)
		}
		cur.Spec.Template.Spec.Containers[0].Image = fmt.Sprintf("web:%d", i)
		if _, err := c.UpdateDeployment(cur); err != nil {
			b.Fatal(err)
		}
	}
	for range 5 {
		c.Step()
	}
	return c, c.deployments[objKey{"default", "web"}]
}

// BenchmarkDeploymentSync times one sync of a Deployment in the middle of
// a rollout, with nothing to change: the cost every sync pays before it
// decides anything (see BENCHMARKS.md, "The work a step must do").
func BenchmarkDeploymentSync(b *testing.B) {
	for _, history := range []int{0, 10} {
		b.Run(fmt.Sprintf("old=%d", history+1), func(b *testing.B) {
			c, d := midRollout(b, history)
			env := controllerEnv{c}
			before := c.Stats().Writes
			c.syncing = d
			b.ReportAllocs()
			for b.Loop() {
				if err := c.syncDeploy(env, d); err != nil {
					b.Fatal(err)
				}
			}
			c.syncing = nil
			if w := c.Stats().Writes - before; w != 0 {
				b.Fatalf("%d writes: the sync was not a no-op", w)
			}
		})
	}
}
