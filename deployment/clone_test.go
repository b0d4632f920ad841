package deployment

import (
	"reflect"
	"testing"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// TestCloneIsDeep checks that a clone equals its original and shares
// nothing with it that can be changed in place.
func TestCloneIsDeep(t *testing.T) {
	full := func() *Deployment {
		return &Deployment{
			ObjectMeta: meta.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"a": "1"},
				Owner: &meta.OwnerRef{Kind: "X", Name: "x", UID: "u"}},
			Spec: Spec{Replicas: Ptr[int32](3), RevisionHistoryLimit: Ptr[int32](10), ProgressDeadlineSeconds: Ptr[int32](600),
				Selector: &meta.Selector{MatchLabels: map[string]string{"app": "web"}},
				Template: pod.Template{Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"t": "1"},
					Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1", Ports: []pod.Port{{ContainerPort: 80}}}}}},
				Strategy: Strategy{Type: RollingUpdate, RollingUpdate: &RollingUpdateParams{MaxSurge: Int(1), MaxUnavailable: Percent("25%")}}},
			Status: Status{Replicas: 3, CollisionCount: Ptr[int32](2),
				Conditions: []Condition{{Type: Available, Status: "True", LastUpdateTime: time.Unix(5, 0)}}},
		}
	}
	if c := (&Deployment{}).Clone(); c.Spec.Replicas != nil || c.Spec.Strategy.RollingUpdate != nil || c.Status.CollisionCount != nil {
		t.Fatalf("clone of an empty Deployment has pointers: %+v", c)
	}
	// Without spec pointers (as the status a sync writes): a deep copy too.
	bare := full()
	bare.Spec = Spec{Template: bare.Spec.Template, Selector: bare.Spec.Selector}
	bare.Status.CollisionCount = nil
	c := bare.Clone()
	if !reflect.DeepEqual(c, bare) {
		t.Fatalf("clone %+v differs from %+v", c, bare)
	}
	c.Annotations["a"], c.Labels["app"], c.Owner.Name = "x", "x", "y"
	c.Spec.Selector.MatchLabels["app"], c.Spec.Template.Labels["app"] = "x", "x"
	c.Status.Conditions[0].Status = "False"
	if bare.Annotations["a"] != "1" || bare.Labels["app"] != "web" || bare.Owner.Name != "x" || bare.Spec.Selector.MatchLabels["app"] != "web" ||
		bare.Spec.Template.Labels["app"] != "web" || bare.Status.Conditions[0].Status != "True" {
		t.Fatalf("changing the clone changed the original: %+v", bare)
	}
	for _, d := range []*Deployment{full()} {
		c := d.Clone()
		if !reflect.DeepEqual(c, d) {
			t.Fatalf("clone %+v differs from %+v", c, d)
		}
		*c.Spec.Replicas, *c.Spec.RevisionHistoryLimit, *c.Spec.ProgressDeadlineSeconds = 9, 9, 9
		c.Spec.Strategy.RollingUpdate.MaxSurge.Int = 9
		c.Spec.Strategy.RollingUpdate.MaxUnavailable.Str = "9%"
		c.Spec.Strategy.RollingUpdate.MaxSurge = nil
		*c.Status.CollisionCount = 9
		c.Status.Conditions[0].Status = "False"
		c.Labels["app"], c.Annotations["a"], c.Owner.Name = "x", "x", "y"
		c.Spec.Selector.MatchLabels["app"] = "x"
		c.Spec.Template.Labels["app"] = "x"
		c.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort = 1
		if !reflect.DeepEqual(d, full()) {
			t.Fatalf("changing the clone changed the original: %+v", d)
		}
		s := d.Spec.Clone()
		*s.Replicas = 7
		if *d.Spec.Replicas != 3 || !reflect.DeepEqual(s.Template, d.Spec.Template) {
			t.Fatal("Spec.Clone is not a deep copy")
		}
	}
}
