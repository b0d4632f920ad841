package rollsim

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// NodeState is what a view shows of a node: its name, whether it is
// cordoned, what it offers and the pods bound to it.
type NodeState struct {
	// Name of the node.
	Name string
	// Created is the node's creation time.
	Created time.Time
	// Unschedulable reports a cordoned node.
	Unschedulable bool
	// Allocatable is what the node offers.
	Allocatable scheduler.Allocatable
	// Pods counts the pods bound to it.
	Pods int
	// Requests sums what those pods request.
	Requests pod.Resources
	// ResourceVersion is that of the write that last changed the node.
	ResourceVersion uint64
}

// ApplyNode creates or updates a node from a manifest and returns kubectl's
// verb for it ("created", "configured", "unchanged"). Pods waiting for
// room are tried again on the new or changed node.
func (c *Cluster) ApplyNode(n *scheduler.Node) (string, error) {
	if n == nil {
		return "", fmt.Errorf("apply Node: %w", ErrNilObject)
	}
	if errs := meta.ValidateName(n.Name, nil); len(errs) > 0 {
		return "", &meta.InvalidError{Kind: "Node", Name: n.Name, Causes: errs}
	}
	n = n.Clone()
	n.Namespace = ""
	n.UID = c.nextUID()
	n.CreationTimestamp = c.now
	op := c.sched.Apply(n)
	if op != "unchanged" {
		typ := Modified
		if op == "created" {
			typ = Added
		}
		c.commitNode(typ, n.Name)
		c.roomChanged = true
		c.reconcile()
	}
	return op, nil
}

// commitNode commits a write the scheduler has stored for the named node.
func (c *Cluster) commitNode(typ WatchEventType, name string) {
	n, _, ok := c.sched.Node(name)
	if !ok {
		return
	}
	_ = c.commit(write{typ: typ, node: n})
	c.sched.SetResourceVersion(name, n.ResourceVersion)
}

// NodeStates returns every node with its bound pods, by name.
func (c *Cluster) NodeStates() []NodeState {
	var out []NodeState
	for _, name := range c.sched.Names() {
		n, used, _ := c.sched.Node(name)
		out = append(out, NodeState{Name: name, Created: n.CreationTimestamp, Unschedulable: n.Unschedulable, Allocatable: n.Allocatable,
			Pods: int(used.Pods), Requests: used.Requests, ResourceVersion: n.ResourceVersion})
	}
	return out
}

// PendingPods returns the number of pods no node can take yet.
func (c *Cluster) PendingPods() int { return c.pendingCount }

// Cordon marks a node unschedulable, as `kubectl cordon` does: no new pod
// is bound to it. It reports whether that changed anything.
func (c *Cluster) Cordon(name string) (bool, error) { return c.setUnschedulable(name, true) }

// Uncordon makes a node schedulable again, as `kubectl uncordon` does;
// pods waiting for room are tried on it. It reports whether that changed
// anything.
func (c *Cluster) Uncordon(name string) (bool, error) { return c.setUnschedulable(name, false) }

func (c *Cluster) setUnschedulable(name string, on bool) (bool, error) {
	changed, ok := c.sched.SetUnschedulable(name, on)
	if !ok {
		return false, &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	if changed {
		c.commitNode(Modified, name)
	}
	if changed && !on {
		c.roomChanged = true
		c.reconcile()
	}
	return changed, nil
}

// Drain cordons a node, as `kubectl drain` does first, then evicts every
// pod bound to it (their ReplicaSets replace them elsewhere) and returns
// their names in order.
func (c *Cluster) Drain(name string) ([]string, error) {
	changed, ok := c.sched.SetUnschedulable(name, true)
	if !ok {
		return nil, &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	if changed {
		c.commitNode(Modified, name)
	}
	return c.evict(name, true), nil
}

// DeleteNode removes a failed node and every pod bound to it: their
// ReplicaSets replace them elsewhere.
func (c *Cluster) DeleteNode(name string) error {
	n, _, ok := c.sched.Node(name)
	if !ok {
		return &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	_ = c.Batch(func() error {
		_ = c.commit(write{typ: Deleted, node: n, apply: func() bool { return c.sched.Remove(name) }})
		c.evict(name, false)
		return nil
	})
	return nil
}

// evict deletes every pod on a node, in name order, then lets the
// controllers react; it returns the pods' names. Evicted pods (graceful)
// run out their grace period; the pods of a failed node are gone at once.
func (c *Cluster) evict(node string, graceful bool) []string {
	var victims []*pod.Pod
	for p := range c.onNode[node] {
		victims = append(victims, p)
	}
	slices.SortFunc(victims, func(a, b *pod.Pod) int { return cmp.Compare(a.Name, b.Name) })
	names := make([]string, len(victims))
	_ = c.Batch(func() error {
		for i, p := range victims {
			names[i] = p.Name
			rs := c.replicaSets[objKey{p.Namespace, p.Owner.Name}]
			if graceful {
				c.deletePod(rs, p)
			} else {
				c.removePod(rs, p)
			}
		}
		return nil
	})
	return names
}

// place binds a new pod: at once when the cluster has no nodes, else to
// the best node with room, or it leaves the pod Pending.
func (c *Cluster) place(p *pod.Pod, rs *replicaset.ReplicaSet) {
	if !c.sched.HasNodes() {
		c.bindTo(p, rs, "")
		return
	}
	node, why := c.sched.Place(p)
	if node == "" {
		c.colocate(rs, "", 1)
		c.pendingCount++
		c.pending = append(c.pending, p)
		c.unschedulable(p, why)
		return
	}
	c.bindTo(p, rs, node)
}

// bindTo records that p runs on node and starts its startup countdown.
func (c *Cluster) bindTo(p *pod.Pod, rs *replicaset.ReplicaSet, node string) {
	if node != "" {
		if !p.Bound {
			c.colocate(rs, "", -1) // it was pending
		}
		p.NodeName = node
		c.colocate(rs, node, 1)
		set := c.onNode[node]
		if set == nil {
			set = map[*pod.Pod]struct{}{}
			c.onNode[node] = set
		}
		set[p] = struct{}{}
	}
	p.Bound = true
	p.BoundAt = c.now
	p.Reason, p.Message = "", ""
	if node != "" {
		// Binding to a node is a write; with no nodes the pod is
		// created bound.
		rs.PodChanged(p, false)
		c.committed(write{typ: Modified, pod: p})
	} else {
		rs.PodChanged(p, false)
	}
	c.schedule(timer{at: p.ReadyAt(), order: p.CreationIndex, kind: podStarts, pod: p, rs: rs})
}

// unschedulable marks a pod that fits nowhere, with an event when the
// reason is new.
func (c *Cluster) unschedulable(p *pod.Pod, why string) {
	if p.Message == why {
		return
	}
	p.Reason, p.Message = "Unschedulable", why
	c.Event(&p.ObjectMeta, "Pod", "Warning", "FailedScheduling", why)
}

// unbind forgets where a removed pod ran.
func (c *Cluster) unbind(p *pod.Pod, rs *replicaset.ReplicaSet) {
	switch {
	case !p.Bound:
		c.pendingCount--
		c.colocate(rs, "", -1)
	case p.NodeName != "":
		if !p.Terminating() { // a terminating pod left the count when deleted
			c.colocate(rs, p.NodeName, -1)
		}
		c.sched.Release(p, p.NodeName)
		delete(c.onNode[p.NodeName], p)
		c.roomChanged = true
	}
}

// schedulePending tries the waiting pods again, oldest first, when room
// may have appeared since they were last tried.
func (c *Cluster) schedulePending() {
	if !c.roomChanged || c.pendingCount == 0 {
		c.roomChanged = false
		return
	}
	c.roomChanged = false
	keep := c.pending[:0]
	for _, p := range c.pending {
		if p.Bound || c.pods[objKey{p.Namespace, p.Name}] != p {
			continue
		}
		node, why := c.sched.Place(p)
		if node == "" {
			c.unschedulable(p, why)
			keep = append(keep, p)
			continue
		}
		c.pendingCount--
		c.bindTo(p, c.replicaSets[objKey{p.Namespace, p.Owner.Name}], node)
	}
	clear(c.pending[len(keep):])
	c.pending = keep
}

// colocate counts the active pods of rs's owner on a node, for the
// deletion ranking.
func (c *Cluster) colocate(rs *replicaset.ReplicaSet, node string, delta int) {
	if rs == nil {
		return
	}
	k := ownerUID(rs)
	m := c.colo[k]
	if m == nil {
		m = map[string]int{}
		c.colo[k] = m
	}
	m[node] += delta
	if m[node] == 0 {
		delete(m, node)
		if len(m) == 0 {
			delete(c.colo, k)
		}
	}
}

func ownerUID(rs *replicaset.ReplicaSet) string {
	if rs.Owner != nil {
		return rs.Owner.UID
	}
	return rs.UID
}

// Node returns a copy of the named node.
func (c *Cluster) Node(name string) (*scheduler.Node, error) {
	n, _, ok := c.sched.Node(name)
	if !ok {
		return nil, &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	return n.Clone(), nil
}

// Nodes returns copies of every node, by name.
func (c *Cluster) Nodes() []*scheduler.Node {
	names := c.sched.Names()
	out := make([]*scheduler.Node, 0, len(names))
	for _, name := range names {
		n, _, _ := c.sched.Node(name)
		out = append(out, n.Clone())
	}
	return out
}
