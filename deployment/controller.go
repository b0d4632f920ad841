package deployment

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// Env is what the controller needs from the cluster that runs it.
type Env interface {
	// Now returns the fake clock's time.
	Now() time.Time
	// ReplicaSets returns the ReplicaSets d owns, in any order. The
	// controller neither changes the slice nor keeps it past the sync.
	ReplicaSets(d *Deployment) []*replicaset.ReplicaSet
	// CreateReplicaSet stores a new ReplicaSet (its metadata completed by
	// the cluster). It fails with *meta.AlreadyExistsError when the name
	// is taken.
	CreateReplicaSet(rs *replicaset.ReplicaSet) error
	// GetReplicaSet returns the ReplicaSet of that namespace and name, or nil.
	GetReplicaSet(namespace, name string) *replicaset.ReplicaSet
	// UpdateReplicaSet records a change the controller made to rs in place;
	// specChanged tells whether its spec changed (which bumps generation).
	UpdateReplicaSet(rs *replicaset.ReplicaSet, specChanged bool)
	// DeleteReplicaSet removes rs.
	DeleteReplicaSet(rs *replicaset.ReplicaSet)
	// UpdateDeploymentStatus stores d's status and annotations. The
	// controller passes a Deployment that carries only those and its
	// identity (name, namespace, uid); it reuses d and its conditions'
	// memory once the call returns, so what is kept must be copied.
	UpdateDeploymentStatus(d *Deployment)
	// UpdateDeployment stores d's metadata and spec (not its status).
	UpdateDeployment(d *Deployment)
	// RequeueAt asks for d to be synced again at t. Only the earliest
	// pending request per Deployment counts.
	RequeueAt(d *Deployment, t time.Time)
	// RequeueRateLimited asks for d to be synced again as soon as the
	// controller's rate limiter allows (upstream's AddRateLimited).
	RequeueRateLimited(d *Deployment)
	// Event records an event about an object.
	Event(obj *meta.ObjectMeta, kind, typ, reason, message string)
}

// ErrConflict is returned by Sync when a sync wrote the Deployment once and
// then tried again from its now stale copy: the API server rejects such a
// second write, and the sync is retried later, as upstream's are.
var ErrConflict = errors.New("the object has been modified; please apply your changes to the latest version and try again")

// syncer holds one sync of one Deployment: a working copy of it, and
// whether that copy has already been written.
type syncer struct {
	env Env
	now time.Time
	// stamp is now to the second, as condition times are stored.
	stamp time.Time
	// stored is the Deployment as the Env holds it, and memo what the
	// Controller remembers of it (nil when it keeps nothing).
	stored *Deployment
	memo   *newRSMemo
	d      *Deployment
	wrote  bool
	// ownAnnotations is set once d.Annotations is the working copy's own
	// map rather than the stored Deployment's.
	ownAnnotations bool
	copy           Deployment
	// scratch backs the short ReplicaSet lists a sync builds (see
	// rsSlice); used counts what is handed out.
	scratch [96]*replicaset.ReplicaSet
	used    int
	// conds backs the condition lists a sync builds (see condSlice), and
	// status is the Deployment a status write hands to the Env: the Env
	// copies what it keeps, so neither outlives the sync.
	conds     [12]Condition
	condsUsed int
	status    Deployment
	// changes counts what this sync stored (status and spec writes,
	// ReplicaSet updates found necessary by getNewReplicaSet); split
	// holds a split of the ReplicaSets that stored nothing, which a
	// later identical split may reuse (see rolloutRolling).
	changes int
	split   struct {
		ok    bool
		newRS *replicaset.ReplicaSet
		old   []*replicaset.ReplicaSet
	}
}

// rsSlice returns an empty slice with room for n ReplicaSets, from the
// syncer's scratch array while it lasts. The slices it hands out never
// overlap, and each is clipped, so appending past n reallocates.
func (s *syncer) rsSlice(n int) []*replicaset.ReplicaSet {
	if s.used+n <= len(s.scratch) {
		b := s.scratch[s.used : s.used : s.used+n]
		s.used += n
		return b
	}
	return make([]*replicaset.ReplicaSet, 0, n)
}

// condSlice returns an empty slice with room for n conditions, from the
// syncer's scratch array while it lasts; like rsSlice, the slices never
// overlap and are clipped.
func (s *syncer) condSlice(n int) []Condition {
	if s.condsUsed+n <= len(s.conds) {
		b := s.conds[s.condsUsed : s.condsUsed : s.condsUsed+n]
		s.condsUsed += n
		return b
	}
	return make([]Condition, 0, n)
}

// with returns a new list of rss followed by rs.
func (s *syncer) with(rss []*replicaset.ReplicaSet, rs *replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	return append(append(s.rsSlice(len(rss)+1), rss...), rs)
}

// active returns a new list of the ReplicaSets of rss that want pods, or
// nil when none does.
func (s *syncer) filterActiveReplicaSets(rss []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	n := 0
	for _, rs := range rss {
		if rs != nil && rs.Spec.Replicas > 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := s.rsSlice(n)
	for _, rs := range rss {
		if rs != nil && rs.Spec.Replicas > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// Sync reconciles one Deployment once, as upstream's syncDeployment does,
// writing what it changes (ReplicaSets, the Deployment, events) through
// env. stored is the Deployment as the cluster holds it; the sync works on
// a copy. ErrConflict means the sync stopped part way and should be run
// again.
func Sync(env Env, stored *Deployment) (err error) {
	var c Controller
	return c.Sync(env, stored)
}

// Controller runs Syncs one after another, reusing its working memory: a
// caller that syncs many times (a cluster) saves an allocation per sync.
// The zero Controller is ready to use; it is not safe for concurrent use.
type Controller struct {
	// RememberNewReplicaSet tells that the Env never changes a
	// ReplicaSet's template, creation time or creation index once
	// created, never reuses a ReplicaSet (a pointer) for another object,
	// gives a ReplicaSet a new ResourceVersion at every write, and bumps
	// a Deployment's generation at every change to its spec, as the
	// cluster does. The Controller then remembers, for each Deployment,
	// its ReplicaSets in creation order, sorting again only when the
	// Env's list changes; which of them matched its template, comparing
	// templates again only when the generation or the list changed; and
	// each ReplicaSet's revision, reading it again only after a write.
	RememberNewReplicaSet bool

	s     syncer
	memos map[*Deployment]*newRSMemo
}

// Sync is the package's Sync, run in c's working memory.
func (c *Controller) Sync(env Env, stored *Deployment) error {
	s := &c.s
	// The syncs of one instant share their stamp (the zero Controller's
	// zero stamp is the zero time's own).
	if now := env.Now(); now != s.now {
		s.now, s.stamp = now, now.Truncate(time.Second)
	}
	// Field by field rather than a fresh syncer: zeroing the scratch
	// arrays would cost more than a small sync. What they still point to
	// is overwritten before it is read.
	s.env = env
	s.wrote, s.ownAnnotations = false, false
	s.used, s.condsUsed, s.changes = 0, 0, 0
	s.split.ok, s.split.newRS, s.split.old = false, nil, nil
	s.stored, s.memo = stored, nil
	if c.RememberNewReplicaSet {
		s.memo = c.memo(stored)
	}
	s.copy = workingCopy(stored)
	s.d = &s.copy
	err := s.syncDeployment()
	s.env, s.stored, s.memo = nil, nil, nil
	return err
}

// workingCopy is a copy of stored that a sync may change without touching
// stored, made without a deep copy: the sync replaces fields of its copy
// but never changes in place what it shares with stored. It builds new
// condition slices (a clipped slice makes even an append reallocate),
// clones the template and selector before changing them, gives the copy a
// new collision count instead of incrementing the shared one, and copies
// the annotations before its first change to them (setAnnotation,
// deleteAnnotation).
func workingCopy(stored *Deployment) Deployment {
	d := *stored
	d.Status.Conditions = slices.Clip(d.Status.Conditions)
	return d
}

// setAnnotation sets an annotation of the working copy.
func (s *syncer) setAnnotation(key, value string) {
	s.ownAnnotationMap()
	s.d.SetAnnotation(key, value)
}

// deleteAnnotation removes an annotation of the working copy.
func (s *syncer) deleteAnnotation(key string) {
	s.ownAnnotationMap()
	delete(s.d.Annotations, key)
}

func (s *syncer) ownAnnotationMap() {
	if !s.ownAnnotations {
		s.d.Annotations = maps.Clone(s.d.Annotations)
		s.ownAnnotations = true
	}
}

func (s *syncer) syncDeployment() error {
	d := s.d
	if d.Spec.Selector.Empty() {
		s.env.Event(&d.ObjectMeta, "Deployment", "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			return s.write()
		}
		return nil
	}
	rsList := s.getReplicaSetsForDeployment()
	if err := s.checkPausedConditions(); err != nil {
		return err
	}
	if d.Spec.Paused {
		return s.sync(rsList)
	}
	if getRollbackTo(d) != nil {
		return s.rollback(rsList)
	}
	scaling, err := s.isScalingEvent(rsList)
	if err != nil {
		return err
	}
	if scaling {
		return s.sync(rsList)
	}
	if d.Spec.Strategy.Type == Recreate {
		return s.rolloutRecreate(rsList)
	}
	return s.rolloutRolling(rsList)
}

// getReplicaSetsForDeployment returns the ReplicaSets the Deployment
// owns, oldest first.
func (s *syncer) getReplicaSetsForDeployment() []*replicaset.ReplicaSet {
	return s.sortedReplicaSets(s.env.ReplicaSets(s.d))
}

// write stores the working copy's status and annotations; a second write
// of the Deployment in one sync is a conflict.
func (s *syncer) write() error {
	if s.wrote {
		return ErrConflict
	}
	s.wrote = true
	s.changes++
	// The Env stores a Deployment's status and annotations only: hand it
	// those with the object's identity, so that what it copies is small.
	d := s.d
	s.status = Deployment{
		ObjectMeta: meta.ObjectMeta{Name: d.Name, Namespace: d.Namespace, UID: d.UID, Annotations: d.Annotations},
		Status:     d.Status,
	}
	s.env.UpdateDeploymentStatus(&s.status)
	return nil
}

// writeSpec stores the working copy's metadata and spec.
func (s *syncer) writeSpec() error {
	if s.wrote {
		return ErrConflict
	}
	s.wrote = true
	s.changes++
	s.env.UpdateDeployment(s.d)
	return nil
}

func sortByCreation(rss []*replicaset.ReplicaSet) {
	slices.SortFunc(rss, func(a, b *replicaset.ReplicaSet) int { return olderFirst(&a.ObjectMeta, &b.ObjectMeta) })
}

func olderFirst(a, b *meta.ObjectMeta) int {
	// NewerThan's order, in one comparison of the creation times.
	if c := a.CreationTimestamp.Compare(b.CreationTimestamp); c != 0 {
		return c
	}
	return cmp.Compare(a.CreationIndex, b.CreationIndex)
}

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

// findNewReplicaSet returns the oldest ReplicaSet whose template matches the
// Deployment's; rsList must be sorted oldest first.
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

func maxRevision(rss []*replicaset.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		m = max(m, rs.Revision())
	}
	return m
}

// getAllReplicaSetsAndSyncRevision finds the current ReplicaSet, creating it when create
// is set, and brings revision numbers up to date.
func (s *syncer) getAllReplicaSetsAndSyncRevision(rsList []*replicaset.ReplicaSet, create bool) (*replicaset.ReplicaSet, []*replicaset.ReplicaSet, error) {
	newRS, old := s.findOldReplicaSets(rsList)
	newRS, err := s.getNewReplicaSet(newRS, old, create)
	return newRS, old, err
}

func (s *syncer) getNewReplicaSet(existing *replicaset.ReplicaSet, old []*replicaset.ReplicaSet, create bool) (*replicaset.ReplicaSet, error) {
	d := s.d
	newRevision := strconv.FormatInt(s.maxRevision(old)+1, 10)
	var revs revisionAnnotations
	revs.d, revs.dHas = d.Annotations[RevisionAnnotation]
	if existing != nil {
		revs.rs, revs.rsHas = existing.Annotations[RevisionAnnotation]
		annotationsChanged := setNewReplicaSetAnnotations(d, existing, revs, newRevision, true)
		minReadyChanged := existing.Spec.MinReadySeconds != d.Spec.MinReadySeconds
		if minReadyChanged && !annotationsChanged {
			// Upstream stores its annotated copy of the ReplicaSet here,
			// with the annotations it copied before giving up on a
			// revision that does not parse (when the revision parses and
			// nothing changed, copying changes nothing).
			copyDeploymentAnnotationsToReplicaSet(d, revs.dHas, existing)
		}
		if annotationsChanged || minReadyChanged {
			existing.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			s.changes++
			s.env.UpdateReplicaSet(existing, minReadyChanged)
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

// TemplateHashLabel is the label that tells a Deployment's ReplicaSets apart.
const TemplateHashLabel = "pod-template-hash"

// generateReplicaSetName joins the Deployment's name and the hash, cutting the
// name so that the whole stays within 253 characters.
func generateReplicaSetName(name, hash string) string {
	if limit := 253 - 1 - len(hash); len(name) > limit && limit > 0 {
		name = name[:limit]
	}
	return name + "-" + hash
}

func (s *syncer) event(typ, reason, message string) {
	s.env.Event(&s.d.ObjectMeta, "Deployment", typ, reason, message)
}

// revisionAnnotations are the revision annotations getNewReplicaSet
// compares, each read once: the Deployment's and, when it exists, its
// current ReplicaSet's.
type revisionAnnotations struct {
	d, rs       string
	dHas, rsHas bool
}

// setRevision sets the working copy's revision annotation, whose value
// is current, to revision, reporting a change.
func (s *syncer) setRevision(current, revision string) bool {
	if current == revision {
		return false
	}
	s.setAnnotation(RevisionAnnotation, revision)
	return true
}

// skipCopyAnnotation reports the Deployment annotations never copied to a
// ReplicaSet (a switch: every sync asks it of every annotation).
func skipCopyAnnotation(k string) bool {
	switch k {
	case LastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation,
		DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation:
		return true
	}
	return false
}

// maxRevisionHistoryChars bounds the revision-history annotation.
const maxRevisionHistoryChars = 2000

// setNewReplicaSetAnnotations copies the Deployment's annotations to its current
// ReplicaSet, raises its revision to newRevision when lower (remembering
// the old number in the revision history), and, for a ReplicaSet being
// created, sets the replica annotations. It reports a change. revs holds
// the revision annotations of d and rs.
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

// copyDeploymentAnnotationsToReplicaSet copies the Deployment's annotations, but those that
// stay on it (skipCopyAnnotation), to rs, reporting a change; hasRevision tells
// whether d carries a revision annotation.
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

// setReplicasAnnotations records the desired and maximum replicas on rs,
// reporting a change.
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

// newRSNewReplicas is the size the current ReplicaSet may grow to now.
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

func getReplicaCountForReplicaSets(rss []*replicaset.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += rs.Spec.Replicas
		}
	}
	return n
}

func filterActiveReplicaSets(rss []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	var out []*replicaset.ReplicaSet
	for _, rs := range rss {
		if rs != nil && rs.Spec.Replicas > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// scaleReplicaSetAndRecordEvent resizes rs to size unless it has that
// size already, reporting whether it resized it.
func (s *syncer) scaleReplicaSetAndRecordEvent(rs *replicaset.ReplicaSet, size int32) bool {
	if rs.Spec.Replicas == size {
		return false
	}
	return s.scaleReplicaSet(rs, size, false)
}

// scaleReplicaSet sets rs's size (and, when forced or resized, its replica
// annotations), emitting ScalingReplicaSet when the size changes. It
// reports whether the size changed.
func (s *syncer) scaleReplicaSet(rs *replicaset.ReplicaSet, size int32, force bool) bool {
	d := s.d
	if !force && rs.Spec.Replicas == size {
		return false
	}
	resize := rs.Spec.Replicas != size
	desired, maxReplicas := d.DesiredReplicas(), d.DesiredReplicas()+MaxSurge(d)
	if !resize && !replicasAnnotationsNeedUpdate(rs, desired, maxReplicas) {
		return false
	}
	from := rs.Spec.Replicas
	rs.Spec.Replicas = size
	setReplicasAnnotations(rs, desired, maxReplicas)
	s.env.UpdateReplicaSet(rs, resize)
	if resize {
		s.event("Normal", "ScalingReplicaSet", scaledMessage(rs.Name, from, size))
	}
	return resize
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
