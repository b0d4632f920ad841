package scheduler

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/pod"
)

func podRequesting(milliCPU, memory int64) *pod.Pod {
	return &pod.Pod{Spec: &pod.Spec{Containers: []pod.Container{{Name: "c", Image: "i", Requests: pod.Resources{MilliCPU: milliCPU, Memory: memory}}}}}
}

func TestPlaceLeastRequestedThenByName(t *testing.T) {
	s := New()
	assert.False(t, s.HasNodes())
	for _, n := range []*Node{NewNode("b", 2000, 4<<30, 10), NewNode("a", 2000, 4<<30, 10), NewNode("c", 4000, 8<<30, 20)} {
		assert.Equal(t, "created", s.Apply(n))
	}
	assert.Equal(t, []string{"a", "b", "c"}, s.Names())

	// All empty: a tie, the first name wins.
	node, why := s.Place(podRequesting(500, 1<<30))
	assert.Equal(t, "a", node)
	assert.Empty(t, why)
	// a is now partly used; b and c are empty: b sorts first.
	node, _ = s.Place(podRequesting(500, 1<<30))
	assert.Equal(t, "b", node)
	// c, twice the size, has the lowest share now.
	node, _ = s.Place(podRequesting(500, 1<<30))
	assert.Equal(t, "c", node)
	_, used, ok := s.Node("c")
	require.True(t, ok)
	assert.Equal(t, Usage{Requests: pod.Resources{MilliCPU: 500, Memory: 1 << 30}, Pods: 1}, used)

	s.Release(podRequesting(500, 1<<30), "c")
	_, used, _ = s.Node("c")
	assert.Equal(t, Usage{}, used)
}

func TestPlaceFailsWithUpstreamsReasons(t *testing.T) {
	s := New()
	s.Apply(NewNode("a", 1000, 1<<30, 1))
	s.Apply(NewNode("b", 1000, 1<<30, 5))
	s.Apply(NewNode("c", 3000, 1<<30, 5))
	changed, ok := s.SetUnschedulable("c", true)
	assert.True(t, changed)
	assert.True(t, ok)

	node, why := s.Place(podRequesting(2000, 2<<30))
	assert.Empty(t, node)
	assert.Equal(t, "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu, 2 Insufficient memory.", why)

	_, ok = s.SetUnschedulable("nope", true)
	assert.False(t, ok)
}

func TestUnlistedResourcesDoNotLimit(t *testing.T) {
	s := New()
	slots := int64(1)
	n := &Node{Allocatable: Allocatable{Pods: &slots}}
	n.Name = "x"
	s.Apply(n)
	node, why := s.Place(podRequesting(64000, 1<<40))
	assert.Equal(t, "x", node, "cpu and memory are not listed: %s", why)
	_, why = s.Place(podRequesting(0, 0))
	assert.Equal(t, "0/1 nodes are available: 1 Too many pods.", why)
}

func TestApplyKeepsUsageAndReportsChange(t *testing.T) {
	s := New()
	s.Apply(NewNode("a", 1000, 1<<30, 2))
	s.Place(podRequesting(100, 0))
	assert.Equal(t, "unchanged", s.Apply(NewNode("a", 1000, 1<<30, 2)))
	assert.Equal(t, "configured", s.Apply(NewNode("a", 2000, 1<<30, 2)))
	labelled := NewNode("a", 2000, 1<<30, 2)
	labelled.Labels = map[string]string{"disk": "ssd"}
	assert.Equal(t, "configured", s.Apply(labelled), "a label change is a change")
	_, used, _ := s.Node("a")
	assert.EqualValues(t, 1, used.Pods)
	assert.True(t, s.Remove("a"))
	assert.False(t, s.Remove("a"))
	assert.False(t, s.HasNodes())
}
