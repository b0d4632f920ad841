package deployment

import (
	"github.com/rollsim/rollsim/replicaset"
)

// rolloutRecreate steps a Recreate rollout: old ReplicaSets to 0, wait
// until their pods are gone, then the new ReplicaSet at full size.
// upstream: recreate.go rolloutRecreate
func (s *syncer) rolloutRecreate(rsList []*replicaset.ReplicaSet) error {
	newRS, old, err := s.getAllReplicaSetsAndSyncRevisionAgain(rsList, false)
	if err != nil {
		return err
	}
	all := s.with(old, newRS)
	if s.scaleDownOldReplicaSetsForRecreate(old) {
		return s.syncRolloutStatus(all, newRS)
	}
	if oldPodsRunning(old) {
		return s.syncRolloutStatus(all, newRS)
	}
	if newRS == nil {
		var err error
		newRS, old, err = s.getAllReplicaSetsAndSyncRevision(rsList, true)
		if err != nil {
			return err
		}
		all = s.with(old, newRS)
	}
	s.scaleUpNewReplicaSetForRecreate(newRS)
	if Complete(s.d, &s.d.Status) {
		s.cleanupDeployment(old)
	}
	return s.syncRolloutStatus(all, newRS)
}

// scaleDownOldReplicaSetsForRecreate scales every old ReplicaSet that
// wants pods to 0, reporting whether any was resized.
// upstream: recreate.go scaleDownOldReplicaSetsForRecreate
func (s *syncer) scaleDownOldReplicaSetsForRecreate(old []*replicaset.ReplicaSet) bool {
	scaled := false
	for _, rs := range s.filterActiveReplicaSets(old) {
		if s.scaleReplicaSetAndRecordEvent(rs, 0) {
			scaled = true
		}
	}
	return scaled
}

// oldPodsRunning reports whether any old ReplicaSet still counts pods in
// its status or still has a pod.
// upstream: recreate.go oldPodsRunning
func oldPodsRunning(old []*replicaset.ReplicaSet) bool {
	for _, rs := range old {
		if rs.Status.Replicas > 0 || rs.ActivePods() > 0 {
			return true
		}
	}
	return false
}

// scaleUpNewReplicaSetForRecreate sizes the new ReplicaSet to the desired
// count, reporting whether it was resized.
// upstream: recreate.go scaleUpNewReplicaSetForRecreate
func (s *syncer) scaleUpNewReplicaSetForRecreate(newRS *replicaset.ReplicaSet) bool {
	return s.scaleReplicaSetAndRecordEvent(newRS, s.d.DesiredReplicas())
}
