package deployment

import "github.com/rollsim/rollsim/replicaset"

// newRSMemo remembers which of a Deployment's ReplicaSets matched its
// template. A ReplicaSet's template never changes once it is created, and
// the Deployment's changes only with its generation, so while the
// generation and the list of ReplicaSets are the same so is the answer.
type newRSMemo struct {
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

// maxMemos bounds the remembered answers; past it they are all forgotten
// (a miss only costs the comparisons).
const maxMemos = 64

// findNew returns the oldest ReplicaSet of rsList (sorted oldest first)
// whose template matches the Deployment's, remembering the answer when
// the Controller keeps memos.
func (s *syncer) findNew(rsList []*replicaset.ReplicaSet) *replicaset.ReplicaSet {
	if s.memos == nil {
		return findNew(s.d, rsList)
	}
	m := s.memos[s.stored]
	if m != nil && m.generation == s.d.Generation && sameList(m.rss, rsList) {
		return m.newRS
	}
	if m == nil {
		if len(s.memos) >= maxMemos {
			clear(s.memos)
		}
		m = &newRSMemo{}
		s.memos[s.stored] = m
	}
	m.generation, m.rss, m.newRS = s.d.Generation, append(m.rss[:0], rsList...), findNew(s.d, rsList)
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
	m := s.memos[s.stored]
	if s.memos == nil || m == nil {
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
