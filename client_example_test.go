package rollsim_test

import (
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// web is a Deployment of replicas pods running web:1, as its manifest
// would say it.
func web(replicas int32) *deployment.Deployment {
	labels := map[string]string{"app": "web"}
	return &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr(replicas),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}},
		},
	}
}

// Apply is `kubectl apply` of a Deployment built in Go: the first creates
// it, the same again changes nothing, an edited one is merged into the
// live Deployment by kubectl's three-way merge.
func ExampleCluster_Apply() {
	c := rollsim.New(rollsim.Config{})
	d := web(3)
	for _, image := range []string{"web:1", "web:1", "web:2"} {
		d.Spec.Template.Spec.Containers[0].Image = image
		op, err := c.Apply(d)
		fmt.Println(op, err)
	}
	// Output:
	// created <nil>
	// unchanged <nil>
	// configured <nil>
}

// SetImage is `kubectl set image`: it reports whether the image changed.
func ExampleCluster_SetImage() {
	c := rollsim.New(rollsim.Config{})
	if _, err := c.Apply(web(3)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.SetImage("", "web", "web", "web:2"))
	fmt.Println(c.SetImage("", "web", "web", "web:2"))
	fmt.Println(c.SetImage("", "web", "db", "db:2"))
	// Output:
	// true <nil>
	// false <nil>
	// false unable to find container named "db"
}

// Scale is `kubectl scale`; the controllers react at once, the new pods
// become available a second later.
func ExampleCluster_Scale() {
	c := rollsim.New(rollsim.Config{})
	if _, err := c.Apply(web(3)); err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Scale("", "web", 5); err != nil {
		fmt.Println(err)
		return
	}
	d, _ := c.Deployment("", "web")
	fmt.Println(d.Status.Replicas, d.Status.AvailableReplicas)
	c.Advance(time.Second)
	d, _ = c.Deployment("", "web")
	fmt.Println(d.Status.Replicas, d.Status.AvailableReplicas)
	// Output:
	// 5 0
	// 5 5
}

// WaitForRollout is `kubectl rollout status`: it moves the fake clock
// until kubectl would say the rollout is over, and tells how long that
// took. A release whose pods never become Ready fails at its progress
// deadline (600s by default).
func ExampleCluster_WaitForRollout() {
	c := rollsim.New(rollsim.Config{})
	if _, err := c.Apply(web(3)); err != nil {
		fmt.Println(err)
		return
	}
	st, took, err := c.WaitForRollout("", "web", kubectl.WaitOptions{})
	fmt.Println(st.Message, took, err)

	c.SetNeverReady("web:broken")
	if _, err := c.SetImage("", "web", "web", "web:broken"); err != nil {
		fmt.Println(err)
		return
	}
	_, took, err = c.WaitForRollout("", "web", kubectl.WaitOptions{})
	fmt.Println(took, err)
	// Output:
	// deployment "web" successfully rolled out 1s <nil>
	// 10m1s deployment "web" exceeded its progress deadline
}

// PodsOf lists a Deployment's pods, old and new, by name: mid-rollout both
// ReplicaSets have some.
func ExampleCluster_PodsOf() {
	c := rollsim.New(rollsim.Config{Seed: 1})
	if _, err := c.Apply(web(2)); err != nil {
		fmt.Println(err)
		return
	}
	c.Advance(time.Second)
	if _, err := c.SetImage("", "web", "web", "web:2"); err != nil {
		fmt.Println(err)
		return
	}
	d, _ := c.Deployment("", "web")
	for _, p := range c.PodsOf(d) {
		fmt.Println(p.Name, p.Spec.Containers[0].Image, p.Ready)
	}
	// Output:
	// web-57d9664db9-jk9rt web:1 true
	// web-57d9664db9-stdpg web:1 true
	// web-654cdc8b8d-684pg web:2 false
}
