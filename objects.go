package rollsim

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// ErrNilObject is the error of a method given a nil object to store.
var ErrNilObject = errors.New("nil object")

// nilObject is the error of an operation given a nil object.
func nilObject(what string) error { return fmt.Errorf("%s: %w", what, ErrNilObject) }

// CreateDeployment defaults, validates and stores a new Deployment, then
// lets the controllers react. It returns a copy of the Deployment as
// stored once they have (its ReplicaSet made, its status written, a later
// resourceVersion than the create's own), the state a read right after
// gives. On error nothing is stored.
func (c *Cluster) CreateDeployment(d *deployment.Deployment) (*deployment.Deployment, error) {
	if d == nil {
		return nil, nilObject("create Deployment")
	}
	d = d.Clone()
	if err := c.api.CreateDeployment(d); err != nil {
		return nil, err
	}
	c.loop.Reconcile()
	return d.Clone(), nil
}

// UpdateDeployment replaces a Deployment's metadata (labels, annotations)
// and spec with those of d, as a client's update does: defaulted,
// validated, generation bumped when the spec or annotations change; then
// the controllers react. A d whose ResourceVersion is set and no longer
// the stored one was read before another write: that is a
// *meta.ConflictError, as the API server answers a stale update (0 means
// an unconditional update), and so is one whose UID is set and no longer
// the stored one's. It returns a copy of the Deployment as stored once
// the controllers have reacted. On error nothing changes.
func (c *Cluster) UpdateDeployment(d *deployment.Deployment) (*deployment.Deployment, error) {
	if d == nil {
		return nil, nilObject("update Deployment")
	}
	return c.updated(c.api.UpdateDeployment(d.Clone()))
}

// UpdateDeploymentStatus replaces a Deployment's status with d's, as a
// client's write to the status subresource does: validated, refused as a
// *meta.ConflictError when d's ResourceVersion is set and stale, the rest
// of d ignored. The write queues the Deployment, so the controller then
// syncs it and writes the status it computes, as upstream's does after
// any update. On error nothing changes.
func (c *Cluster) UpdateDeploymentStatus(d *deployment.Deployment) (*deployment.Deployment, error) {
	if d == nil {
		return nil, nilObject("update Deployment status")
	}
	return c.updated(c.api.UpdateDeploymentStatus(d.Clone()))
}

// updated lets the controllers react to a client's update of a stored
// Deployment and returns a copy of it.
func (c *Cluster) updated(cur *deployment.Deployment, err error) (*deployment.Deployment, error) {
	if err == nil {
		c.loop.Reconcile()
	}
	return cloned(cur, err)
}

// Deployment returns a copy of the named Deployment.
func (c *Cluster) Deployment(namespace, name string) (*deployment.Deployment, error) {
	return cloned(c.api.Deployment(namespace, name))
}

// cloned returns a copy of a stored object the API server found: what a
// client reads is never the cluster's own object.
func cloned[V interface{ Clone() V }](o V, err error) (V, error) {
	if err != nil {
		var none V
		return none, err
	}
	return o.Clone(), nil
}

// ViewDeployment calls f with the stored Deployment itself rather than a
// copy, for a caller that reads it often, such as a loop that waits for a
// rollout: f must not change d, nor keep d or anything it points to after
// it returns. It returns the error Deployment would, without calling f;
// a nil f views nothing.
func (c *Cluster) ViewDeployment(namespace, name string, f func(d *deployment.Deployment)) error {
	d, err := c.api.Deployment(namespace, name)
	if err != nil || f == nil {
		return err
	}
	f(d)
	return nil
}

// Deployments returns copies of every Deployment, by namespace and name.
func (c *Cluster) Deployments() []*deployment.Deployment {
	return sortedClones(c.api.Deployments)
}

// sortedClones returns copies of every object of m, by namespace and
// name: what a client lists is never the cluster's own object.
func sortedClones[V interface{ Clone() V }](m map[apiserver.Key]V) []V {
	ks := slices.Collect(maps.Keys(m))
	slices.SortFunc(ks, func(a, b apiserver.Key) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	out := make([]V, 0, len(m))
	for _, k := range ks {
		out = append(out, m[k].Clone())
	}
	return out
}

// DeleteDeployment removes a Deployment with its ReplicaSets and pods.
func (c *Cluster) DeleteDeployment(namespace, name string) error {
	return then(c.loop.DeleteDeployment)(c.api.Deployment(namespace, name))
}

// then returns a function that calls f with an object the API server
// found, and returns the error of a lookup that found nothing.
func then[V any](f func(V)) func(V, error) error {
	return func(o V, err error) error {
		if err == nil {
			f(o)
		}
		return err
	}
}

// CreateReplicaSet validates and stores a ReplicaSet that no Deployment
// owns, then lets the controllers react. On error nothing is stored.
func (c *Cluster) CreateReplicaSet(rs *replicaset.ReplicaSet) (*replicaset.ReplicaSet, error) {
	if rs == nil {
		return nil, nilObject("create ReplicaSet")
	}
	rs = rs.Clone()
	if err := c.api.CreateReplicaSet(rs, func() error {
		replicaset.Default(rs)
		return replicaset.Validate(rs)
	}); err != nil {
		return nil, err
	}
	c.loop.Reconcile()
	return rs.Clone(), nil
}

// ScaleReplicaSet sets a ReplicaSet's spec.replicas, then lets the
// controllers react.
func (c *Cluster) ScaleReplicaSet(namespace, name string, replicas int32) error {
	if err := c.api.ScaleReplicaSet(namespace, name, replicas); err != nil {
		return err
	}
	c.loop.Reconcile()
	return nil
}

// ReplicaSet returns a copy of the named ReplicaSet.
func (c *Cluster) ReplicaSet(namespace, name string) (*replicaset.ReplicaSet, error) {
	return cloned(c.api.ReplicaSet(namespace, name))
}

// ReplicaSets returns copies of every ReplicaSet, by namespace and name.
func (c *Cluster) ReplicaSets() []*replicaset.ReplicaSet {
	return sortedClones(c.api.ReplicaSets)
}

// ReplicaSetsOf returns copies of the ReplicaSets a Deployment owns,
// oldest first.
func (c *Cluster) ReplicaSetsOf(d *deployment.Deployment) []*replicaset.ReplicaSet {
	if d == nil {
		return nil
	}
	own := slices.Clone(c.api.ByOwner[d.UID])
	slices.SortFunc(own, func(a, b *replicaset.ReplicaSet) int { return a.CompareCreation(&b.ObjectMeta) })
	for i, rs := range own {
		own[i] = rs.Clone()
	}
	return own
}

// DeleteReplicaSet deletes a ReplicaSet and its pods, as a client's delete
// with background propagation does; a Deployment that owned it creates
// it again at its next sync, as upstream's controller does.
func (c *Cluster) DeleteReplicaSet(namespace, name string) error {
	return then(c.loop.DeleteReplicaSet)(c.api.ReplicaSet(namespace, name))
}

// Pods returns copies of every pod, by namespace and name.
func (c *Cluster) Pods() []*pod.Pod {
	return sortedClones(c.api.Pods)
}

// Pod returns a copy of the named pod.
func (c *Cluster) Pod(namespace, name string) (*pod.Pod, error) {
	return cloned(c.api.Pod(namespace, name))
}

// PodCount returns the number of pods in the cluster.
func (c *Cluster) PodCount() int { return len(c.api.Pods) }

// DeletePod deletes a pod: at once, or, with a pod-shutdown set
// (SetPodShutdown), it stays Terminating for its grace period. Its
// ReplicaSet replaces it at once.
func (c *Cluster) DeletePod(namespace, name string) error {
	return then(c.loop.DeletePod)(c.api.Pod(namespace, name))
}

// DeletePodGrace deletes a pod as a delete with gracePeriodSeconds does:
// grace replaces the pod's terminationGracePeriodSeconds (a negative one
// counts as 1s), and the pod stays Terminating while its containers stop
// (SetPodShutdown), at most grace. A grace of 0 (kubectl delete
// --grace-period=0 --force) removes it at once. A pod Terminating already
// can only have its grace shortened, counted from its deletion.
func (c *Cluster) DeletePodGrace(namespace, name string, grace time.Duration) error {
	return then(func(p *pod.Pod) { c.loop.DeletePodGrace(p, grace) })(c.api.Pod(namespace, name))
}
