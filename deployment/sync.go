package deployment

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// sync handles a paused Deployment or a change of replicas: scale the
// ReplicaSets proportionally, clean up old revisions when paused, status.
// upstream: sync.go sync
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

// checkPausedConditions writes a Progressing condition that says the
// Deployment was paused or resumed, when it does not say so yet; a rollout
// already timed out keeps its condition.
// upstream: sync.go checkPausedConditions
func (s *syncer) checkPausedConditions() error {
	d := s.d
	if !HasProgressDeadline(d) {
		return nil
	}
	cond := d.Status.Condition(Progressing)
	if cond != nil && cond.Reason == ReasonTimedOut {
		return nil
	}
	pausedCond := cond != nil && cond.Reason == ReasonPaused
	switch {
	case d.Spec.Paused && !pausedCond:
		s.setDeploymentCondition(&d.Status, newDeploymentCondition(Progressing, "Unknown", ReasonPaused, "Deployment is paused", s.stamp))
	case !d.Spec.Paused && pausedCond:
		s.setDeploymentCondition(&d.Status, newDeploymentCondition(Progressing, "Unknown", ReasonResumed, "Deployment is resumed", s.stamp))
	default:
		return nil
	}
	return s.write()
}

// getAllReplicaSetsAndSyncRevision finds the current ReplicaSet, creating it when create
// is set, and brings revision numbers up to date.
// upstream: sync.go getAllReplicaSetsAndSyncRevision
func (s *syncer) getAllReplicaSetsAndSyncRevision(rsList []*replicaset.ReplicaSet, create bool) (*replicaset.ReplicaSet, []*replicaset.ReplicaSet, error) {
	newRS, old := s.findOldReplicaSets(rsList)
	newRS, err := s.getNewReplicaSet(newRS, old, create)
	return newRS, old, err
}

// getNewReplicaSet brings the existing current ReplicaSet's annotations
// and minReadySeconds up to date, or, when there is none and create is
// set, creates it sized as the strategy allows; either way it records the
// revision on the Deployment. A name taken by another object raises the
// collision count so that the next sync hashes to another name.
// upstream: sync.go getNewReplicaSet
func (s *syncer) getNewReplicaSet(existing *replicaset.ReplicaSet, old []*replicaset.ReplicaSet, create bool) (*replicaset.ReplicaSet, error) {
	d := s.d
	newRevision := strconv.FormatInt(s.maxRevision(old)+1, 10)
	var revs revisionAnnotations
	revs.d, revs.dHas = d.Annotations[RevisionAnnotation]
	if existing != nil {
		revs.rs, revs.rsHas = existing.Annotations[RevisionAnnotation]
		// The annotations go on a copy, which the Env stores only if
		// they or minReadySeconds changed.
		s.rsCopy = existing.UpdateCopy()
		cp := &s.rsCopy
		annotationsChanged := setNewReplicaSetAnnotations(d, cp, revs, newRevision, true)
		minReadyChanged := existing.Spec.MinReadySeconds != d.Spec.MinReadySeconds
		if minReadyChanged && !annotationsChanged {
			// Upstream stores its annotated copy of the ReplicaSet here,
			// with the annotations it copied before giving up on a
			// revision that does not parse (when the revision parses and
			// nothing changed, copying changes nothing).
			copyDeploymentAnnotationsToReplicaSet(d, revs.dHas, cp)
		}
		if annotationsChanged || minReadyChanged {
			cp.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			s.changes++
			if err := s.updateReplicaSet(existing, cp); err != nil {
				return nil, err
			}
			return existing, nil
		}
		// Unchanged: setNewReplicaSetAnnotations changed nothing.
		needsUpdate := s.setRevision(revs.d, revs.rs)
		if HasProgressDeadline(d) && d.Status.Condition(Progressing) == nil {
			s.setDeploymentCondition(&d.Status, newDeploymentCondition(Progressing, "True", ReasonFoundNewRS, fmt.Sprintf("Found new replica set %q", existing.Name), s.stamp))
			needsUpdate = true
		}
		if needsUpdate {
			if err := s.write(); err != nil {
				return nil, err
			}
		}
		return existing, nil
	}
	if !create {
		return nil, nil
	}

	hash := d.Spec.Template.Hash(d.Status.CollisionCount)
	tmpl := d.Spec.Template.Clone()
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	tmpl.Labels[TemplateHashLabel] = hash
	sel := d.Spec.Selector.Clone()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[TemplateHashLabel] = hash
	rs := &replicaset.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{
			Name:      generateReplicaSetName(d.Name, hash),
			Namespace: d.Namespace,
			Owner:     &meta.OwnerRef{Kind: "Deployment", Name: d.Name, UID: d.UID},
			Labels:    tmpl.Labels,
		},
		Spec: replicaset.Spec{MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: tmpl},
	}
	replicas, _ := newRSNewReplicas(d, append(slices.Clip(old), rs), rs)
	rs.Spec.Replicas = replicas
	setNewReplicaSetAnnotations(d, rs, revs, newRevision, false)

	alreadyExists := false
	if err := s.env.CreateReplicaSet(rs); err != nil {
		var ae *meta.AlreadyExistsError
		if !errors.As(err, &ae) {
			return nil, err
		}
		alreadyExists = true
		got := s.env.GetReplicaSet(rs.Namespace, rs.Name)
		if got == nil || got.Owner == nil || got.Owner.UID != d.UID || !got.Spec.Template.EqualIgnoringHash(&d.Spec.Template) {
			// A new count: the old one may be shared with the stored
			// Deployment.
			var n int32
			if d.Status.CollisionCount != nil {
				n = *d.Status.CollisionCount
			}
			d.Status.CollisionCount = Ptr(n + 1)
			if werr := s.write(); werr != nil {
				return nil, werr
			}
			return nil, err
		}
		rs = got
	}
	if !alreadyExists && replicas > 0 {
		s.event("Normal", "ScalingReplicaSet", fmt.Sprintf("Scaled up replica set %s from 0 to %d", rs.Name, replicas))
	}
	needsUpdate := s.setRevision(revs.d, newRevision)
	if !alreadyExists && HasProgressDeadline(d) {
		s.setDeploymentCondition(&d.Status, newDeploymentCondition(Progressing, "True", ReasonNewRSCreated, fmt.Sprintf("Created new replica set %q", rs.Name), s.stamp))
		needsUpdate = true
	}
	if needsUpdate {
		if err := s.write(); err != nil {
			return rs, err
		}
	}
	return rs, nil
}

// revisionAnnotations are the revision annotations getNewReplicaSet
// compares, each read once: the Deployment's and, when it exists, its
// current ReplicaSet's.
type revisionAnnotations struct {
	d, rs       string
	dHas, rsHas bool
}

// generateReplicaSetName joins the Deployment's name and the hash, cutting the
// name so that the whole stays within 253 characters.
// upstream: sync.go generateReplicaSetName
func generateReplicaSetName(name, hash string) string {
	if limit := 253 - 1 - len(hash); len(name) > limit && limit > 0 {
		name = name[:limit]
	}
	return name + "-" + hash
}

// scale resizes the ReplicaSets after the Deployment's replicas changed:
// the only active one takes the new size; a saturated new one takes all;
// otherwise, for RollingUpdate, the difference is shared in proportion to
// each ReplicaSet's size.
// upstream: sync.go scale
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
// upstream: ../controller_utils.go ReplicaSetsBySizeNewer
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

// scaleReplicaSetAndRecordEvent resizes rs to size unless it has that
// size already, reporting whether it resized it.
// upstream: sync.go scaleReplicaSetAndRecordEvent
func (s *syncer) scaleReplicaSetAndRecordEvent(rs *replicaset.ReplicaSet, size int32) bool {
	if rs.Spec.Replicas == size {
		return false
	}
	return s.scaleReplicaSet(rs, size, false)
}

// scaleReplicaSet sets rs's size (and, when forced or resized, its replica
// annotations), emitting ScalingReplicaSet when the size changes. It
// reports whether the size changed.
// upstream: sync.go scaleReplicaSet
func (s *syncer) scaleReplicaSet(rs *replicaset.ReplicaSet, size int32, force bool) bool {
	d := s.d
	if s.err != nil || !force && rs.Spec.Replicas == size {
		return false
	}
	resize := rs.Spec.Replicas != size
	desired, maxReplicas := d.DesiredReplicas(), d.DesiredReplicas()+MaxSurge(d)
	if !resize && !replicasAnnotationsNeedUpdate(rs, desired, maxReplicas) {
		return false
	}
	from := rs.Spec.Replicas
	// The change goes to the Env as a copy; rs, the Env's own, shows it
	// once stored.
	s.rsCopy = rs.UpdateCopy()
	cp := &s.rsCopy
	cp.Spec.Replicas = size
	setReplicasAnnotations(cp, desired, maxReplicas)
	if err := s.updateReplicaSet(rs, cp); err != nil {
		s.err = err
		return false
	}
	if resize {
		s.event("Normal", "ScalingReplicaSet", scaledMessage(rs.Name, from, size))
	}
	return resize
}

// updateReplicaSet stores cp, a changed copy of view, and brings view up
// to what was stored, as upstream goes on with the object its update
// returns: when view is the Env's own object it shows the write already,
// when it is a copy (a replacement sync's) it must, or a later write of
// it in the same sync would be stale.
func (s *syncer) updateReplicaSet(view, cp *replicaset.ReplicaSet) error {
	if err := s.env.UpdateReplicaSet(cp); err != nil {
		return err
	}
	if view != cp {
		view.Annotations = cp.Annotations
		view.Spec.Replicas, view.Spec.MinReadySeconds = cp.Spec.Replicas, cp.Spec.MinReadySeconds
		view.ResourceVersion, view.Generation = cp.ResourceVersion, cp.Generation
	}
	return nil
}

// scaledMessage words a ScalingReplicaSet event: "Scaled up replica set
// NAME from 1 to 2", or "Scaled down ...".
func scaledMessage(name string, from, to int32) string {
	b := make([]byte, 0, 128)
	b = append(b, "Scaled "...)
	if from < to {
		b = append(b, "up"...)
	} else {
		b = append(b, "down"...)
	}
	b = append(b, " replica set "...)
	b = append(b, name...)
	b = append(b, " from "...)
	b = strconv.AppendInt(b, int64(from), 10)
	b = append(b, " to "...)
	b = strconv.AppendInt(b, int64(to), 10)
	return string(b)
}

// cleanupDeployment deletes the oldest empty old ReplicaSets beyond
// revisionHistoryLimit.
// upstream: sync.go cleanupDeployment
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

// syncDeploymentStatus writes the status calculated from all when it
// differs from the stored one.
// upstream: sync.go syncDeploymentStatus
func (s *syncer) syncDeploymentStatus(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) error {
	newStatus := s.calculateStatus(all, newRS)
	if statusDeepEqual(&s.d.Status, &newStatus) {
		return nil
	}
	s.d.Status = newStatus
	return s.write()
}

// calculateStatus derives the Deployment's status from its ReplicaSets',
// with the Available condition as of now.
// upstream: sync.go calculateStatus
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
		st.TerminatingReplicas += rs.Status.TerminatingReplicas
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

// isScalingEvent reports whether an active ReplicaSet was sized for
// another replica count than the Deployment's. Its split of the
// ReplicaSets may serve the rollout that follows (rememberSplit).
// upstream: sync.go isScalingEvent
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
	s.rememberSplit(before, newRS, old)
	return scaling, nil
}

// statusDeepEqual reports reflect.DeepEqual(*a, *b) without reflection:
// conditions compare as slices (a nil slice differs from an empty one),
// the collision counts by value, and times as DeepEqual compares them
// (their fields, the location by pointer or by content).
func statusDeepEqual(a, b *Status) bool {
	if a.ObservedGeneration != b.ObservedGeneration || a.Replicas != b.Replicas ||
		a.UpdatedReplicas != b.UpdatedReplicas || a.ReadyReplicas != b.ReadyReplicas ||
		a.AvailableReplicas != b.AvailableReplicas || a.UnavailableReplicas != b.UnavailableReplicas || a.TerminatingReplicas != b.TerminatingReplicas {
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
