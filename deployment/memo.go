package deployment

import "github.com/rollsim/rollsim/replicaset"

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
