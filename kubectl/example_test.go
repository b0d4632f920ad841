package kubectl_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// newCluster returns a cluster running three web:1 pods, rolled out.
func newCluster() *rollsim.Cluster {
	c := rollsim.New(rollsim.Config{})
	labels := map[string]string{"app": "web"}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](3),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}},
		},
	}
	if _, err := c.CreateDeployment(d); err != nil {
		panic(err)
	}
	c.Advance(time.Minute)
	return c
}

// setImage changes the Deployment's image with a change-cause, as
// `kubectl set image ... --record` does.
func setImage(c *rollsim.Cluster, image string) {
	d, err := c.Deployment("", "web")
	if err != nil {
		panic(err)
	}
	d.Spec.Template.Spec.Containers[0].Image = image
	d.SetAnnotation(deployment.ChangeCauseAnnotation, "kubectl set image deployment/web web="+image+" --record=true")
	if _, err := c.UpdateDeployment(d); err != nil {
		panic(err)
	}
}

// History prints `kubectl rollout history` from the cluster's revisions.
// Asking for a revision that is not there (--revision=7) is an error.
func ExampleHistory() {
	c := newCluster()
	setImage(c, "web:2")
	c.Advance(time.Minute)

	revs, err := c.History("", "web")
	if err != nil {
		fmt.Println(err)
		return
	}
	table, _ := kubectl.History("web", revs, 0)
	// kubectl ends the header line with a space; %q shows it.
	header, body, _ := strings.Cut(table, "\n")
	fmt.Printf("%q\n%s", header, body)

	_, err = kubectl.History("web", revs, 7)
	fmt.Println("error:", err)
	// Output:
	// "deployment.apps/web "
	// REVISION  CHANGE-CAUSE
	// 1         <none>
	// 2         kubectl set image deployment/web web=web:2 --record=true
	//
	// error: unable to find the specified revision
}

// Status gives the line `kubectl rollout status` prints at each moment of
// a rollout, and whether it is over; kubectl prints it when it changes.
func ExampleStatus() {
	c := newCluster()
	setImage(c, "web:2")
	last := ""
	for {
		d, _ := c.Deployment("", "web")
		st := kubectl.Status(d)
		if st.Message != last {
			fmt.Printf("%s  %s\n", c.Now().Sub(rollsim.Epoch), st.Message)
			last = st.Message
		}
		if st.Done || st.Failed || !c.Step() {
			break
		}
	}
	// Output:
	// 1m0s  Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...
	// 1m1s  Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...
	// 1m2s  Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
	// 1m3s  deployment "web" successfully rolled out
}

// GetReplicaSets prints `kubectl get rs`, ages taken from the fake clock.
func ExampleGetReplicaSets() {
	c := newCluster()
	setImage(c, "web:2")
	c.Advance(10 * time.Second)
	out, err := kubectl.GetReplicaSets(c.ReplicaSets(), "", c.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)

	_, err = kubectl.GetReplicaSets(c.ReplicaSets(), "nope", c.Now())
	fmt.Println(err)
	// Output:
	// NAME             DESIRED   CURRENT   READY   AGE
	// web-57d9664db9   0         0         0       70s
	// web-654cdc8b8d   3         3         3       10s
	// Error from server (NotFound): replicasets.apps "nope" not found
}
