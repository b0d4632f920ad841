package deployment

import (
	"regexp"
	"testing"

	"github.com/rollsim/rollsim/meta/metatest"
)

// TestStatusDeepEqualCoversEveryField checks that statusDeepEqual, which
// compares field by field, tells apart two statuses that differ in any
// one field, a field added to Status later included.
func TestStatusDeepEqualCoversEveryField(t *testing.T) {
	metatest.CheckEqual(t, "statusDeepEqual", statusDeepEqual, nil)
}

// TestCloneCoversEveryField checks that Deployment.Clone and Spec.Clone
// copy every field and share nothing with the original: a change to any
// field of the clone leaves the original as it was. Clone takes a
// shorter way for a Deployment without the spec's pointers (as the
// status a sync writes), which is checked too.
func TestCloneCoversEveryField(t *testing.T) {
	withoutPointers := func(d *Deployment) {
		d.Spec.Replicas, d.Spec.RevisionHistoryLimit, d.Spec.ProgressDeadlineSeconds = nil, nil, nil
		d.Spec.Strategy.RollingUpdate, d.Status.CollisionCount = nil, nil
	}
	for _, tt := range []struct {
		name  string
		strip func(*Deployment)
	}{{"every field", func(*Deployment) {}}, {"without the spec's pointers", withoutPointers}} {
		t.Run(tt.name, func(t *testing.T) {
			build := func() *Deployment {
				d := &Deployment{}
				metatest.Fill(d, 1)
				tt.strip(d)
				return d
			}
			metatest.CheckClone(t, build, (*Deployment).Clone)
		})
	}
	t.Run("Spec", func(t *testing.T) {
		metatest.CheckClone(t, metatest.Filled[Spec], func(s *Spec) *Spec {
			c := s.Clone()
			return &c
		})
	})
}

// notCompared matches the fields a template keeps but never reads, as
// pod.Template documents them: the parts of the API's types that stand in
// for modeled fields (a container's name, image, ports, env and pull
// policy; the pod's containers, restart policy and node selector; the
// template metadata's labels and annotations), the deprecated service
// account name defaulting derives from the other, ephemeral containers
// (never valid in a template), and a quantity's written format, which
// upstream's semantic comparison ignores.
var notCompared = regexp.MustCompile(`^Template\.(` +
	`Meta\.(Labels|Annotations)|` +
	`Spec\.Extra\.(Containers|RestartPolicy|NodeSelector|DeprecatedServiceAccount|EphemeralContainers)|` +
	`Spec\.Containers\[\d+\]\.Extra\.(Name|Image|Ports|Env|ImagePullPolicy)` +
	`)\b|\.Format$`)

// TestSpecEqualCoversEveryField checks that Spec.Equal tells apart two
// specs that differ in any one field it reads.
func TestSpecEqualCoversEveryField(t *testing.T) {
	metatest.CheckEqual(t, "Spec.Equal", (*Spec).Equal, notCompared)
}
