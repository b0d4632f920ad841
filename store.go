package rollsim

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

func key(m *meta.ObjectMeta) objKey {
	ns := m.Namespace
	if ns == "" {
		ns = meta.DefaultNamespace
	}
	return objKey{ns, m.Name}
}

func nsOr(ns string) string {
	if ns == "" {
		return meta.DefaultNamespace
	}
	return ns
}

// created fills the metadata the API server sets on create.
func (c *Cluster) created(m *meta.ObjectMeta) {
	m.Namespace = nsOr(m.Namespace)
	m.UID = c.nextUID()
	m.CreationTimestamp = c.now
	m.CreationIndex = c.nextIndex()
	m.Generation = 1
}

// ErrNilObject is the error of a method given a nil object to store.
var ErrNilObject = errors.New("nil object")

// CreateDeployment defaults, validates and stores a new Deployment, then
// lets the controllers react. It returns the stored Deployment (a copy).
// On error nothing is stored.
func (c *Cluster) CreateDeployment(d *deployment.Deployment) (*deployment.Deployment, error) {
	if d == nil {
		return nil, fmt.Errorf("create Deployment: %w", ErrNilObject)
	}
	d = d.Clone()
	err := c.commit(write{typ: Added, dep: d,
		admit: func() error {
			if d.Name == "" && d.Meta != nil && d.Meta.GenerateName != "" {
				// The API server names it from generateName, as it names pods.
				d.Name = d.Meta.GenerateName + pod.RandomSuffix(5, c.nameDraw)
			}
			deployment.Default(d)
			if err := deployment.Validate(d, nil); err != nil {
				return err
			}
			if _, ok := c.deployments[key(&d.ObjectMeta)]; ok {
				return &meta.AlreadyExistsError{Resource: "deployments.apps", Name: d.Name}
			}
			return nil
		},
		apply: func() bool {
			c.created(&d.ObjectMeta)
			d.Status = deployment.Status{}
			c.deployments[key(&d.ObjectMeta)] = d
			return true
		},
	})
	if err != nil {
		return nil, err
	}
	c.reconcile()
	return d.Clone(), nil
}

// UpdateDeployment replaces a Deployment's metadata (labels, annotations)
// and spec with those of d, as a client's update does: defaulted,
// validated, generation bumped when the spec or annotations change; then
// the controllers react. A d whose ResourceVersion is set and no longer
// the stored one was read before another write: that is a
// *meta.ConflictError, as the API server answers a stale update (0 means
// an unconditional update). On error nothing changes.
func (c *Cluster) UpdateDeployment(d *deployment.Deployment) (*deployment.Deployment, error) {
	if d == nil {
		return nil, fmt.Errorf("update Deployment: %w", ErrNilObject)
	}
	cur, err := c.deploymentRef(d.Namespace, d.Name)
	if err != nil {
		return nil, err
	}
	nd := d.Clone()
	err = c.commit(write{typ: Modified, dep: cur, expect: d.ResourceVersion,
		admit: func() error {
			deployment.Default(nd)
			return deployment.Validate(nd, cur)
		},
		apply: func() bool { return storeDeploymentSpec(cur, nd, true) },
	})
	if err != nil {
		return nil, err
	}
	c.reconcile()
	return cur.Clone(), nil
}

// UpdateDeploymentStatus replaces a Deployment's status with d's, as a
// client's write to the status subresource does: validated, refused as a
// *meta.ConflictError when d's ResourceVersion is set and stale, the rest
// of d ignored. The write queues the Deployment, so the controller then
// syncs it and writes the status it computes, as upstream's does after
// any update. On error nothing changes.
func (c *Cluster) UpdateDeploymentStatus(d *deployment.Deployment) (*deployment.Deployment, error) {
	if d == nil {
		return nil, fmt.Errorf("update Deployment status: %w", ErrNilObject)
	}
	cur, err := c.deploymentRef(d.Namespace, d.Name)
	if err != nil {
		return nil, err
	}
	nd := d.Clone()
	err = c.commit(write{typ: Modified, dep: cur, expect: d.ResourceVersion,
		admit: func() error { return deployment.ValidateStatus(nd) },
		apply: func() bool {
			if reflect.DeepEqual(cur.Status, nd.Status) {
				return false
			}
			cur.Status = nd.Status
			return true
		},
	})
	if err != nil {
		return nil, err
	}
	c.reconcile()
	return cur.Clone(), nil
}

// storeDeploymentSpec copies d's labels, annotations and spec into cur,
// bumping generation when the spec or annotations changed, and reports
// whether anything changed. When owned, d is the cluster's own copy, whose
// maps and pointers cur may take.
func storeDeploymentSpec(cur, d *deployment.Deployment, owned bool) bool {
	changed := !maps.Equal(cur.Annotations, d.Annotations) || !cur.Spec.Equal(&d.Spec)
	if !changed && maps.Equal(cur.Labels, d.Labels) && (cur.Meta == d.Meta || equality.Semantic.DeepEqual(cur.Meta, d.Meta)) {
		return false
	}
	nd := d
	if !owned {
		nd = d.Clone()
	}
	cur.Labels = nd.Labels
	cur.Annotations = nd.Annotations
	cur.Meta = nd.Meta
	cur.Spec = nd.Spec
	if changed {
		cur.Generation++
	}
	return true
}

func (c *Cluster) deploymentRef(namespace, name string) (*deployment.Deployment, error) {
	d, ok := c.deployments[objKey{nsOr(namespace), name}]
	if !ok {
		return nil, &meta.NotFoundError{Resource: "deployments.apps", Name: name}
	}
	return d, nil
}

// Deployment returns a copy of the named Deployment.
func (c *Cluster) Deployment(namespace, name string) (*deployment.Deployment, error) {
	d, err := c.deploymentRef(namespace, name)
	if err != nil {
		return nil, err
	}
	return d.Clone(), nil
}

// ViewDeployment calls f with the stored Deployment itself rather than a
// copy, for a caller that reads it often, such as a loop that waits for a
// rollout: f must not change d, nor keep d or anything it points to after
// it returns. It returns the error Deployment would, without calling f.
func (c *Cluster) ViewDeployment(namespace, name string, f func(d *deployment.Deployment)) error {
	d, err := c.deploymentRef(namespace, name)
	if err != nil {
		return err
	}
	f(d)
	return nil
}

// Deployments returns copies of every Deployment, by namespace and name.
func (c *Cluster) Deployments() []*deployment.Deployment {
	return sortedClones(c.deployments)
}

// sortedClones returns copies of every object of m, by namespace and
// name: what a client lists is never the cluster's own object.
func sortedClones[V interface{ Clone() V }](m map[objKey]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k].Clone())
	}
	return out
}

func sortedKeys[V any](m map[objKey]V) []objKey {
	ks := slices.Collect(maps.Keys(m))
	slices.SortFunc(ks, func(a, b objKey) int {
		return cmp.Or(cmp.Compare(a.namespace, b.namespace), cmp.Compare(a.name, b.name))
	})
	return ks
}

// DeleteDeployment removes a Deployment with its ReplicaSets and pods.
func (c *Cluster) DeleteDeployment(namespace, name string) error {
	d, err := c.deploymentRef(namespace, name)
	if err != nil {
		return err
	}
	for _, rs := range slices.Clone(c.rsByOwner[d.UID]) {
		c.deleteReplicaSet(rs)
	}
	_ = c.commit(write{typ: Deleted, dep: d, apply: func() bool {
		delete(c.deployments, key(&d.ObjectMeta))
		return true
	}})
	c.reconcile()
	return nil
}

// CreateReplicaSet validates and stores a ReplicaSet that no Deployment
// owns, then lets the controllers react. On error nothing is stored.
func (c *Cluster) CreateReplicaSet(rs *replicaset.ReplicaSet) (*replicaset.ReplicaSet, error) {
	if rs == nil {
		return nil, fmt.Errorf("create ReplicaSet: %w", ErrNilObject)
	}
	rs = rs.Clone()
	if err := c.storeReplicaSet(rs, func() error {
		replicaset.Default(rs)
		return replicaset.Validate(rs)
	}); err != nil {
		return nil, err
	}
	c.reconcile()
	return rs.Clone(), nil
}

// storeReplicaSet creates rs, after admit (defaults and validation of a
// client's ReplicaSet; nil for the controller's).
func (c *Cluster) storeReplicaSet(rs *replicaset.ReplicaSet, admit func() error) error {
	return c.commit(write{typ: Added, rs: rs,
		admit: func() error {
			if admit != nil {
				if err := admit(); err != nil {
					return err
				}
			}
			if _, ok := c.replicaSets[key(&rs.ObjectMeta)]; ok {
				return &meta.AlreadyExistsError{Resource: "replicasets.apps", Name: rs.Name}
			}
			return nil
		},
		apply: func() bool {
			c.created(&rs.ObjectMeta)
			c.replicaSets[key(&rs.ObjectMeta)] = rs
			if rs.Owner != nil {
				c.rsByOwner[rs.Owner.UID] = append(c.rsByOwner[rs.Owner.UID], rs)
			}
			return true
		},
	})
}

// ScaleReplicaSet sets a ReplicaSet's spec.replicas, then lets the
// controllers react.
func (c *Cluster) ScaleReplicaSet(namespace, name string, replicas int32) error {
	rs, ok := c.replicaSets[objKey{nsOr(namespace), name}]
	if !ok {
		return &meta.NotFoundError{Resource: "replicasets.apps", Name: name}
	}
	err := c.commit(write{typ: Modified, rs: rs,
		admit: func() error {
			if replicas < 0 {
				return &meta.InvalidError{Kind: "ReplicaSet", Group: "apps", Name: name, Causes: []meta.FieldError{
					meta.Invalid("spec.replicas", replicas, "must be greater than or equal to 0")}}
			}
			return nil
		},
		apply: func() bool {
			if rs.Spec.Replicas == replicas {
				return false
			}
			rs.Spec.Replicas = replicas
			rs.Generation++
			return true
		},
	})
	if err != nil {
		return err
	}
	c.reconcile()
	return nil
}

// ReplicaSet returns a copy of the named ReplicaSet.
func (c *Cluster) ReplicaSet(namespace, name string) (*replicaset.ReplicaSet, error) {
	rs, ok := c.replicaSets[objKey{nsOr(namespace), name}]
	if !ok {
		return nil, &meta.NotFoundError{Resource: "replicasets.apps", Name: name}
	}
	return rs.Clone(), nil
}

// ReplicaSets returns copies of every ReplicaSet, by namespace and name.
func (c *Cluster) ReplicaSets() []*replicaset.ReplicaSet {
	return sortedClones(c.replicaSets)
}

// ReplicaSetsOf returns copies of the ReplicaSets a Deployment owns,
// oldest first.
func (c *Cluster) ReplicaSetsOf(d *deployment.Deployment) []*replicaset.ReplicaSet {
	if d == nil {
		return nil
	}
	own := slices.Clone(c.rsByOwner[d.UID])
	slices.SortFunc(own, func(a, b *replicaset.ReplicaSet) int {
		if a.NewerThan(&b.ObjectMeta) {
			return 1
		}
		return -1
	})
	for i, rs := range own {
		own[i] = rs.Clone()
	}
	return own
}

// DeleteReplicaSet deletes a ReplicaSet and its pods, as a client's delete
// with background propagation does; a Deployment that owned it creates
// it again at its next sync, as upstream's controller does.
func (c *Cluster) DeleteReplicaSet(namespace, name string) error {
	rs, ok := c.replicaSets[objKey{nsOr(namespace), name}]
	if !ok {
		return &meta.NotFoundError{Resource: "replicasets.apps", Name: name}
	}
	c.deleteReplicaSet(rs)
	c.reconcile()
	return nil
}

// deleteReplicaSet deletes rs and, first, its pods.
func (c *Cluster) deleteReplicaSet(rs *replicaset.ReplicaSet) {
	var gone []*pod.Pod
	rs.Pods(func(p *pod.Pod) bool { gone = append(gone, p); return true })
	for _, p := range gone {
		c.deletePod(rs, p)
	}
	_ = c.commit(write{typ: Deleted, rs: rs, apply: func() bool {
		delete(c.replicaSets, key(&rs.ObjectMeta))
		if rs.Owner != nil {
			own := c.rsByOwner[rs.Owner.UID]
			if i := slices.Index(own, rs); i >= 0 {
				c.rsByOwner[rs.Owner.UID] = slices.Delete(own, i, i+1)
			}
		}
		return true
	}})
}

// Pods returns copies of every pod, by namespace and name.
func (c *Cluster) Pods() []*pod.Pod {
	return sortedClones(c.pods)
}

// Pod returns a copy of the named pod.
func (c *Cluster) Pod(namespace, name string) (*pod.Pod, error) {
	p, ok := c.pods[objKey{nsOr(namespace), name}]
	if !ok {
		return nil, &meta.NotFoundError{Resource: "pods", Name: name}
	}
	return p.Clone(), nil
}

// PodCount returns the number of pods in the cluster.
func (c *Cluster) PodCount() int { return len(c.pods) }

// DeletePod deletes a pod: at once, or, with a pod-shutdown set
// (SetPodShutdown), it stays Terminating for its grace period. Its
// ReplicaSet replaces it at once.
func (c *Cluster) DeletePod(namespace, name string) error {
	p, ok := c.pods[objKey{nsOr(namespace), name}]
	if !ok {
		return &meta.NotFoundError{Resource: "pods", Name: name}
	}
	rs := c.replicaSets[objKey{p.Namespace, p.Owner.Name}]
	c.deletePod(rs, p)
	c.reconcile()
	return nil
}

// HasNodes reports whether the cluster has any Node; without nodes, room
// for pods is unlimited.
func (c *Cluster) HasNodes() bool { return c.sched.HasNodes() }
