package scheduler

import (
	"cmp"
	"slices"

	"github.com/rollsim/rollsim/pod"
)

// The scheduler's queue: the pods that wait for room, oldest first, where
// each bound pod runs, and how many active pods of each owner (a
// Deployment, or a ReplicaSet of its own) are on each node, which the
// ReplicaSet controller's deletion ranking reads. Owners are named by UID.

// Queue is what the cluster needs of the scheduler beyond placement: its
// callbacks into the cluster when it retries the waiting pods.
type Queue interface {
	// Waiting reports whether a pod still waits: it is stored and unbound.
	Waiting(p *pod.Pod) bool
	// Bind binds p, which waited, to node, which Place has chosen and
	// accounted p to.
	Bind(p *pod.Pod, node string)
	// Unschedulable tells that p still fits nowhere, and why.
	Unschedulable(p *pod.Pod, why string)
}

// Wait queues a pod no node can take yet.
func (s *Scheduler) Wait(p *pod.Pod, owner string) {
	s.colocate(owner, "", 1)
	s.pendingCount++
	s.pending = append(s.pending, p)
}

// Bound records that p, of owner, runs on node; a pod that waited leaves
// its owner's count of waiting pods. It sets p.NodeName.
func (s *Scheduler) Bound(p *pod.Pod, owner, node string, waited bool) {
	if waited {
		s.colocate(owner, "", -1)
	}
	p.NodeName = node
	s.colocate(owner, node, 1)
	set := s.onNode[node]
	if set == nil {
		set = map[*pod.Pod]struct{}{}
		s.onNode[node] = set
	}
	set[p] = struct{}{}
}

// Terminating takes a deleted pod, still on its node, out of its owner's
// count of active pods there.
func (s *Scheduler) Terminating(p *pod.Pod, owner string) { s.colocate(owner, p.NodeName, -1) }

// Gone forgets a removed pod: it no longer waits, or its node's room is
// free again.
func (s *Scheduler) Gone(p *pod.Pod, owner string) {
	switch {
	case !p.Bound:
		s.pendingCount--
		s.colocate(owner, "", -1)
	case p.NodeName != "":
		if !p.Terminating() { // a terminating pod left the count when deleted
			s.colocate(owner, p.NodeName, -1)
		}
		s.Release(p, p.NodeName)
		delete(s.onNode[p.NodeName], p)
		s.roomChanged = true
	}
}

// RoomChanged notes that room may have appeared (a node added,
// uncordoned or changed), so that the waiting pods are tried again.
func (s *Scheduler) RoomChanged() { s.roomChanged = true }

// Retry tries the waiting pods again, oldest first, when room may have
// appeared since they were last tried.
func (s *Scheduler) Retry(q Queue) {
	if !s.roomChanged || s.pendingCount == 0 {
		s.roomChanged = false
		return
	}
	s.roomChanged = false
	keep := s.pending[:0]
	for _, p := range s.pending {
		if p.Bound || !q.Waiting(p) {
			continue
		}
		node, why := s.Place(p)
		if node == "" {
			q.Unschedulable(p, why)
			keep = append(keep, p)
			continue
		}
		s.pendingCount--
		q.Bind(p, node)
	}
	clear(s.pending[len(keep):])
	s.pending = keep
}

// PendingPods returns the number of pods waiting for room.
func (s *Scheduler) PendingPods() int { return s.pendingCount }

// PodsOn returns the pods bound to a node, by name.
func (s *Scheduler) PodsOn(node string) []*pod.Pod {
	var out []*pod.Pod
	for p := range s.onNode[node] {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *pod.Pod) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Colocation returns how many active pods of owner each node holds, for
// the ReplicaSet controller's deletion ranking. The map is the
// scheduler's: read it before the next binding.
func (s *Scheduler) Colocation(owner string) map[string]int {
	return s.colo[owner]
}

func (s *Scheduler) colocate(owner, node string, delta int) {
	if owner == "" {
		return
	}
	m := s.colo[owner]
	if m == nil {
		m = map[string]int{}
		s.colo[owner] = m
	}
	m[node] += delta
	if m[node] == 0 {
		delete(m, node)
		if len(m) == 0 {
			delete(s.colo, owner)
		}
	}
}
