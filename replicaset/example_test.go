package replicaset_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// newReplicaSet returns a ReplicaSet of replicas web pods that no
// Deployment owns.
func newReplicaSet(replicas int32) *replicaset.ReplicaSet {
	labels := map[string]string{"app": "web"}
	return &replicaset.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: replicaset.Spec{
			Replicas: replicas,
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{
				Labels: labels,
				Spec:   pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}},
			},
		},
	}
}

// A ReplicaSet on its own: the controller creates its pods at once, named
// after the ReplicaSet with a random five-character suffix drawn from the
// cluster's seed (masked below). They become Ready a second later. Scaling
// down deletes a pod at once: of two pods Ready since the same instant,
// the newer one.
func ExampleReplicaSet() {
	c := rollsim.New(rollsim.Config{})
	var created []string
	c.Observe(func(e rollsim.Event) {
		verb, name, _ := strings.Cut(e.Message, ": ")
		if e.Reason == "SuccessfulCreate" {
			created = append(created, name)
		}
		fmt.Printf("%s %s: %s: %s\n", e.Time.Sub(rollsim.Epoch()), e.Reason, verb, name[:len(name)-5]+"xxxxx")
	})
	if _, err := c.CreateReplicaSet(newReplicaSet(2)); err != nil {
		fmt.Println(err)
		return
	}
	show := func() {
		rs, _ := c.ReplicaSet("", "web")
		fmt.Printf("%s replicas=%d current=%d ready=%d available=%d\n", c.Now().Sub(rollsim.Epoch()),
			rs.Spec.Replicas, rs.Status.Replicas, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas)
	}
	show()
	c.Advance(time.Second)
	show()
	if err := c.ScaleReplicaSet("", "web", 1); err != nil {
		fmt.Println(err)
	}
	show()
	left := c.Pods()
	fmt.Println("the first pod created is left:", len(left) == 1 && left[0].Name == created[0])
	// Output:
	// 0s SuccessfulCreate: Created pod: web-xxxxx
	// 0s SuccessfulCreate: Created pod: web-xxxxx
	// 0s replicas=2 current=2 ready=0 available=0
	// 1s replicas=2 current=2 ready=2 available=2
	// 1s SuccessfulDelete: Deleted pod: web-xxxxx
	// 1s replicas=1 current=1 ready=1 available=1
	// the first pod created is left: true
}

// Default fills what the API server fills; Validate then rejects what it
// rejects, in its words.
func ExampleValidate() {
	rs := newReplicaSet(-1)
	rs.Spec.Template.Labels = map[string]string{"app": "other"}
	replicaset.Default(rs)
	fmt.Println(replicaset.Validate(rs))
	// Output:
	// ReplicaSet.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`]
}

// A Deployment's ReplicaSet carries its revision as an annotation.
func ExampleReplicaSet_Revision() {
	rs := newReplicaSet(1)
	fmt.Println(rs.Revision())
	rs.SetAnnotation(replicaset.RevisionAnnotation, "4")
	fmt.Println(rs.Revision())
	rs.SetAnnotation(replicaset.RevisionAnnotation, "four")
	fmt.Println(rs.Revision())
	// Output:
	// 0
	// 4
	// -1
}
