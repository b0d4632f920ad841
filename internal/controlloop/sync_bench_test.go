package controlloop

import (
	"fmt"
	"testing"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/meta"
)

// midRollout returns a loop whose Deployment "web" of 10 pods (maxSurge
// 1, maxUnavailable 0) is half way through a rollout, after history
// earlier rollouts, and the stored Deployment.
func midRollout(b *testing.B, history int) (*Loop, *deployment.Deployment) {
	api := apiserver.New(1, apiserver.Epoch(), nil)
	l := New(api, nil, func(*meta.ObjectMeta, string, string, string, string) {})
	l.Kubelet.Startup = time.Second
	if err := api.CreateDeployment(fixture.Rolling(fixture.Deployment("web", "web:0", 10), "1", "0")); err != nil {
		b.Fatal(err)
	}
	l.Reconcile()
	for i := 1; i <= history+1; i++ {
		l.AdvanceTo(api.Now.Add(time.Hour))
		cur, err := api.Deployment("", "web")
		if err != nil {
			b.Fatal(err)
		}
		cur = cur.Clone()
		cur.Spec.Template.Spec.Containers[0].Image = fmt.Sprintf("web:%d", i)
		if _, err := api.UpdateDeployment(cur); err != nil {
			b.Fatal(err)
		}
		l.Reconcile()
	}
	for range 5 {
		if next, ok := l.NextWakeup(); ok {
			l.Fire(next)
		}
	}
	d, _ := api.Deployment("", "web")
	return l, d
}

// BenchmarkDeploymentSync times one sync of a Deployment in the middle of
// a rollout, with nothing to change: the cost every sync pays before it
// decides anything (see BENCHMARKS.md, "The work a step must do").
func BenchmarkDeploymentSync(b *testing.B) {
	for _, history := range []int{0, 10} {
		b.Run(fmt.Sprintf("old=%d", history+1), func(b *testing.B) {
			l, d := midRollout(b, history)
			env := controllerEnv{l}
			before := l.api.Writes()
			l.syncing = d
			b.ReportAllocs()
			for b.Loop() {
				if err := l.syncDeploy(env, d); err != nil {
					b.Fatal(err)
				}
			}
			l.syncing = nil
			if w := l.api.Writes() - before; w != 0 {
				b.Fatalf("%d writes: the sync was not a no-op", w)
			}
		})
	}
}
