package deployment

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim/replicaset"
)

// newDeploymentCondition returns a condition stamped at stamp, a time already
// truncated to the second as the API server stores it (syncer.stamp).
// upstream: util/deployment_util.go NewDeploymentCondition
func newDeploymentCondition(typ, status, reason, message string, stamp time.Time) Condition {
	return Condition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: stamp, LastTransitionTime: stamp}
}

// setDeploymentCondition stores c unless a condition of its type already has the
// same status and reason; a replaced condition keeps its transition time
// when the status is unchanged, and the new one goes last. The new list
// comes from the sync's scratch memory (see condSlice).
// upstream: util/deployment_util.go SetDeploymentCondition
func (s *syncer) setDeploymentCondition(st *Status, c Condition) {
	cur := st.Condition(c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	kept := s.condSlice(len(st.Conditions) + 1)
	for _, o := range st.Conditions {
		if o.Type != c.Type {
			kept = append(kept, o)
		}
	}
	st.Conditions = append(kept, c)
}

// removeDeploymentCondition drops the condition of type t. The result is a new
// slice (from the sync's scratch memory), or nil when no condition is
// left; when there is no condition of type t a non-empty slice is kept as
// it is (conditions are never changed in place, so sharing it is safe).
// upstream: util/deployment_util.go RemoveDeploymentCondition
func (s *syncer) removeDeploymentCondition(st *Status, t string) {
	n := 0
	for i := range st.Conditions {
		if st.Conditions[i].Type != t {
			n++
		}
	}
	switch {
	case n == 0:
		st.Conditions = nil
		return
	case n == len(st.Conditions):
		return
	}
	kept := s.condSlice(n)
	for _, c := range st.Conditions {
		if c.Type != t {
			kept = append(kept, c)
		}
	}
	st.Conditions = kept
}

// setRevision sets the working copy's revision annotation, whose value
// is current, to revision, reporting a change.
// upstream: util/deployment_util.go SetDeploymentRevision
func (s *syncer) setRevision(current, revision string) bool {
	if current == revision {
		return false
	}
	s.setAnnotation(RevisionAnnotation, revision)
	return true
}

// maxRevision returns the highest revision among rss, 0 when none has one.
// upstream: util/deployment_util.go MaxRevision
func maxRevision(rss []*replicaset.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		m = max(m, rs.Revision())
	}
	return m
}

// lastRevision returns the second-highest revision among rss.
// upstream: util/deployment_util.go LastRevision
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

// maxRevisionHistoryChars bounds the revision-history annotation.
const maxRevisionHistoryChars = 2000

// setNewReplicaSetAnnotations copies the Deployment's annotations to its current
// ReplicaSet, raises its revision to newRevision when lower (remembering
// the old number in the revision history), and, for a ReplicaSet being
// created, sets the replica annotations. It reports a change. revs holds
// the revision annotations of d and rs.
// upstream: util/deployment_util.go SetNewReplicaSetAnnotations
func setNewReplicaSetAnnotations(d *Deployment, rs *replicaset.ReplicaSet, revs revisionAnnotations, newRevision string, exists bool) bool {
	oldRevision, had := revs.rs, revs.rsHas
	var oldN int64
	if had && oldRevision != newRevision {
		n, err := strconv.ParseInt(oldRevision, 10, 64)
		if err != nil && oldRevision != "" {
			// Upstream copies the annotations onto a copy of rs, then
			// gives up on the revision and reports no change: the copy
			// is stored only if minReadySeconds changed (see
			// copyDeploymentAnnotationsToReplicaSet).
			return false
		}
		oldN = n
	}
	changed := copyDeploymentAnnotationsToReplicaSet(d, revs.dHas, rs)
	if had && oldRevision == newRevision {
		// The usual case, settled without parsing.
		if !exists && setReplicasAnnotations(rs, d.DesiredReplicas(), d.DesiredReplicas()+MaxSurge(d)) {
			changed = true
		}
		return changed
	}
	newN, _ := strconv.ParseInt(newRevision, 10, 64)
	if oldN < newN {
		rs.SetAnnotation(RevisionAnnotation, newRevision)
		changed = true
		if had {
			appendRevisionHistory(rs, oldRevision)
		}
	}
	if !exists && setReplicasAnnotations(rs, d.DesiredReplicas(), d.DesiredReplicas()+MaxSurge(d)) {
		changed = true
	}
	return changed
}

// appendRevisionHistory adds oldRevision to rs's revision history,
// dropping the oldest entries that would take it past its bound.
func appendRevisionHistory(rs *replicaset.ReplicaSet, oldRevision string) {
	hist := rs.Annotations[RevisionHistoryAnnotation]
	if hist == "" {
		rs.SetAnnotation(RevisionHistoryAnnotation, oldRevision)
		return
	}
	parts := strings.Split(hist, ",")
	total := len(hist) + len(oldRevision) + 1
	start := 0
	for total > maxRevisionHistoryChars && start < len(parts) {
		total -= len(parts[start]) + 1
		start++
	}
	if total <= maxRevisionHistoryChars {
		rs.SetAnnotation(RevisionHistoryAnnotation, strings.Join(append(parts[start:], oldRevision), ","))
	}
}

// skipCopyAnnotation reports the Deployment annotations never copied to a
// ReplicaSet (a switch: every sync asks it of every annotation).
// upstream: util/deployment_util.go skipCopyAnnotation
func skipCopyAnnotation(k string) bool {
	switch k {
	case LastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation,
		DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation:
		return true
	}
	return false
}

// copyDeploymentAnnotationsToReplicaSet copies the Deployment's annotations, but those that
// stay on it (skipCopyAnnotation), to rs, reporting a change; hasRevision tells
// whether d carries a revision annotation.
// upstream: util/deployment_util.go copyDeploymentAnnotationsToReplicaSet
func copyDeploymentAnnotationsToReplicaSet(d *Deployment, hasRevision bool, rs *replicaset.ReplicaSet) bool {
	// Most Deployments carry only their revision, which stays: then
	// there is nothing to copy, and no map to walk.
	n := len(d.Annotations)
	if hasRevision {
		n--
	}
	if n == 0 {
		return false
	}
	changed := false
	for k, v := range d.Annotations {
		if skipCopyAnnotation(k) {
			continue
		}
		if cur, ok := rs.Annotations[k]; ok && cur == v {
			continue
		}
		rs.SetAnnotation(k, v)
		changed = true
	}
	return changed
}

// SetAnnotationsFrom replaces d's annotations by rs's, keeping d's own
// values of the annotations never copied between the two (revision
// bookkeeping, last-applied configuration, rollback): what a rollback to rs
// does to a Deployment's annotations.
// upstream: util/deployment_util.go SetDeploymentAnnotationsTo
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

// findActiveOrLatest returns the only active ReplicaSet, or when none is
// active the new one or else the newest old one; nil when several are
// active. It sorts old newest first, as upstream does.
// upstream: util/deployment_util.go FindActiveOrLatest
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

// getNonNegativeInt32FromAnnotation reads an annotation as strconv.ParseUint(v, 10,
// 32) would, and reports whether it holds an int32; parsed by hand, as
// every sync asks it of every active ReplicaSet.
// upstream: util/deployment_util.go getNonNegativeInt32FromAnnotation
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

// setReplicasAnnotations records the desired and maximum replicas on rs,
// reporting a change.
// upstream: util/deployment_util.go SetReplicasAnnotations
func setReplicasAnnotations(rs *replicaset.ReplicaSet, desired, maxReplicas int32) bool {
	changed := false
	if !annotationIs(rs, DesiredReplicasAnnotation, desired) {
		rs.SetAnnotation(DesiredReplicasAnnotation, strconv.Itoa(int(desired)))
		changed = true
	}
	if !annotationIs(rs, MaxReplicasAnnotation, maxReplicas) {
		rs.SetAnnotation(MaxReplicasAnnotation, strconv.Itoa(int(maxReplicas)))
		changed = true
	}
	return changed
}

// replicasAnnotationsNeedUpdate reports whether rs records other desired
// or maximum replicas than given.
// upstream: util/deployment_util.go ReplicasAnnotationsNeedUpdate
func replicasAnnotationsNeedUpdate(rs *replicaset.ReplicaSet, desired, maxReplicas int32) bool {
	return !annotationIs(rs, DesiredReplicasAnnotation, desired) || !annotationIs(rs, MaxReplicasAnnotation, maxReplicas)
}

// annotationIs reports whether rs's annotation key is present and reads
// n in decimal, without building the string: it is asked at every scale.
func annotationIs(rs *replicaset.ReplicaSet, key string, n int32) bool {
	v, ok := rs.Annotations[key]
	var buf [16]byte
	return ok && v == string(strconv.AppendInt(buf[:0], int64(n), 10))
}

// MaxUnavailable returns how many of the desired pods may be unavailable:
// 0 unless the strategy is RollingUpdate or when replicas is 0, and never
// more than replicas.
// upstream: util/deployment_util.go MaxUnavailable
func MaxUnavailable(d *Deployment) int32 {
	replicas := d.DesiredReplicas()
	if d.Spec.Strategy.Type != RollingUpdate || replicas == 0 {
		return 0
	}
	_, u := Fenceposts(d)
	return min(u, replicas)
}

// MaxSurge returns how many pods may exist above the desired count: 0
// unless the strategy is RollingUpdate.
// upstream: util/deployment_util.go MaxSurge
func MaxSurge(d *Deployment) int32 {
	if d.Spec.Strategy.Type != RollingUpdate {
		return 0
	}
	s, _ := Fenceposts(d)
	return s
}

// getReplicaSetProportion is how many of toAdd (less what was added already) rs takes.
// upstream: util/deployment_util.go GetReplicaSetProportion
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
// upstream: util/deployment_util.go getReplicaSetFraction
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

// findNewReplicaSet returns the oldest ReplicaSet whose template matches the
// Deployment's; rsList must be sorted oldest first.
// upstream: util/deployment_util.go FindNewReplicaSet
func findNewReplicaSet(d *Deployment, rsList []*replicaset.ReplicaSet) *replicaset.ReplicaSet {
	for _, rs := range rsList {
		if rs.Spec.Template.EqualIgnoringHash(&d.Spec.Template) {
			return rs
		}
	}
	return nil
}

// findOldReplicaSets returns the current ReplicaSet (or nil) and all the
// others, oldest first.
// upstream: util/deployment_util.go FindOldReplicaSets
func (s *syncer) findOldReplicaSets(rsList []*replicaset.ReplicaSet) (*replicaset.ReplicaSet, []*replicaset.ReplicaSet) {
	newRS := s.findNewReplicaSet(rsList)
	old := s.rsSlice(len(rsList))
	for _, rs := range rsList {
		if rs != newRS {
			old = append(old, rs)
		}
	}
	return newRS, old
}

// getReplicaCountForReplicaSets sums the spec.replicas of rss.
// upstream: util/deployment_util.go GetReplicaCountForReplicaSets
func getReplicaCountForReplicaSets(rss []*replicaset.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += rs.Spec.Replicas
		}
	}
	return n
}

// filterActiveReplicaSets returns a new list of the ReplicaSets of rss
// that want pods.
// upstream: ../controller_utils.go FilterActiveReplicaSets
func filterActiveReplicaSets(rss []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	var out []*replicaset.ReplicaSet
	for _, rs := range rss {
		if rs != nil && rs.Spec.Replicas > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// slicesClip returns rss with no room to append in place, so that an
// append to it never writes into the array it shares.
func slicesClip(rss []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	return rss[:len(rss):len(rss)]
}

// Complete reports whether st shows the rollout of d finished: every
// desired pod updated and available, no old pod left, and the current
// generation observed.
// upstream: util/deployment_util.go DeploymentComplete
func Complete(d *Deployment, st *Status) bool {
	r := d.DesiredReplicas()
	return st.UpdatedReplicas == r && st.Replicas == r && st.AvailableReplicas == r && st.ObservedGeneration >= d.Generation
}

// deploymentProgressing reports whether st shows progress over d's stored status.
// upstream: util/deployment_util.go DeploymentProgressing
func deploymentProgressing(d *Deployment, st *Status) bool {
	old := &d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas ||
		st.AvailableReplicas > old.AvailableReplicas
}

// deploymentTimedOut reports whether the Progressing condition in st says the
// rollout missed its deadline at now: it already says so, or its last
// update lies more than progressDeadlineSeconds before now.
// upstream: util/deployment_util.go DeploymentTimedOut
func deploymentTimedOut(d *Deployment, st *Status, now time.Time) bool {
	if !HasProgressDeadline(d) {
		return false
	}
	c := st.Condition(Progressing)
	if c == nil || c.Reason == ReasonNewRSAvailable {
		return false
	}
	if c.Reason == ReasonTimedOut {
		return true
	}
	return c.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Before(now)
}

// newRSNewReplicas is the size the current ReplicaSet may grow to now.
// upstream: util/deployment_util.go NewRSNewReplicas
func newRSNewReplicas(d *Deployment, all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) (int32, error) {
	replicas := d.DesiredReplicas()
	switch d.Spec.Strategy.Type {
	case RollingUpdate:
		surge, err := d.Spec.Strategy.RollingUpdate.MaxSurge.Scaled(replicas, true)
		if err != nil {
			return 0, err
		}
		current := getReplicaCountForReplicaSets(all)
		maxTotal := replicas + surge
		if current >= maxTotal {
			return newRS.Spec.Replicas, nil
		}
		up := min(maxTotal-current, replicas-newRS.Spec.Replicas)
		return newRS.Spec.Replicas + up, nil
	case Recreate:
		return replicas, nil
	}
	return 0, fmt.Errorf("deployment type %v isn't supported", d.Spec.Strategy.Type)
}

// isSaturated reports whether the new ReplicaSet alone runs every desired
// pod, all available.
// upstream: util/deployment_util.go IsSaturated
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

// Fenceposts resolves maxSurge and maxUnavailable against the desired
// replicas: surge rounds up, unavailable rounds down, and when both come
// to 0 unavailable becomes 1.
// upstream: util/deployment_util.go ResolveFenceposts
func Fenceposts(d *Deployment) (surge, unavailable int32) {
	ru := d.Spec.Strategy.RollingUpdate
	if ru == nil {
		return 0, 1
	}
	replicas := d.DesiredReplicas()
	surge, _ = ru.MaxSurge.Scaled(replicas, true)
	unavailable, _ = ru.MaxUnavailable.Scaled(replicas, false)
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable
}

// HasProgressDeadline reports whether a progress deadline is in force.
// upstream: util/deployment_util.go HasProgressDeadline
func HasProgressDeadline(d *Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != NoLimit
}

// HasRevisionHistoryLimit reports whether old ReplicaSets are cleaned up.
// upstream: util/deployment_util.go HasRevisionHistoryLimit
func HasRevisionHistoryLimit(d *Deployment) bool {
	return d.Spec.RevisionHistoryLimit != nil && *d.Spec.RevisionHistoryLimit != NoLimit
}
