package deployment

import (
	"maps"
	"slices"

	"github.com/rollsim/rollsim/replicaset"
)

// speedups is the seam between the controller's logic, named and shaped
// as upstream's, and what makes it cheap. Upstream deep-copies the
// Deployment, builds new lists and sorts and compares the ReplicaSets at
// every sync; a syncer instead works on a shallow copy that copies only
// what it changes, hands out lists from scratch arrays, and, when its
// Controller remembers (RememberNewReplicaSet), reuses what it found in
// earlier syncs while nothing it depends on changed. Each method of this
// file answers as the plain code it stands for would (fastpath_test.go
// holds the memos to that).
type speedups struct {
	// memo is what the Controller remembers of the Deployment (nil when
	// it keeps nothing).
	memo *newRSMemo
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
	// later identical search may reuse (see rememberSplit).
	changes int
	split   struct {
		ok    bool
		newRS *replicaset.ReplicaSet
		old   []*replicaset.ReplicaSet
	}
}

// rememberSplit keeps isScalingEvent's split of the ReplicaSets for the
// rollout that follows, when it found the new ReplicaSet and stored
// nothing since the sync counted before changes: the rollout's search,
// with create set, would then find the same and again store nothing.
func (s *syncer) rememberSplit(before int, newRS *replicaset.ReplicaSet, old []*replicaset.ReplicaSet) {
	if newRS != nil && s.changes == before {
		s.split.ok, s.split.newRS, s.split.old = true, newRS, old
	}
}

// getAllReplicaSetsAndSyncRevisionAgain is getAllReplicaSetsAndSyncRevision
// for a rollout, which repeats isScalingEvent's search: it answers with the
// split rememberSplit kept, if any, rather than search again.
func (s *syncer) getAllReplicaSetsAndSyncRevisionAgain(rsList []*replicaset.ReplicaSet, create bool) (*replicaset.ReplicaSet, []*replicaset.ReplicaSet, error) {
	if s.split.ok {
		return s.split.newRS, s.split.old, nil
	}
	return s.getAllReplicaSetsAndSyncRevision(rsList, create)
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

// ownAnnotationMap gives the working copy its own annotation map, once.
func (s *syncer) ownAnnotationMap() {
	if !s.ownAnnotations {
		s.d.Annotations = maps.Clone(s.d.Annotations)
		s.ownAnnotations = true
	}
}

// newRSMemo is what a Controller that remembers (RememberNewReplicaSet)
// keeps of one Deployment between syncs.
type newRSMemo struct {
	// owned and sorted are the Env's list of the Deployment's
	// ReplicaSets, as it was last given, and the same sorted oldest
	// first: a ReplicaSet's creation time and index never change, so
	// neither does the order of the same list.
	owned, sorted []*replicaset.ReplicaSet
	// newRS is which of rss matched the Deployment's template at
	// generation. A ReplicaSet's template never changes once it is
	// created, and the Deployment's changes only with its generation, so
	// while the generation and the list are the same so is the answer.
	generation int64
	rss        []*replicaset.ReplicaSet
	newRS      *replicaset.ReplicaSet
	// revisions holds the parsed revision of each ReplicaSet of rss, with
	// the ResourceVersion it was read at: a ReplicaSet's annotations
	// change only in a write, which gives it a new ResourceVersion.
	revisions []revisionAt
}

type revisionAt struct {
	rv       uint64
	revision int64
}

// maxMemos bounds the remembered Deployments; past it they are all
// forgotten (a miss only costs the comparisons).
const maxMemos = 64

// memo returns what c remembers of stored, making room for it.
func (c *Controller) memo(stored *Deployment) *newRSMemo {
	if m := c.memos[stored]; m != nil {
		return m
	}
	if c.memos == nil {
		c.memos = map[*Deployment]*newRSMemo{}
	}
	if len(c.memos) >= maxMemos {
		clear(c.memos)
	}
	m := &newRSMemo{}
	c.memos[stored] = m
	return m
}

// sortedReplicaSets returns a new list of owned, sorted oldest first,
// sorting again only when owned is not the list the memo last saw.
func (s *syncer) sortedReplicaSets(owned []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	rsList := append(s.rsSlice(len(owned)), owned...)
	m := s.memo
	if m == nil {
		sortByCreation(rsList)
		return rsList
	}
	if sameList(m.owned, owned) {
		return append(rsList[:0], m.sorted...)
	}
	sortByCreation(rsList)
	m.owned = remember(m.owned, owned)
	m.sorted = remember(m.sorted, rsList)
	return rsList
}

// findNewReplicaSet returns the oldest ReplicaSet of rsList (sorted oldest first)
// whose template matches the Deployment's, remembering the answer when
// the Controller keeps memos.
func (s *syncer) findNewReplicaSet(rsList []*replicaset.ReplicaSet) *replicaset.ReplicaSet {
	m := s.memo
	if m == nil {
		return findNewReplicaSet(s.d, rsList)
	}
	if m.rss != nil && m.generation == s.d.Generation && sameList(m.rss, rsList) {
		return m.newRS
	}
	m.generation, m.rss, m.newRS = s.d.Generation, remember(m.rss, rsList), findNewReplicaSet(s.d, rsList)
	m.revisions = m.revisions[:0]
	for range rsList {
		m.revisions = append(m.revisions, revisionAt{rv: 0, revision: -2})
	}
	return m.newRS
}

// maxRevision returns the highest revision of old, the Deployment's
// ReplicaSets other than its current one, reading each ReplicaSet's
// annotation again only when it was written since it was last read.
func (s *syncer) maxRevision(old []*replicaset.ReplicaSet) int64 {
	m := s.memo
	if m == nil || m.rss == nil {
		return maxRevision(old)
	}
	var highest int64
	j := 0
	for _, rs := range old {
		// old keeps rss's order without the current ReplicaSet.
		for j < len(m.rss) && m.rss[j] != rs {
			j++
		}
		if j == len(m.rss) {
			return maxRevision(old)
		}
		r := &m.revisions[j]
		if r.revision == -2 || r.rv != rs.ResourceVersion {
			r.rv, r.revision = rs.ResourceVersion, rs.Revision()
		}
		highest = max(highest, r.revision)
	}
	return highest
}

// remember copies list into dst's memory, dropping what dst held past it
// (a ReplicaSet deleted since is not kept alive by a memo).
func remember(dst, list []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	dst = append(dst[:0], list...)
	clear(dst[len(dst):cap(dst)])
	return dst
}

// sameList reports whether a and b hold the same ReplicaSets in the same order.
func sameList(a, b []*replicaset.ReplicaSet) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
