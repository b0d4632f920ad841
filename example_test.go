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

// A rolling update of three httpd pods, watched through the Deployment
// controller's events.
func Example() {
	c := rollsim.New(rollsim.Config{Seed: 1})
	c.Observe(func(e rollsim.Event) {
		if e.Reason == "ScalingReplicaSet" {
			fmt.Printf("%4s  %s\n", e.Time.Sub(rollsim.Epoch()), e.Message)
		}
	})
	labels := map[string]string{"app": "httpd"}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "httpd"},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](3),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{
				Labels: labels,
				Spec:   pod.Spec{Containers: []pod.Container{{Name: "httpd", Image: "httpd:2.2.31"}}},
			},
		},
	}
	if _, err := c.CreateDeployment(d); err != nil {
		fmt.Println(err)
		return
	}
	c.Advance(5 * time.Second)

	if _, err := c.SetImage("", "httpd", "httpd", "httpd:2.2.32"); err != nil {
		fmt.Println(err)
		return
	}
	c.Advance(5 * time.Second)

	revs, _ := c.History("", "httpd")
	for _, r := range revs {
		fmt.Println("revision", r.Number, r.Template.Image())
	}
	// Output:
	// 0s  Scaled up replica set httpd-d4cf65684 from 0 to 3
	//   5s  Scaled up replica set httpd-d96bc89c from 0 to 1
	//   6s  Scaled down replica set httpd-d4cf65684 from 3 to 2
	//   6s  Scaled up replica set httpd-d96bc89c from 1 to 2
	//   7s  Scaled down replica set httpd-d4cf65684 from 2 to 1
	//   7s  Scaled up replica set httpd-d96bc89c from 2 to 3
	//   8s  Scaled down replica set httpd-d4cf65684 from 1 to 0
	// revision 1 httpd:2.2.31
	// revision 2 httpd:2.2.32
}

// Undo brings an earlier revision back; it returns as the next revision.
func ExampleCluster_Undo() {
	c := rollsim.New(rollsim.Config{})
	c.Apply(kubectl.NewDeployment("", "web", "web:1", 1))
	for _, image := range []string{"web:2", "web:3"} {
		c.Advance(time.Minute)
		c.SetImage("", "web", "web", image)
	}
	c.Advance(time.Minute)
	if _, err := c.Undo("", "web", 1); err != nil {
		fmt.Println(err)
	}
	c.Advance(time.Minute)
	revs, _ := c.History("", "web")
	for _, r := range revs {
		fmt.Println("revision", r.Number, r.Template.Image())
	}
	_, err := c.Undo("", "web", 9)
	fmt.Println(err)
	// Output:
	// revision 2 web:2
	// revision 3 web:3
	// revision 4 web:1
	// unable to find specified revision 9 in history
}

// Waiting for a rollout as `kubectl rollout status` does, reading the
// Deployment in place at every step instead of copying it.
func ExampleCluster_ViewDeployment() {
	c := rollsim.New(rollsim.Config{Seed: 1})
	if _, err := c.CreateDeployment(kubectl.NewDeployment("", "web", "web:1", 4)); err != nil {
		fmt.Println(err)
		return
	}
	last := ""
	done := func(c *rollsim.Cluster) bool {
		var st kubectl.RolloutStatus
		if err := c.ViewDeployment("", "web", func(d *deployment.Deployment) { st = kubectl.Status(d) }); err != nil {
			return true
		}
		if st.Message != last {
			fmt.Printf("%s  %s\n", c.Now().Sub(rollsim.Epoch()), st.Message)
			last = st.Message
		}
		return st.Done || st.Failed
	}
	c.RunUntil(done, time.Minute)
	// Output:
	// 0s  Waiting for deployment "web" rollout to finish: 0 of 4 updated replicas are available...
	// 1s  deployment "web" successfully rolled out
}

// Counting the control loop's work: creating a Deployment runs the
// controllers until its ReplicaSet and pods exist, its writes being the
// creations and the status updates that follow them; the pods becoming
// Ready a second later take two more rounds.
func ExampleCluster_Stats() {
	c := rollsim.New(rollsim.Config{Seed: 1})
	if _, err := c.CreateDeployment(kubectl.NewDeployment("", "web", "web:1", 3)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("created: %+v\n", c.Stats())
	c.Advance(time.Second)
	fmt.Printf("1s later: %+v\n", c.Stats())
	// Output:
	// created: {Rounds:4 DeploymentSyncs:4 ReplicaSetSyncs:3 Writes:10}
	// 1s later: {Rounds:7 DeploymentSyncs:7 ReplicaSetSyncs:5 Writes:15}
}

// Apply is `kubectl apply` of a Deployment built in Go: the first creates
// it, the same again changes nothing, an edited one is merged into the
// live Deployment by kubectl's three-way merge.
func ExampleCluster_Apply() {
	c := rollsim.New(rollsim.Config{})
	d := kubectl.NewDeployment("", "web", "web:1", 3)
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
	if _, err := c.Apply(kubectl.NewDeployment("", "web", "web:1", 3)); err != nil {
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
	if _, err := c.Apply(kubectl.NewDeployment("", "web", "web:1", 3)); err != nil {
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
	if _, err := c.Apply(kubectl.NewDeployment("", "web", "web:1", 3)); err != nil {
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
	if _, err := c.Apply(kubectl.NewDeployment("", "web", "web:1", 2)); err != nil {
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

// Watch reports every write the cluster commits, a client's or a
// controller's, in order: here the objects a new Deployment brings.
func ExampleCluster_Watch() {
	c := rollsim.New(rollsim.Config{Seed: 1})
	stop := c.Watch(func(e rollsim.WatchEvent) {
		fmt.Printf("%-3d %-8s %s/%s\n", e.ResourceVersion, e.Type, e.Kind(), e.Meta().Name)
	})
	defer stop()
	if _, err := c.CreateDeployment(kubectl.NewDeployment("", "web", "web:1", 1)); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 1   ADDED    Deployment/web
	// 2   ADDED    ReplicaSet/web-57d9664db9
	// 3   MODIFIED Deployment/web
	// 4   ADDED    Pod/web-57d9664db9-stdpg
	// 5   MODIFIED ReplicaSet/web-57d9664db9
	// 6   MODIFIED Deployment/web
	// 7   MODIFIED ReplicaSet/web-57d9664db9
	// 8   MODIFIED Deployment/web
}
