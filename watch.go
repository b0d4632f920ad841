package rollsim

import (
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
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
func (e WatchEvent) Kind() string { return e.change().Kind() }

// Meta returns the written object's metadata.
func (e WatchEvent) Meta() *meta.ObjectMeta { return e.change().Meta() }

func (e WatchEvent) change() apiserver.Change {
	return apiserver.Change{Deployment: e.Deployment, ReplicaSet: e.ReplicaSet, Pod: e.Pod, Node: e.Node}
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

// notify hands each watcher its own copy of a committed write's object;
// the API server calls it last at its commit point.
func (c *Cluster) notify(w apiserver.Change) {
	if len(c.watchers) == 0 {
		return
	}
	for _, wt := range slices.Clone(c.watchers) {
		e := WatchEvent{Type: WatchEventType(w.Op), Time: c.api.Now, ResourceVersion: c.api.ResourceVersion()}
		switch {
		case w.Deployment != nil:
			e.Deployment = w.Deployment.Clone()
		case w.ReplicaSet != nil:
			e.ReplicaSet = w.ReplicaSet.Clone()
		case w.Pod != nil:
			e.Pod = w.Pod.Clone()
		case w.Node != nil:
			e.Node = w.Node.Clone()
		}
		wt.f(e)
	}
}

// ResourceVersion returns the resourceVersion of the last write the
// cluster committed: what a list taken now is consistent with, and where
// a watch started now begins.
func (c *Cluster) ResourceVersion() uint64 { return c.api.ResourceVersion() }
