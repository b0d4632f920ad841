package kubeapi_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubeapi"
	"github.com/rollsim/rollsim/kubectl"
)

// BenchmarkClientGoRollout1000 is a 1,000-replica rolling update driven
// through client-go on the in-process configuration, alone and with ten
// pod watchers reading every write: one op creates the Deployment, waits for
// it to be available, updates its image and waits for the rollout, each
// wait a loop of one Step and one Get, as a test that moves time does.
func BenchmarkClientGoRollout1000(b *testing.B) {
	for _, watchers := range []int{0, 10} {
		b.Run(fmt.Sprintf("watchers=%d", watchers), func(b *testing.B) { benchRollout(b, watchers) })
	}
}

func benchRollout(b *testing.B, watchers int) {
	var events, requests atomic.Int64
	b.ReportAllocs()
	for b.Loop() {
		h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{WatchBuffer: 1 << 16})
		cs, err := kubernetes.NewForConfig(h.RESTConfig())
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		var wg sync.WaitGroup
		for range watchers {
			w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{LabelSelector: "app=web"})
			if err != nil {
				b.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range w.ResultChan() {
					events.Add(1)
				}
			}()
		}
		deps := cs.AppsV1().Deployments("default")
		d := newDeployment("web", "web:1", 1000)
		if _, err := deps.Create(ctx, d, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		requests.Add(1)
		wait := func() {
			for {
				d, err := deps.Get(ctx, "web", metav1.GetOptions{})
				requests.Add(1)
				if err != nil {
					b.Fatal(err)
				}
				sd, err := kubeapi.FromDeployment(d)
				if err != nil {
					b.Fatal(err)
				}
				if kubectl.Status(sd).Done {
					return
				}
				var stepped bool
				h.Do(func(c *rollsim.Cluster) { stepped = c.Step() })
				if !stepped {
					b.Fatal("the rollout stalled")
				}
			}
		}
		wait()
		cur, err := deps.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			b.Fatal(err)
		}
		cur.Spec.Template.Spec.Containers[0].Image = "web:2"
		if _, err := deps.Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
			b.Fatal(err)
		}
		requests.Add(2)
		wait()
		h.Close()
		wg.Wait()
	}
	b.ReportMetric(float64(events.Load())/float64(b.N), "watch-events/op")
	b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
}
