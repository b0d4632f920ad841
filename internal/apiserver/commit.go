package apiserver

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// Op says what a write does to its object, in a watch's words.
type Op string

// The kinds of write.
const (
	Added    Op = "ADDED"
	Modified Op = "MODIFIED"
	Deleted  Op = "DELETED"
)

// Write is one change to the store: exactly one of the objects is set,
// the stored object itself.
type Write struct {
	Op         Op
	Deployment *deployment.Deployment
	ReplicaSet *replicaset.ReplicaSet
	Pod        *pod.Pod
	Node       *scheduler.Node
	// Expect, when not 0, is the resourceVersion the writer read: a
	// stored object that has moved on since is a conflict.
	Expect uint64
	// UID, when set, is the UID of the object the writer read: a stored
	// object of another UID (the read one deleted, another made in its
	// place) is a conflict, whatever the resourceVersion.
	UID string
	// Admit, when set, defaults and validates the change before anything
	// is stored, as the API server's registry does for a client's write.
	Admit func() error
	// Apply stores the change, once it is admitted, and reports whether
	// it changed anything: a write that changes nothing is not one, as
	// the API server does not commit a no-op update. Nil means a change.
	Apply func() bool
}

// Change is what a committed write did, as the event handlers and the
// watchers hear of it: the Write without its admission. They get it by
// value, so that a write's closures never leave the commit point (and the
// stack).
type Change struct {
	Op         Op
	Deployment *deployment.Deployment
	ReplicaSet *replicaset.ReplicaSet
	Pod        *pod.Pod
	Node       *scheduler.Node
}

// Kind names the written object's kind, "" for none.
func (c Change) Kind() string {
	switch {
	case c.Deployment != nil:
		return "Deployment"
	case c.ReplicaSet != nil:
		return "ReplicaSet"
	case c.Pod != nil:
		return "Pod"
	case c.Node != nil:
		return "Node"
	}
	return ""
}

// Meta returns the written object's metadata, nil for none.
func (c Change) Meta() *meta.ObjectMeta {
	switch {
	case c.Deployment != nil:
		return &c.Deployment.ObjectMeta
	case c.ReplicaSet != nil:
		return &c.ReplicaSet.ObjectMeta
	case c.Pod != nil:
		return &c.Pod.ObjectMeta
	case c.Node != nil:
		return &c.Node.ObjectMeta
	}
	return nil
}

func (w *Write) change() Change {
	return Change{Op: w.Op, Deployment: w.Deployment, ReplicaSet: w.ReplicaSet, Pod: w.Pod, Node: w.Node}
}

// resources names each kind's resource, as errors name it.
var resources = map[string]string{"Deployment": "deployments.apps", "ReplicaSet": "replicasets.apps", "Pod": "pods", "Node": "nodes"}

// storageKey is where the API server keeps an object in etcd, as its
// storage errors name it.
func storageKey(kind string, m *meta.ObjectMeta) string {
	if kind == "Node" {
		return "/registry/minions/" + m.Name
	}
	plural, _, _ := strings.Cut(resources[kind], ".")
	return "/registry/" + plural + "/" + cmp.Or(m.Namespace, meta.DefaultNamespace) + "/" + m.Name
}

// Commit is the write path of one write: it checks the writer's
// resourceVersion and admits the change (Check), stores it (a change
// that changes nothing stops there, committing nothing), then commits it
// (Committed). A write it refuses leaves everything as it was.
func (s *Server) Commit(w Write) error {
	if err := s.Check(&w); err != nil {
		return err
	}
	if w.Apply != nil && !w.Apply() {
		return nil
	}
	s.Committed(w)
	return nil
}

// Check is the first half of a write: the writer's resourceVersion, then
// the change's admission. The controllers' frequent writes call it (when
// they carry a resourceVersion) and Committed directly, storing their
// change in between, so that they build no closure.
func (s *Server) Check(w *Write) error {
	ch := w.change()
	if m := ch.Meta(); w.UID != "" && w.UID != m.UID {
		// The storage's refusal, which the API server wraps as it is.
		return &meta.ConflictError{Resource: resources[ch.Kind()], Name: m.Name,
			Reason: fmt.Sprintf("StorageError: invalid object, Code: 4, Key: %s, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: %s, UID in object meta: %s",
				storageKey(ch.Kind(), m), w.UID, m.UID)}
	}
	if w.Expect != 0 && w.Expect != ch.Meta().ResourceVersion {
		return &meta.ConflictError{Resource: resources[ch.Kind()], Name: ch.Meta().Name}
	}
	if w.Admit != nil {
		return w.Admit()
	}
	return nil
}

// Committed is the commit point every write passes once it is stored:
// the object gets the next resourceVersion, the write is counted, the
// control loop's event handlers queue what it causes, and the watchers
// are told.
func (s *Server) Committed(w Write) {
	ch := w.change()
	m := ch.Meta()
	s.rv++
	s.writes++
	m.ResourceVersion = s.rv
	if s.Handle != nil {
		s.Handle(ch)
	}
	if s.DebugOn() {
		s.Debug("commit", "type", string(w.Op), "kind", ch.Kind(), "name", m.Name, "rv", m.ResourceVersion)
	}
	if s.Notify != nil {
		s.Notify(ch)
	}
}
