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
			fmt.Printf("%4s  %s\n", e.Time.Sub(rollsim.Epoch), e.Message)
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
	labels := map[string]string{"app": "web"}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: deployment.Spec{
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}},
		},
	}
	c.CreateDeployment(d)
	for _, image := range []string{"web:2", "web:3"} {
		c.Advance(time.Minute)
		d, _ = c.Deployment("", "web")
		d.Spec.Template.Spec.Containers[0].Image = image
		c.UpdateDeployment(d)
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
	labels := map[string]string{"app": "web"}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](4),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{
				Labels: labels,
				Spec:   pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}},
			},
		},
	}
	if _, err := c.CreateDeployment(d); err != nil {
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
			fmt.Printf("%s  %s\n", c.Now().Sub(rollsim.Epoch), st.Message)
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
	labels := map[string]string{"app": "web"}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](3),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{
				Labels: labels,
				Spec:   pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}},
			},
		},
	}
	if _, err := c.CreateDeployment(d); err != nil {
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
