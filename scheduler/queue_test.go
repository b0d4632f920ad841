package scheduler

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/pod"
)

// fakeQueue binds as the cluster does and records the scheduler's calls.
type fakeQueue struct {
	s      *Scheduler
	gone   map[*pod.Pod]bool
	bound  []string
	unfits []string
}

func (q *fakeQueue) Waiting(p *pod.Pod) bool { return !q.gone[p] }

func (q *fakeQueue) Bind(p *pod.Pod, node string) {
	q.s.Bound(p, "owner", node, true)
	p.Bound = true
	q.bound = append(q.bound, p.Name+"@"+node)
}

func (q *fakeQueue) Unschedulable(p *pod.Pod, why string) {
	q.unfits = append(q.unfits, p.Name+": "+why)
}

func named(name string) *pod.Pod {
	p := podRequesting(0, 0)
	p.Name = name
	return p
}

func TestQueueWaitsForRoom(t *testing.T) {
	s := New()
	s.Apply(NewNode("a", 1000, 1<<30, 1))
	q := &fakeQueue{s: s, gone: map[*pod.Pod]bool{}}

	first, second, third := named("p1"), named("p2"), named("p3")
	node, _ := s.Place(first)
	require.Equal(t, "a", node)
	s.Bound(first, "owner", node, false)
	first.Bound = true
	for _, p := range []*pod.Pod{second, third} {
		node, why := s.Place(p)
		require.Empty(t, node)
		assert.Equal(t, "0/1 nodes are available: 1 Too many pods.", why)
		s.Wait(p, "owner")
	}
	assert.Equal(t, 2, s.PendingPods())
	assert.Equal(t, map[string]int{"a": 1, "": 2}, s.Colocation("owner"))

	// Nothing changed: no retry.
	s.Retry(q)
	assert.Empty(t, q.unfits)

	// The bound pod goes: its room is free, and the oldest waiting pod
	// takes it; the pod deleted while it waited is dropped.
	q.gone[second] = true
	s.Gone(second, "owner")
	s.Gone(first, "owner")
	s.Retry(q)
	assert.Equal(t, []string{"p3@a"}, q.bound)
	assert.Zero(t, s.PendingPods())
	assert.Equal(t, []*pod.Pod{third}, s.PodsOn("a"))
	assert.Equal(t, map[string]int{"a": 1}, s.Colocation("owner"))

	// A Terminating pod leaves its owner's count but keeps its room.
	third.DeletionDeadline = third.BoundAt.Add(1)
	s.Terminating(third, "owner")
	assert.Empty(t, s.Colocation("owner"))
	_, used, _ := s.Node("a")
	assert.Equal(t, int64(1), used.Pods)
}
