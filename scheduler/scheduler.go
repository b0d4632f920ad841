// Package scheduler binds pending pods to nodes. A cluster without nodes
// has unlimited room: every pod is bound at once, to no node in particular.
package scheduler

import (
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// Node is a simulated node: room for pods.
type Node struct {
	meta.ObjectMeta
	// Allocatable is what pods may request on the node in total.
	Allocatable pod.Resources
	// MaxPods is how many pods the node takes; 0 means no limit.
	MaxPods int32
	// Unschedulable marks a cordoned node: no new pods are bound to it.
	Unschedulable bool
}

// Scheduler holds the cluster's nodes and decides where pods run.
type Scheduler struct {
	nodes map[string]*Node
}

// New returns a scheduler with no nodes.
func New() *Scheduler { return &Scheduler{nodes: map[string]*Node{}} }

// HasNodes reports whether any node exists; without nodes, room is unlimited.
func (s *Scheduler) HasNodes() bool { return len(s.nodes) > 0 }
