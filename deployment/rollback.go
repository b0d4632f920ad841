package deployment

import (
	"fmt"
	"strconv"

	"github.com/rollsim/rollsim/replicaset"
)

// getRollbackTo returns the revision named by the legacy rollback annotation,
// or nil when it is absent or not a number.
func getRollbackTo(d *Deployment) *int64 {
	v := d.Annotations[RollbackToAnnotation]
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	return &n
}

// rollback serves the legacy deprecated.deployment.rollback.to annotation
// (kubectl no longer sets it): copy the template of that revision (0: the
// one before the latest) into the Deployment and drop the annotation.
func (s *syncer) rollback(rsList []*replicaset.ReplicaSet) error {
	d := s.d
	newRS, old, err := s.getAllReplicaSetsAndSyncRevision(rsList, true)
	if err != nil {
		return err
	}
	all := s.with(old, newRS)
	rev := *getRollbackTo(d)
	if rev == 0 {
		if rev = lastRevision(all); rev == 0 {
			s.event("Warning", "DeploymentRollbackRevisionNotFound", "Unable to find last revision.")
			return s.updateDeploymentAndClearRollbackTo()
		}
	}
	for _, rs := range all {
		if rs == nil || rs.Revision() != rev {
			continue
		}
		performed := s.rollbackToTemplate(rs)
		err := s.updateDeploymentAndClearRollbackTo()
		if performed && err == nil {
			s.event("Normal", "DeploymentRollback", fmt.Sprintf("Rolled back deployment %q to revision %d", d.Name, rev))
		}
		return err
	}
	s.event("Warning", "DeploymentRollbackRevisionNotFound", "Unable to find the revision to rollback to.")
	return s.updateDeploymentAndClearRollbackTo()
}

// rollbackToTemplate copies rs's template and annotations into the working
// copy, reporting whether that changed its template; when it would not,
// it warns instead.
func (s *syncer) rollbackToTemplate(rs *replicaset.ReplicaSet) bool {
	d := s.d
	if d.Spec.Template.EqualIgnoringHash(&rs.Spec.Template) {
		s.event("Warning", "DeploymentRollbackTemplateUnchanged", fmt.Sprintf("The rollback revision contains the same template as current deployment %q", d.Name))
		return false
	}
	d.Spec.Template = rs.Spec.Template.Clone()
	delete(d.Spec.Template.Labels, TemplateHashLabel)
	SetAnnotationsFrom(d, rs)
	return true
}

// updateDeploymentAndClearRollbackTo drops the rollback annotation and
// stores the working copy's spec, with whatever the rollback changed.
func (s *syncer) updateDeploymentAndClearRollbackTo() error {
	s.deleteAnnotation(RollbackToAnnotation)
	return s.writeSpec()
}

// lastRevision returns the second-highest revision among rss.
func lastRevision(rss []*replicaset.ReplicaSet) int64 {
	var top, second int64
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		v := rs.Revision()
		if v < 0 {
			continue
		}
		if v >= top {
			second, top = top, v
		} else if v > second {
			second = v
		}
	}
	return second
}

// SetAnnotationsFrom replaces d's annotations by rs's, keeping d's own
// values of the annotations never copied between the two (revision
// bookkeeping, last-applied configuration, rollback): what a rollback to rs
// does to a Deployment's annotations.
func SetAnnotationsFrom(d *Deployment, rs *replicaset.ReplicaSet) {
	kept := map[string]string{}
	for k, v := range d.Annotations {
		if skipCopyAnnotation(k) {
			kept[k] = v
		}
	}
	for k, v := range rs.Annotations {
		if !skipCopyAnnotation(k) {
			kept[k] = v
		}
	}
	d.Annotations = kept
}
