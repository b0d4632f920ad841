package controlloop

import (
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/scheduler"
)

// ApplyNode creates or updates a node (the caller's copy, validated) and
// returns kubectl's verb for it. Pods waiting for room are tried again.
func (l *Loop) ApplyNode(n *scheduler.Node) string {
	n.Namespace = ""
	n.UID = l.api.NewUID()
	n.CreationTimestamp = l.api.Now
	op := l.api.Nodes.Apply(n)
	if op != "unchanged" {
		typ := apiserver.Modified
		if op == "created" {
			typ = apiserver.Added
		}
		l.commitNode(typ, n.Name)
		l.api.Nodes.RoomChanged()
		l.Reconcile()
	}
	return op
}

// commitNode commits a write the scheduler has stored for the named node.
func (l *Loop) commitNode(typ apiserver.Op, name string) {
	n, _, ok := l.api.Nodes.Node(name)
	if !ok {
		return
	}
	_ = l.api.Commit(apiserver.Write{Op: typ, Node: n})
	l.api.Nodes.SetResourceVersion(name, n.ResourceVersion)
}

// SetUnschedulable cordons or uncordons a node and reports whether that
// changed anything.
func (l *Loop) SetUnschedulable(name string, on bool) (bool, error) {
	changed, ok := l.api.Nodes.SetUnschedulable(name, on)
	if !ok {
		return false, &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	if changed {
		l.commitNode(apiserver.Modified, name)
	}
	if changed && !on {
		l.api.Nodes.RoomChanged()
		l.Reconcile()
	}
	return changed, nil
}

// Drain cordons a node, then evicts every pod bound to it and returns
// their names in order.
func (l *Loop) Drain(name string) ([]string, error) {
	changed, ok := l.api.Nodes.SetUnschedulable(name, true)
	if !ok {
		return nil, &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	if changed {
		l.commitNode(apiserver.Modified, name)
	}
	return l.evict(name, true), nil
}

// DeleteNode removes a failed node and every pod bound to it.
func (l *Loop) DeleteNode(name string) error {
	n, _, ok := l.api.Nodes.Node(name)
	if !ok {
		return &meta.NotFoundError{Resource: "nodes", Name: name}
	}
	_ = l.Batch(func() error {
		_ = l.api.Commit(apiserver.Write{Op: apiserver.Deleted, Node: n, Apply: func() bool { return l.api.Nodes.Remove(name) }})
		l.evict(name, false)
		return nil
	})
	return nil
}

// evict deletes every pod on a node, in name order, then lets the
// controllers react; it returns the pods' names. Evicted pods (graceful)
// run out their grace period; the pods of a failed node are gone at once.
func (l *Loop) evict(node string, graceful bool) []string {
	victims := l.api.Nodes.PodsOn(node)
	names := make([]string, len(victims))
	_ = l.Batch(func() error {
		for i, p := range victims {
			names[i] = p.Name
			rs := l.api.PodOwner(p)
			if graceful {
				l.deletePod(rs, p)
			} else {
				l.removePod(rs, p)
			}
		}
		return nil
	})
	return names
}
