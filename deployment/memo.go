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
	return m.newRS
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
