// Package scheduler binds pending pods to nodes. A cluster without nodes
// has unlimited room: every pod is bound at once, to no node in particular.
//
// Once a node exists, a pod goes only to a schedulable node where its
// containers' resource requests and one pod slot fit. Among the nodes that
// fit, the one whose allocatable resources are least requested wins: the
// mean, over the resources the node lists (cpu, memory, pods), of what its
// bound pods request divided by what it offers. Ties go to the node whose
// name sorts first. A pod that fits nowhere stays Pending with the reason
// upstream's scheduler gives, and is tried again when room appears.
//
// Placing one pod costs O(nodes): each node keeps the sum of its pods'
// requests up to date as pods come and go.
package scheduler

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// KubeletVersion is the version every simulated node's kubelet reports:
// the release the simulator follows.
const KubeletVersion = "v1.37.2"

// Node is a simulated node: room for pods.
type Node struct {
	meta.ObjectMeta
	// Allocatable is what pods may request on the node in total.
	Allocatable Allocatable
	// Unschedulable marks a cordoned node: no new pods are bound to it.
	Unschedulable bool
}

// Allocatable is a node's status.allocatable. A resource the node does not
// list (a nil field) neither limits pods nor counts in the node's score.
type Allocatable struct {
	// MilliCPU is CPU in thousandths of a core.
	MilliCPU *int64
	// Memory is in bytes.
	Memory *int64
	// Pods is how many pods the node takes.
	Pods *int64
}

// NewNode returns a schedulable node listing all three resources.
func NewNode(name string, milliCPU, memory, pods int64) *Node {
	return &Node{
		ObjectMeta:  meta.ObjectMeta{Name: name},
		Allocatable: Allocatable{MilliCPU: &milliCPU, Memory: &memory, Pods: &pods},
	}
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	c := *n
	c.ObjectMeta = n.ObjectMeta.Clone()
	c.Allocatable = Allocatable{MilliCPU: clone(n.Allocatable.MilliCPU), Memory: clone(n.Allocatable.Memory), Pods: clone(n.Allocatable.Pods)}
	return &c
}

func clone(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Equal reports whether a and b offer the same resources.
func (a Allocatable) Equal(b Allocatable) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.MilliCPU, b.MilliCPU) && eq(a.Memory, b.Memory) && eq(a.Pods, b.Pods)
}

// Upstream's reasons for a node that cannot take a pod.
const (
	ReasonUnschedulable = "node(s) were unschedulable"
	ReasonTooManyPods   = "Too many pods"
	ReasonCPU           = "Insufficient cpu"
	ReasonMemory        = "Insufficient memory"
)

// Usage is what the pods bound to a node request.
type Usage struct {
	// Requests sums the pods' containers' requests.
	Requests pod.Resources
	// Pods counts the bound pods.
	Pods int64
}

type nodeState struct {
	node *Node
	used Usage
}

// Scheduler holds the cluster's nodes and what is bound to each. It is a
// plain data structure: the cluster calls it as pods come and go.
type Scheduler struct {
	nodes  map[string]*nodeState
	byName []*nodeState

	// The queue (queue.go).
	pending      []*pod.Pod
	pendingCount int // pending holds bound and deleted pods too, dropped lazily
	roomChanged  bool
	onNode       map[string]map[*pod.Pod]struct{}
	colo         map[string]map[string]int
}

// New returns a scheduler with no nodes.
func New() *Scheduler {
	return &Scheduler{nodes: map[string]*nodeState{}, onNode: map[string]map[*pod.Pod]struct{}{}, colo: map[string]map[string]int{}}
}

// HasNodes reports whether any node exists; without nodes, room is unlimited.
func (s *Scheduler) HasNodes() bool { return len(s.nodes) > 0 }

// Apply stores n, or updates the node of that name (keeping what is bound
// to it). It returns kubectl's verb: "created", "configured" or
// "unchanged".
func (s *Scheduler) Apply(n *Node) string {
	if st, ok := s.nodes[n.Name]; ok {
		if st.node.Unschedulable == n.Unschedulable && st.node.Allocatable.Equal(n.Allocatable) &&
			maps.Equal(st.node.Labels, n.Labels) && maps.Equal(st.node.Annotations, n.Annotations) {
			return "unchanged"
		}
		created, uid := st.node.CreationTimestamp, st.node.UID
		st.node = n.Clone()
		st.node.CreationTimestamp, st.node.UID = created, uid
		return "configured"
	}
	st := &nodeState{node: n.Clone()}
	s.nodes[n.Name] = st
	i, _ := slices.BinarySearchFunc(s.byName, n.Name, func(e *nodeState, name string) int { return cmp.Compare(e.node.Name, name) })
	s.byName = slices.Insert(s.byName, i, st)
	return "created"
}

// Node returns a copy of the named node and what is bound to it.
func (s *Scheduler) Node(name string) (*Node, Usage, bool) {
	st, ok := s.nodes[name]
	if !ok {
		return nil, Usage{}, false
	}
	return st.node.Clone(), st.used, true
}

// SetResourceVersion records the resourceVersion of the write that last
// changed the named node.
func (s *Scheduler) SetResourceVersion(name string, rv uint64) {
	if st, ok := s.nodes[name]; ok {
		st.node.ResourceVersion = rv
	}
}

// Names returns the nodes' names in order.
func (s *Scheduler) Names() []string {
	out := make([]string, len(s.byName))
	for i, st := range s.byName {
		out[i] = st.node.Name
	}
	return out
}

// SetUnschedulable cordons (or uncordons) a node; it reports whether that
// changed anything, and false for an unknown node.
func (s *Scheduler) SetUnschedulable(name string, on bool) (changed, ok bool) {
	st, ok := s.nodes[name]
	if !ok {
		return false, false
	}
	changed = st.node.Unschedulable != on
	st.node.Unschedulable = on
	return changed, true
}

// Remove forgets a node. The caller removes the pods bound to it.
func (s *Scheduler) Remove(name string) bool {
	st, ok := s.nodes[name]
	if !ok {
		return false
	}
	delete(s.nodes, name)
	s.byName = slices.DeleteFunc(s.byName, func(e *nodeState) bool { return e == st })
	return true
}

// Requests returns what a pod asks of its node: its containers' requests.
func Requests(p *pod.Pod) pod.Resources {
	var r pod.Resources
	if p.Spec != nil {
		for _, c := range p.Spec.Containers {
			r = r.Add(c.Requests)
		}
	}
	return r
}

// Place chooses the node for p and accounts p to it. When no node can take
// p it returns "" and upstream's explanation, such as
// "0/2 nodes are available: 2 Insufficient cpu.".
func (s *Scheduler) Place(p *pod.Pod) (string, string) {
	req := Requests(p)
	var best *nodeState
	bestScore := 0.0
	for _, st := range s.byName {
		score, why := st.fit(req)
		if len(why) == 0 && (best == nil || score < bestScore) {
			best, bestScore = st, score
		}
	}
	if best == nil {
		// Only now count the reasons, for the message.
		reasons := map[string]int{}
		for _, st := range s.byName {
			_, why := st.fit(req)
			for _, r := range why {
				reasons[r]++
			}
		}
		return "", fitError(len(s.byName), reasons)
	}
	best.used.Requests = best.used.Requests.Add(req)
	best.used.Pods++
	return best.node.Name, ""
}

// Release gives back what a pod bound to the named node requested.
func (s *Scheduler) Release(p *pod.Pod, node string) {
	st, ok := s.nodes[node]
	if !ok {
		return
	}
	req := Requests(p)
	st.used.Requests.MilliCPU -= req.MilliCPU
	st.used.Requests.Memory -= req.Memory
	st.used.Pods--
}

// fit reports the node's score before taking a pod requesting req (lower
// is better), or why it cannot take it, in the order upstream's filters
// find the reasons.
func (st *nodeState) fit(req pod.Resources) (float64, []string) {
	n, u := st.node, st.used
	if n.Unschedulable {
		return 0, []string{ReasonUnschedulable}
	}
	var why []string
	a := n.Allocatable
	if a.Pods != nil && u.Pods+1 > *a.Pods {
		why = append(why, ReasonTooManyPods)
	}
	if a.MilliCPU != nil && req.MilliCPU > 0 && u.Requests.MilliCPU+req.MilliCPU > *a.MilliCPU {
		why = append(why, ReasonCPU)
	}
	if a.Memory != nil && req.Memory > 0 && u.Requests.Memory+req.Memory > *a.Memory {
		why = append(why, ReasonMemory)
	}
	if len(why) > 0 {
		return 0, why
	}
	var sum float64
	var count int
	if a.MilliCPU != nil {
		sum += share(float64(u.Requests.MilliCPU)/1000, float64(*a.MilliCPU)/1000)
		count++
	}
	if a.Memory != nil {
		sum += share(float64(u.Requests.Memory), float64(*a.Memory))
		count++
	}
	if a.Pods != nil {
		sum += share(float64(u.Pods), float64(*a.Pods))
		count++
	}
	if count == 0 {
		return 0, nil
	}
	return sum / float64(count), nil
}

func share(used, alloc float64) float64 {
	if alloc <= 0 {
		return 1
	}
	return used / alloc
}

// fitError words a failure to place a pod as upstream's scheduler does
// (without the preemption part: the simulator does not preempt).
func fitError(nodes int, reasons map[string]int) string {
	parts := make([]string, 0, len(reasons))
	for r, n := range reasons {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	slices.Sort(parts)
	msg := fmt.Sprintf("0/%d nodes are available:", nodes)
	if len(parts) > 0 {
		msg += " " + strings.Join(parts, ", ") + "."
	}
	return msg
}
