package rollsim

import (
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// WatchEventType says what a committed write did to its object, in the
// words of a Kubernetes watch.
type WatchEventType string

// The kinds of write a watch reports.
const (
	Added    WatchEventType = "ADDED"
	Modified WatchEventType = "MODIFIED"
	Deleted  WatchEventType = "DELETED"
)

// WatchEvent is one write the cluster committed, as a watch sees it:
// exactly one of Deployment, ReplicaSet, Pod and Node is set, to a copy of
// the object as the write left it (as it was last stored, for Deleted).
type WatchEvent struct {
	// Type is Added, Modified or Deleted.
	Type WatchEventType
	// Time is the fake-clock instant of the write.
	Time time.Time
	// ResourceVersion is the write's place in the cluster's one sequence
	// of writes; it is also the object's resourceVersion.
	ResourceVersion uint64

	Deployment *deployment.Deployment
	ReplicaSet *replicaset.ReplicaSet
	Pod        *pod.Pod
	Node       *scheduler.Node
}

// Kind names the kind of the written object: "Deployment", "ReplicaSet",
// "Pod" or "Node".
func (e WatchEvent) Kind() string {
	switch {
	case e.Deployment != nil:
		return "Deployment"
	case e.ReplicaSet != nil:
		return "ReplicaSet"
	case e.Pod != nil:
		return "Pod"
	case e.Node != nil:
		return "Node"
	}
	return ""
}

// Meta returns the written object's metadata.
func (e WatchEvent) Meta() *meta.ObjectMeta {
	switch {
	case e.Deployment != nil:
		return &e.Deployment.ObjectMeta
	case e.ReplicaSet != nil:
		return &e.ReplicaSet.ObjectMeta
	case e.Pod != nil:
		return &e.Pod.ObjectMeta
	case e.Node != nil:
		return &e.Node.ObjectMeta
	}
	return nil
}

// Watch calls f with every write the cluster commits from now on, in
// commit order, each with its own copy of the object: creations, updates,
// status updates, pod bindings and deletions of Deployments, ReplicaSets,
// Pods and Nodes, whether a caller or a controller made them. f runs at
// the moment of the write, in the middle of a controller's sync: it may
// read the cluster but must not change it or move its clock. The returned
// function stops the watch; a nil f watches nothing.
func (c *Cluster) Watch(f func(WatchEvent)) (stop func()) {
	if f == nil {
		return func() {} // nothing to tell
	}
	c.watchSeq++
	id := c.watchSeq
	c.watchers = append(c.watchers, watcher{id, f})
	return func() {
		c.watchers = slices.DeleteFunc(c.watchers, func(w watcher) bool { return w.id == id })
	}
}

type watcher struct {
	id uint64
	f  func(WatchEvent)
}

// write is one change to the store, handed to commit: exactly one of the
// objects is set, the stored object itself.
type write struct {
	typ  WatchEventType
	dep  *deployment.Deployment
	rs   *replicaset.ReplicaSet
	pod  *pod.Pod
	node *scheduler.Node
	// expect, when not 0, is the resourceVersion the writer read: a
	// stored object that has moved on since is a conflict.
	expect uint64
	// admit, when set, defaults and validates the change before anything
	// is stored, as the API server's registry does for a client's write.
	admit func() error
	// apply stores the change, once it is admitted, and reports whether
	// it changed anything: a write that changes nothing is not one, as
	// the API server does not commit a no-op update. Nil means a change.
	apply func() bool
}

// object returns the written object in a WatchEvent's fields, uncopied,
// so that a write is read the way a watch event is.
func (w *write) object() WatchEvent {
	return WatchEvent{Deployment: w.dep, ReplicaSet: w.rs, Pod: w.pod, Node: w.node}
}

func (w *write) objectMeta() *meta.ObjectMeta { return w.object().Meta() }

// resources names each kind's resource, as errors name it.
var resources = map[string]string{"Deployment": "deployments.apps", "ReplicaSet": "replicasets.apps", "Pod": "pods", "Node": "nodes"}

func (w *write) resource() string { return resources[w.object().Kind()] }

// commit is the API server's write path for one write: it checks the
// writer's resourceVersion and admits the change (defaults, validation),
// stores it (a change that changes nothing stops there, committing
// nothing), then commits it (committed). A write it refuses leaves
// everything as it was.
func (c *Cluster) commit(w write) error {
	if err := c.check(&w); err != nil {
		return err
	}
	if w.apply != nil && !w.apply() {
		return nil
	}
	c.committed(w)
	return nil
}

// check is the first half of a write: the writer's resourceVersion, then
// the change's admission. The controllers' frequent writes call it (when
// they carry a resourceVersion) and committed directly, storing their
// change in between, so that they build no closure.
func (c *Cluster) check(w *write) error {
	if m := w.objectMeta(); w.expect != 0 && w.expect != m.ResourceVersion {
		return &meta.ConflictError{Resource: w.resource(), Name: m.Name}
	}
	if w.admit != nil {
		return w.admit()
	}
	return nil
}

// committed is the commit point every write to the cluster passes once
// it is stored: the object gets a new resourceVersion, the write is
// counted, the keys the controllers' event handlers would queue are
// queued, and the watchers are told.
func (c *Cluster) committed(w write) {
	m := w.objectMeta()
	c.rv++
	c.stats.Writes++
	m.ResourceVersion = c.rv
	c.handle(&w)
	if c.debugOn() {
		c.debug("commit", "type", string(w.typ), "kind", kindOf(&w), "name", m.Name, "rv", m.ResourceVersion)
	}
	if len(c.watchers) > 0 {
		c.notify(&w)
	}
}

func kindOf(w *write) string {
	switch {
	case w.dep != nil:
		return "Deployment"
	case w.rs != nil:
		return "ReplicaSet"
	case w.pod != nil:
		return "Pod"
	}
	return "Node"
}

// handle queues the syncs a write causes, as the controllers' informer
// event handlers do: a Deployment syncs when it or a ReplicaSet it owns is
// written, and under Recreate when one of its pods is deleted; a
// ReplicaSet syncs when it or one of its pods is written. Node writes
// queue nothing; they change the scheduler's room.
func (c *Cluster) handle(w *write) {
	switch {
	case w.dep != nil:
		if w.typ == Deleted {
			c.dirtyDeploy.Remove(w.dep)
			c.requeues.Remove(w.dep)
			c.limiter.Forget(w.dep)
			return
		}
		c.dirtyDeploy.Add(w.dep)
	case w.rs != nil:
		if w.typ == Deleted {
			c.dirtyRS.Remove(w.rs)
		} else {
			c.dirtyRS.Add(w.rs)
		}
		if d := c.owner(w.rs); d != nil {
			c.dirtyDeploy.Add(d)
		}
	case w.pod != nil:
		if w.pod.Owner == nil {
			return
		}
		rs := c.replicaSets[objKey{w.pod.Namespace, w.pod.Owner.Name}]
		if rs == nil || rs.UID != w.pod.Owner.UID {
			return
		}
		c.dirtyRS.Add(rs)
		if d := c.owner(rs); w.typ == Deleted && d != nil && d.Spec.Strategy.Type == deployment.Recreate {
			c.dirtyDeploy.Add(d)
		}
	}
}

// owner returns the Deployment that owns rs, or nil.
func (c *Cluster) owner(rs *replicaset.ReplicaSet) *deployment.Deployment {
	if rs.Owner == nil {
		return nil
	}
	if d, ok := c.deployments[objKey{rs.Namespace, rs.Owner.Name}]; ok && d.UID == rs.Owner.UID {
		return d
	}
	return nil
}

// notify hands each watcher its own copy of the written object.
func (c *Cluster) notify(w *write) {
	for _, wt := range slices.Clone(c.watchers) {
		e := WatchEvent{Type: w.typ, Time: c.now, ResourceVersion: c.rv}
		switch {
		case w.dep != nil:
			e.Deployment = w.dep.Clone()
		case w.rs != nil:
			e.ReplicaSet = w.rs.Clone()
		case w.pod != nil:
			e.Pod = w.pod.Clone()
		case w.node != nil:
			e.Node = w.node.Clone()
		}
		wt.f(e)
	}
}

// ResourceVersion returns the resourceVersion of the last write the
// cluster committed: what a list taken now is consistent with, and where
// a watch started now begins.
func (c *Cluster) ResourceVersion() uint64 { return c.rv }
