package rollsim

import (
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/scheduler"
)

// NodeState is what the trace shows of a node: its name and the pods bound
// to it.
type NodeState struct {
	// Name of the node.
	Name string
	// Pods bound to it.
	Pods int
}

// ApplyNode creates or updates a node from a manifest and returns kubectl's
// verb for it ("created", "configured", "unchanged").
func (c *Cluster) ApplyNode(n *scheduler.Node) (string, error) {
	return "", &meta.InvalidError{Kind: "Node", Name: n.Name, Causes: []meta.FieldError{meta.Forbidden("metadata", "nodes are not supported yet")}}
}

// NodeStates returns every node with its bound pods, by name.
func (c *Cluster) NodeStates() []NodeState { return nil }

// PendingPods returns the number of pods no node can take yet.
func (c *Cluster) PendingPods() int { return 0 }

// Cordon marks a node unschedulable (or, with on false, schedulable
// again); it reports whether that changed anything.
func (c *Cluster) Cordon(name string, on bool) (bool, error) {
	return false, &meta.NotFoundError{Resource: "nodes", Name: name}
}

// Drain evicts every pod bound to a node (their ReplicaSets replace them
// elsewhere) and returns their names.
func (c *Cluster) Drain(name string) ([]string, error) {
	return nil, &meta.NotFoundError{Resource: "nodes", Name: name}
}

// DeleteNode removes a failed node and every pod bound to it.
func (c *Cluster) DeleteNode(name string) error {
	return &meta.NotFoundError{Resource: "nodes", Name: name}
}
