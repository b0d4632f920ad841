// Package scheduler binds pending pods to nodes. A cluster without nodes
// has unlimited room: every pod is bound at once, to no node in particular.
package scheduler

// Scheduler holds the cluster's nodes and decides where pods run.
type Scheduler struct {
	nodes map[string]*Node
}

// Node is a simulated node.
type Node struct {
	// Name identifies the node.
	Name string
}

// New returns a scheduler with no nodes.
func New() *Scheduler { return &Scheduler{nodes: map[string]*Node{}} }

// HasNodes reports whether any node exists; without nodes, room is unlimited.
func (s *Scheduler) HasNodes() bool { return len(s.nodes) > 0 }
