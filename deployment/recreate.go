package deployment

import "github.com/rollsim/rollsim/replicaset"

// rolloutRecreate steps a Recreate rollout: old ReplicaSets to 0, wait
// until their pods are gone, then the new ReplicaSet at full size.
func (s *syncer) rolloutRecreate(rsList []*replicaset.ReplicaSet) error {
	newRS, old := s.split.newRS, s.split.old
	if !s.split.ok {
		var err error
		if newRS, old, err = s.allAndSyncRevision(rsList, false); err != nil {
			return err
		}
	}
	all := s.with(old, newRS)
	scaled := false
	for _, rs := range s.active(old) {
		if s.scaleReplicaSet(rs, 0, false) {
			scaled = true
		}
	}
	if scaled {
		return s.syncRolloutStatus(all, newRS)
	}
	if oldPodsRunning(old) {
		return s.syncRolloutStatus(all, newRS)
	}
	if newRS == nil {
		var err error
		newRS, old, err = s.allAndSyncRevision(rsList, true)
		if err != nil {
			return err
		}
		all = s.with(old, newRS)
	}
	s.scaleReplicaSet(newRS, s.d.DesiredReplicas(), false)
	if Complete(s.d, &s.d.Status) {
		s.cleanup(old)
	}
	return s.syncRolloutStatus(all, newRS)
}

// oldPodsRunning reports whether any old ReplicaSet still counts pods in
// its status or still has a pod.
func oldPodsRunning(old []*replicaset.ReplicaSet) bool {
	for _, rs := range old {
		if rs.Status.Replicas > 0 || rs.ActivePods() > 0 {
			return true
		}
	}
	return false
}
