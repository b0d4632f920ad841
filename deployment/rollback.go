package deployment

import (
	"fmt"
	"strconv"

	"github.com/rollsim/rollsim/replicaset"
)

// rollback serves the legacy deprecated.deployment.rollback.to annotation
// (kubectl no longer sets it): copy the template of that revision (0: the
// one before the latest) into the Deployment and drop the annotation.
// upstream: rollback.go rollback
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
// upstream: rollback.go rollbackToTemplate
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
// upstream: rollback.go updateDeploymentAndClearRollbackTo
func (s *syncer) updateDeploymentAndClearRollbackTo() error {
	s.deleteAnnotation(RollbackToAnnotation)
	return s.writeSpec()
}

// getRollbackTo returns the revision named by the legacy rollback annotation,
// or nil when it is absent or not a number.
// upstream: rollback.go getRollbackTo
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
