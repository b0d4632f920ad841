package deployment

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/rollsim/rollsim/replicaset"
)

// sync handles a paused Deployment or a change of replicas: scale the
// ReplicaSets proportionally, clean up old revisions when paused, status.
func (s *syncer) sync(rsList []*replicaset.ReplicaSet) error {
	newRS, old, err := s.getAllReplicaSetsAndSyncRevision(rsList, false)
	if err != nil {
		return err
	}
	s.scale(newRS, old)
	if s.d.Spec.Paused && getRollbackTo(s.d) == nil {
		s.cleanupDeployment(old)
	}
	return s.syncDeploymentStatus(s.with(old, newRS), newRS)
}

// syncDeploymentStatus writes the status calculated from all when it
// differs from the stored one.
func (s *syncer) syncDeploymentStatus(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) error {
	newStatus := s.calculateStatus(all, newRS)
	if statusDeepEqual(&s.d.Status, &newStatus) {
		return nil
	}
	s.d.Status = newStatus
	return s.write()
}

// isScalingEvent reports whether an active ReplicaSet was sized for
// another replica count than the Deployment's. A check that stored nothing
// leaves its split of the ReplicaSets for the rollout to reuse.
func (s *syncer) isScalingEvent(rsList []*replicaset.ReplicaSet) (bool, error) {
	before := s.changes
	newRS, old, err := s.getAllReplicaSetsAndSyncRevision(rsList, false)
	if err != nil {
		return false, err
	}
	scaling := false
	for _, rs := range s.with(old, newRS) {
		if rs == nil || rs.Spec.Replicas <= 0 {
			continue
		}
		desired, ok := getNonNegativeInt32FromAnnotation(rs, DesiredReplicasAnnotation)
		if ok && desired != s.d.DesiredReplicas() {
			scaling = true
			break
		}
	}
	if newRS != nil && s.changes == before {
		// Nothing was stored: the same split with create set would find
		// the same current ReplicaSet and again store nothing.
		s.split.ok, s.split.newRS, s.split.old = true, newRS, old
	}
	return scaling, nil
}

// getNonNegativeInt32FromAnnotation reads an annotation as strconv.ParseUint(v, 10,
// 32) would, and reports whether it holds an int32; parsed by hand, as
// every sync asks it of every active ReplicaSet.
func getNonNegativeInt32FromAnnotation(rs *replicaset.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok || v == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n = n*10 + uint64(c-'0'); n > math.MaxInt32 {
			return 0, false
		}
	}
	return int32(n), true
}

// scale resizes the ReplicaSets after the Deployment's replicas changed:
// the only active one takes the new size; a saturated new one takes all;
// otherwise, for RollingUpdate, the difference is shared in proportion to
// each ReplicaSet's size.
func (s *syncer) scale(newRS *replicaset.ReplicaSet, old []*replicaset.ReplicaSet) {
	d := s.d
	replicas := d.DesiredReplicas()
	if target := findActiveOrLatest(newRS, old); target != nil {
		if target.Spec.Replicas != replicas {
			s.scaleReplicaSetAndRecordEvent(target, replicas)
		}
		return
	}
	if isSaturated(d, newRS) {
		for _, rs := range s.filterActiveReplicaSets(old) {
			s.scaleReplicaSetAndRecordEvent(rs, 0)
		}
		return
	}
	if d.Spec.Strategy.Type != RollingUpdate {
		return
	}
	all := s.filterActiveReplicaSets(s.with(old, newRS))
	var allowed int32
	if replicas > 0 {
		allowed = replicas + MaxSurge(d)
	}
	toAdd := allowed - getReplicaCountForReplicaSets(all)
	switch {
	case toAdd > 0:
		slices.SortStableFunc(all, func(a, b *replicaset.ReplicaSet) int { return bySizeThen(a, b, true) })
	case toAdd < 0:
		slices.SortStableFunc(all, func(a, b *replicaset.ReplicaSet) int { return bySizeThen(a, b, false) })
	}
	sizes := make([]int32, len(all))
	var added int32
	for i, rs := range all {
		sizes[i] = rs.Spec.Replicas
		if toAdd != 0 {
			p := getReplicaSetProportion(d, rs, toAdd, added)
			sizes[i] += p
			added += p
		}
	}
	for i, rs := range all {
		if i == 0 && toAdd != 0 {
			sizes[i] = max(sizes[i]+toAdd-added, 0)
		}
		s.scaleReplicaSet(rs, sizes[i], true)
	}
}

// bySizeThen orders larger ReplicaSets first, ties newer first (newer) or
// older first.
func bySizeThen(a, b *replicaset.ReplicaSet, newer bool) int {
	if a.Spec.Replicas != b.Spec.Replicas {
		if a.Spec.Replicas > b.Spec.Replicas {
			return -1
		}
		return 1
	}
	c := olderFirst(&a.ObjectMeta, &b.ObjectMeta)
	if newer {
		return -c
	}
	return c
}

// findActiveOrLatest returns the only active ReplicaSet, or when none is
// active the new one or else the newest old one; nil when several are
// active. It sorts old newest first, as upstream does.
func findActiveOrLatest(newRS *replicaset.ReplicaSet, old []*replicaset.ReplicaSet) *replicaset.ReplicaSet {
	if newRS == nil && len(old) == 0 {
		return nil
	}
	slices.SortFunc(old, func(a, b *replicaset.ReplicaSet) int { return -olderFirst(&a.ObjectMeta, &b.ObjectMeta) })
	all := filterActiveReplicaSets(append(slicesClip(old), newRS))
	switch len(all) {
	case 0:
		if newRS != nil {
			return newRS
		}
		return old[0]
	case 1:
		return all[0]
	}
	return nil
}

// isSaturated reports whether the new ReplicaSet alone runs every desired
// pod, all available.
func isSaturated(d *Deployment, rs *replicaset.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	desired, err := strconv.Atoi(rs.Annotations[DesiredReplicasAnnotation])
	if err != nil {
		return false
	}
	r := d.DesiredReplicas()
	return rs.Spec.Replicas == r && int32(desired) == r && rs.Status.AvailableReplicas == r
}

// getReplicaSetProportion is how many of toAdd (less what was added already) rs takes.
func getReplicaSetProportion(d *Deployment, rs *replicaset.ReplicaSet, toAdd, added int32) int32 {
	if rs == nil || rs.Spec.Replicas == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	frac := getReplicaSetFraction(d, rs)
	allowed := toAdd - added
	if toAdd > 0 {
		return min(frac, allowed)
	}
	return max(frac, allowed)
}

// getReplicaSetFraction is how many replicas rs gains (or, negative,
// loses) when the Deployment's bound moves from the one recorded on rs to
// the current one.
func getReplicaSetFraction(d *Deployment, rs *replicaset.ReplicaSet) int32 {
	if d.DesiredReplicas() == 0 {
		return -rs.Spec.Replicas
	}
	newMax := d.DesiredReplicas() + MaxSurge(d)
	oldMax, ok := getNonNegativeInt32FromAnnotation(rs, MaxReplicasAnnotation)
	if !ok || oldMax == 0 {
		oldMax = d.Status.Replicas
		if oldMax == 0 {
			return 0
		}
	}
	size := float64(rs.Spec.Replicas*newMax) / float64(oldMax)
	return int32(math.Round(size)) - rs.Spec.Replicas
}

// cleanupDeployment deletes the oldest empty old ReplicaSets beyond
// revisionHistoryLimit.
func (s *syncer) cleanupDeployment(old []*replicaset.ReplicaSet) {
	d := s.d
	if !HasRevisionHistoryLimit(d) {
		return
	}
	diff := len(old) - int(*d.Spec.RevisionHistoryLimit)
	if diff <= 0 {
		return
	}
	byRev := slices.Clone(old)
	slices.SortStableFunc(byRev, func(a, b *replicaset.ReplicaSet) int {
		ra, rb := a.Revision(), b.Revision()
		if ra < 0 || rb < 0 || ra == rb {
			return olderFirst(&a.ObjectMeta, &b.ObjectMeta)
		}
		if ra < rb {
			return -1
		}
		return 1
	})
	for _, rs := range byRev[:diff] {
		if rs.Status.Replicas != 0 || rs.Spec.Replicas != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		s.env.DeleteReplicaSet(rs)
	}
}

// calculateStatus derives the Deployment's status from its ReplicaSets',
// with the Available condition as of now.
func (s *syncer) calculateStatus(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) Status {
	d := s.d
	var st Status
	var specSum int32
	for _, rs := range all {
		if rs == nil {
			continue
		}
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
		specSum += rs.Spec.Replicas
	}
	if newRS != nil {
		st.UpdatedReplicas = newRS.Status.Replicas
	}
	st.UnavailableReplicas = max(specSum-st.AvailableReplicas, 0)
	st.ObservedGeneration = d.Generation
	st.CollisionCount = d.Status.CollisionCount
	// Shared with d, clipped: conditions are only ever replaced, never
	// changed in place, and an append to a clipped slice reallocates.
	st.Conditions = slices.Clip(d.Status.Conditions)
	if st.AvailableReplicas >= d.DesiredReplicas()-MaxUnavailable(d) {
		s.setDeploymentCondition(&st, newDeploymentCondition(Available, "True", ReasonMinimumAvailable, "Deployment has minimum availability.", s.stamp))
	} else {
		s.setDeploymentCondition(&st, newDeploymentCondition(Available, "False", ReasonMinimumUnavailable, "Deployment does not have minimum availability.", s.stamp))
	}
	return st
}

// syncRolloutStatus writes the status with the Progressing condition
// brought up to date: complete, progressing, or timed out.
func (s *syncer) syncRolloutStatus(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) error {
	d := s.d
	st := s.calculateStatus(all, newRS)
	if !HasProgressDeadline(d) {
		s.removeDeploymentCondition(&st, Progressing)
	}
	rsName := ""
	if newRS != nil {
		rsName = newRS.Name
	}
	cur := d.Status.Condition(Progressing)
	complete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
	if HasProgressDeadline(d) && !complete {
		switch {
		case Complete(d, &st):
			msg := progressMessage(d, rsName, "has successfully progressed.", cur)
			s.setDeploymentCondition(&st, newDeploymentCondition(Progressing, "True", ReasonNewRSAvailable, msg, s.stamp))
		case deploymentProgressing(d, &st):
			msg := progressMessage(d, rsName, "is progressing.", cur)
			c := newDeploymentCondition(Progressing, "True", ReasonRSUpdated, msg, s.stamp)
			if cur != nil {
				if cur.Status == "True" {
					c.LastTransitionTime = cur.LastTransitionTime
				}
				s.removeDeploymentCondition(&st, Progressing)
			}
			s.setDeploymentCondition(&st, c)
		case deploymentTimedOut(d, &st, s.now):
			msg := progressMessage(d, rsName, "has timed out progressing.", cur)
			s.setDeploymentCondition(&st, newDeploymentCondition(Progressing, "False", ReasonTimedOut, msg, s.stamp))
		}
	}
	if f := getReplicaFailures(all, newRS, s.now); f != nil {
		s.setDeploymentCondition(&st, *f)
	} else {
		s.removeDeploymentCondition(&st, ReplicaFailure)
	}
	if statusDeepEqual(&d.Status, &st) {
		s.requeueStuck(&st)
		return nil
	}
	d.Status = st
	return s.write()
}

// getReplicaFailures turns a ReplicaFailure condition of the new ReplicaSet,
// else of any ReplicaSet, into the Deployment's.
func getReplicaFailures(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet, now time.Time) *Condition {
	find := func(rs *replicaset.ReplicaSet) *Condition {
		for _, c := range rs.Status.Conditions {
			if c.Type == ReplicaFailure {
				return &Condition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message, LastUpdateTime: c.LastTransitionTime, LastTransitionTime: c.LastTransitionTime}
			}
		}
		return nil
	}
	if newRS != nil {
		if c := find(newRS); c != nil {
			return c
		}
	}
	for _, rs := range all {
		if rs != nil {
			if c := find(rs); c != nil {
				return c
			}
		}
	}
	return nil
}

// requeueStuck asks for a progress check when the deadline of a rollout
// that shows no progress would pass: one second after it, since the check
// is strict and times are kept to the second.
func (s *syncer) requeueStuck(st *Status) {
	d := s.d
	cur := d.Status.Condition(Progressing)
	if !HasProgressDeadline(d) || cur == nil || Complete(d, st) || cur.Reason == ReasonTimedOut {
		return
	}
	deadline := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second)
	after := deadline.Sub(s.now)
	if after < time.Second {
		// Upstream polls, rate-limited, until the deadline passes. A
		// rollout whose condition still says NewReplicaSetAvailable can
		// never time out, so those polls would change nothing: skip them.
		if c := st.Condition(Progressing); c != nil && (c.Reason == ReasonNewRSAvailable || c.Reason == ReasonTimedOut) {
			return
		}
		s.env.RequeueRateLimited(d)
		return
	}
	s.env.RequeueAt(d, s.now.Add(after+time.Second))
}

// DeadlineCheck returns when the controller will next look at d's
// progress deadline, and whether it will at all.
func DeadlineCheck(d *Deployment) (time.Time, bool) {
	cur := d.Status.Condition(Progressing)
	if !HasProgressDeadline(d) || d.Spec.Paused || cur == nil || cur.Reason == ReasonTimedOut || cur.Reason == ReasonNewRSAvailable {
		return time.Time{}, false
	}
	return cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds)*time.Second + time.Second), true
}

// statusDeepEqual reports reflect.DeepEqual(*a, *b) without reflection:
// conditions compare as slices (a nil slice differs from an empty one),
// the collision counts by value, and times as DeepEqual compares them
// (their fields, the location by pointer or by content).
func statusDeepEqual(a, b *Status) bool {
	if a.ObservedGeneration != b.ObservedGeneration || a.Replicas != b.Replicas ||
		a.UpdatedReplicas != b.UpdatedReplicas || a.ReadyReplicas != b.ReadyReplicas ||
		a.AvailableReplicas != b.AvailableReplicas || a.UnavailableReplicas != b.UnavailableReplicas {
		return false
	}
	if (a.CollisionCount == nil) != (b.CollisionCount == nil) ||
		a.CollisionCount != nil && *a.CollisionCount != *b.CollisionCount {
		return false
	}
	if (a.Conditions == nil) != (b.Conditions == nil) || len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for i := range a.Conditions {
		x, y := &a.Conditions[i], &b.Conditions[i]
		if x.Type != y.Type || x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message ||
			!timeDeepEqual(x.LastUpdateTime, y.LastUpdateTime) || !timeDeepEqual(x.LastTransitionTime, y.LastTransitionTime) {
			return false
		}
	}
	return true
}

// timeDeepEqual is reflect.DeepEqual on two times: == decides when it
// holds (same fields, same location pointer); otherwise the locations may
// still be equal in content, which reflection decides.
func timeDeepEqual(a, b time.Time) bool {
	return a == b || reflect.DeepEqual(a, b)
}
