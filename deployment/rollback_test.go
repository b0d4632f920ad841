package deployment

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/replicaset"
)

// TestRollback checks the legacy rollback annotation: the template of the
// named revision (0: the one before the latest) is copied into the
// Deployment with its annotations, or a warning says why not; either way
// the annotation is dropped and the spec written.
func TestRollback(t *testing.T) {
	tests := []struct {
		name, to   string // to: the rollback annotation
		revisions  int
		wantImage  string
		wantEvents []string
	}{
		{name: "to a revision", to: "1", revisions: 3, wantImage: "web:1",
			wantEvents: []string{`Normal DeploymentRollback Rolled back deployment "web" to revision 1`}},
		{name: "to the last revision", to: "0", revisions: 3, wantImage: "web:2",
			wantEvents: []string{`Normal DeploymentRollback Rolled back deployment "web" to revision 2`}},
		{name: "to the current revision", to: "3", revisions: 3, wantImage: "web:3",
			wantEvents: []string{`Warning DeploymentRollbackTemplateUnchanged The rollback revision contains the same template as current deployment "web"`}},
		{name: "to a missing revision", to: "7", revisions: 3, wantImage: "web:3",
			wantEvents: []string{"Warning DeploymentRollbackRevisionNotFound Unable to find the revision to rollback to."}},
		{name: "to the last revision when there is none", to: "0", revisions: 1, wantImage: "web:1",
			wantEvents: []string{"Warning DeploymentRollbackRevisionNotFound Unable to find last revision."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(1, 1, 0)
			current := strconv.Itoa(tt.revisions)
			d.Spec.Template.Spec.Containers[0].Image = "web:" + current
			d.Annotations = map[string]string{RevisionAnnotation: current, RollbackToAnnotation: tt.to}
			var rss []*replicaset.ReplicaSet
			for i := 1; i <= tt.revisions; i++ {
				rev := strconv.Itoa(i)
				rs := newTestReplicaSet(d, "web-"+rev, 0, 0, epoch.Add(time.Duration(i)*time.Second))
				rs.Spec.Template.Spec.Containers[0].Image = "web:" + rev
				rs.Spec.Template.Labels[TemplateHashLabel] = "hash-" + rev
				rs.Annotations = map[string]string{RevisionAnnotation: rev, DesiredReplicasAnnotation: "1", MaxReplicasAnnotation: "2",
					ChangeCauseAnnotation: "cause " + rev}
				rss = append(rss, rs)
			}
			rss[len(rss)-1].Spec.Replicas = 1
			env := newFakeEnv(rss...)
			require.NoError(t, Sync(env, d))

			assert.Equal(t, tt.wantEvents, env.events)
			require.Len(t, env.specs, 1, "one spec write")
			assert.Empty(t, env.statuses, "no status write")
			spec := env.specs[0]
			assert.Equal(t, tt.wantImage, spec.Template.Image())
			assert.NotContains(t, spec.Template.Labels, TemplateHashLabel)
			assert.Equal(t, "web:"+current, d.Spec.Template.Image(), "the stored Deployment was changed in place")
			assert.Equal(t, tt.to, d.Annotations[RollbackToAnnotation], "the stored Deployment was changed in place")
		})
	}
}

// TestGetRollbackTo checks which annotation values name a revision.
func TestGetRollbackTo(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  *int64
	}{{"", nil}, {"x", nil}, {"0", Ptr[int64](0)}, {"12", Ptr[int64](12)}, {"-1", Ptr[int64](-1)}} {
		d := newTestDeployment(1, 1, 0)
		if tt.value != "" {
			d.Annotations = map[string]string{RollbackToAnnotation: tt.value}
		}
		assert.Equal(t, tt.want, getRollbackTo(d), "value %q", tt.value)
	}
}
