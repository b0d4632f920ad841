package rollsim

import (
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
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
		return "", nilObject("apply Node")
	}
	if errs := meta.ValidateName(n.Name, nil); len(errs) > 0 {
		return "", &meta.InvalidError{Kind: "Node", Name: n.Name, Causes: errs}
	}
	return c.loop.ApplyNode(n.Clone()), nil
}

// NodeStates returns every node with its bound pods, by name.
func (c *Cluster) NodeStates() []NodeState {
	var out []NodeState
	for _, name := range c.api.Nodes.Names() {
		n, used, _ := c.api.Nodes.Node(name)
		out = append(out, NodeState{Name: name, Created: n.CreationTimestamp, Unschedulable: n.Unschedulable, Allocatable: n.Allocatable,
			Pods: int(used.Pods), Requests: used.Requests, ResourceVersion: n.ResourceVersion})
	}
	return out
}

// HasNodes reports whether the cluster has any Node; without nodes, room
// for pods is unlimited.
func (c *Cluster) HasNodes() bool { return c.api.Nodes.HasNodes() }

// PendingPods returns the number of pods no node can take yet.
func (c *Cluster) PendingPods() int { return c.api.Nodes.PendingPods() }

// Cordon marks a node unschedulable, as `kubectl cordon` does: no new pod
// is bound to it. It reports whether that changed anything.
func (c *Cluster) Cordon(name string) (bool, error) { return c.loop.SetUnschedulable(name, true) }

// Uncordon makes a node schedulable again, as `kubectl uncordon` does;
// pods waiting for room are tried on it. It reports whether that changed
// anything.
func (c *Cluster) Uncordon(name string) (bool, error) { return c.loop.SetUnschedulable(name, false) }

// Drain cordons a node, as `kubectl drain` does first, then evicts every
// pod bound to it (their ReplicaSets replace them elsewhere) and returns
// their names in order.
func (c *Cluster) Drain(name string) ([]string, error) { return c.loop.Drain(name) }

// DeleteNode removes a failed node and every pod bound to it: their
// ReplicaSets replace them elsewhere.
func (c *Cluster) DeleteNode(name string) error { return c.loop.DeleteNode(name) }

// Node returns a copy of the named node.
func (c *Cluster) Node(name string) (*scheduler.Node, error) {
	n, _, ok := c.api.Nodes.Node(name)
	if !ok {
		return nil, &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	return n, nil
}

// Nodes returns copies of every node, by name.
func (c *Cluster) Nodes() []*scheduler.Node {
	names := c.api.Nodes.Names()
	out := make([]*scheduler.Node, 0, len(names))
	for _, name := range names {
		n, _, _ := c.api.Nodes.Node(name)
		out = append(out, n)
	}
	return out
}
