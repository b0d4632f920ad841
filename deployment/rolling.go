package deployment

import (
	"github.com/rollsim/rollsim/replicaset"
)

// rolloutRolling steps a RollingUpdate: create the new ReplicaSet if
// needed, then either grow it or shrink old ones (never both in one sync),
// then clean up old revisions once complete, then status.
// upstream: rolling.go rolloutRolling
func (s *syncer) rolloutRolling(rsList []*replicaset.ReplicaSet) error {
	newRS, old, err := s.getAllReplicaSetsAndSyncRevisionAgain(rsList, true)
	if err != nil {
		return err
	}
	all := s.with(old, newRS)
	if s.reconcileNewReplicaSet(all, newRS) {
		return s.syncRolloutStatus(all, newRS)
	}
	if s.reconcileOldReplicaSets(all, s.filterActiveReplicaSets(old), newRS) {
		return s.syncRolloutStatus(all, newRS)
	}
	if Complete(s.d, &s.d.Status) {
		s.cleanupDeployment(old)
	}
	return s.syncRolloutStatus(all, newRS)
}

// reconcileNewReplicaSet grows the new ReplicaSet as far as maxSurge allows, or
// shrinks it to the desired count; it reports a resize.
// upstream: rolling.go reconcileNewReplicaSet
func (s *syncer) reconcileNewReplicaSet(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) bool {
	replicas := s.d.DesiredReplicas()
	switch {
	case newRS.Spec.Replicas == replicas:
		return false
	case newRS.Spec.Replicas > replicas:
		return s.scaleReplicaSetAndRecordEvent(newRS, replicas)
	}
	n, err := newRSNewReplicas(s.d, all, newRS)
	if err != nil {
		return false
	}
	return s.scaleReplicaSetAndRecordEvent(newRS, n)
}

// reconcileOldReplicaSets shrinks old ReplicaSets as far as maxUnavailable allows:
// first their unhealthy pods, then available ones. It reports a resize.
// upstream: rolling.go reconcileOldReplicaSets
func (s *syncer) reconcileOldReplicaSets(all, oldActive []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) bool {
	if getReplicaCountForReplicaSets(oldActive) == 0 {
		return false
	}
	d := s.d
	minAvailable := d.DesiredReplicas() - MaxUnavailable(d)
	newUnavailable := newRS.Spec.Replicas - newRS.Status.AvailableReplicas
	maxScaledDown := getReplicaCountForReplicaSets(all) - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false
	}
	// oldActive is already oldest first: it keeps the order of the
	// sorted list the sync started from.
	cleaned, ok := s.cleanupUnhealthyReplicas(oldActive, maxScaledDown)
	if !ok {
		return false
	}
	scaled := s.scaleDownOldReplicaSetsForRollingUpdate(s.with(oldActive, newRS), oldActive)
	return cleaned+scaled > 0
}

// cleanupUnhealthyReplicas shrinks old ReplicaSets, oldest first, by their pods
// that are not available, up to limit in total. It reports false when it
// gave up part way, as upstream's does on an inconsistent count.
// upstream: rolling.go cleanupUnhealthyReplicas
func (s *syncer) cleanupUnhealthyReplicas(old []*replicaset.ReplicaSet, limit int32) (int32, bool) {
	var done int32
	for _, rs := range old {
		if done >= limit {
			break
		}
		if rs.Spec.Replicas == 0 || rs.Spec.Replicas == rs.Status.AvailableReplicas {
			continue
		}
		n := min(limit-done, rs.Spec.Replicas-rs.Status.AvailableReplicas)
		if n < 0 {
			// More available pods than wanted (a stale status after a
			// scale-down): upstream refuses to "scale down" upwards and
			// abandons the whole step.
			return done, false
		}
		s.scaleReplicaSetAndRecordEvent(rs, rs.Spec.Replicas-n)
		done += n
	}
	return done, true
}

// scaleDownOldReplicaSetsForRollingUpdate shrinks old ReplicaSets, oldest first, by as many available
// pods as can go while minAvailable stay.
// upstream: rolling.go scaleDownOldReplicaSetsForRollingUpdate
func (s *syncer) scaleDownOldReplicaSetsForRollingUpdate(all, old []*replicaset.ReplicaSet) int32 {
	d := s.d
	minAvailable := d.DesiredReplicas() - MaxUnavailable(d)
	var avail int32
	for _, rs := range all {
		avail += rs.Status.AvailableReplicas
	}
	if avail <= minAvailable {
		return 0
	}
	budget := avail - minAvailable
	var done int32
	for _, rs := range old {
		if done >= budget {
			break
		}
		if rs.Spec.Replicas == 0 {
			continue
		}
		n := min(rs.Spec.Replicas, budget-done)
		s.scaleReplicaSetAndRecordEvent(rs, rs.Spec.Replicas-n)
		done += n
	}
	return done
}
