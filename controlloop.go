package rollsim

import (
	"cmp"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// controllerEnv gives the controllers their view of the cluster.
type controllerEnv struct{ c *Cluster }

var (
	_ replicaset.Env = controllerEnv{}
	_ deployment.Env = controllerEnv{}
)

func (e controllerEnv) Now() time.Time { return e.c.now }

func (e controllerEnv) Event(obj *meta.ObjectMeta, kind, typ, reason, message string) {
	e.c.Event(obj, kind, typ, reason, message)
}

// CreatePod makes a pod of rs from its template and binds it.
func (e controllerEnv) CreatePod(rs *replicaset.ReplicaSet) *pod.Pod {
	c := e.c
	p := &pod.Pod{Spec: &rs.Spec.Template.Spec, Phase: pod.Pending, Startup: c.kubelet.StartupFor()}
	p.Namespace = rs.Namespace
	for {
		p.Name = rs.Name + "-" + pod.RandomSuffix(5, c.nameDraw)
		if _, taken := c.pods[objKey{p.Namespace, p.Name}]; !taken {
			break
		}
	}
	p.Labels = rs.Spec.Template.Labels
	p.Annotations = rs.Spec.Template.Annotations
	p.Owner = rs.PodOwner()
	c.created(&p.ObjectMeta)
	c.pods[objKey{p.Namespace, p.Name}] = p
	rs.AddPod(p)
	c.committed(write{typ: Added, pod: p})
	c.place(p, rs)
	return p
}

func (e controllerEnv) DeletePod(rs *replicaset.ReplicaSet, p *pod.Pod) { e.c.deletePod(rs, p) }

// removePod deletes a pod of rs from the cluster.
func (c *Cluster) removePod(rs *replicaset.ReplicaSet, p *pod.Pod) {
	delete(c.pods, objKey{p.Namespace, p.Name})
	c.unbind(p, rs)
	if rs != nil && c.replicaSets[key(&rs.ObjectMeta)] == rs {
		rs.RemovePod(p)
	}
	c.committed(write{typ: Deleted, pod: p})
}

func (e controllerEnv) WriteStatus(rs *replicaset.ReplicaSet, st replicaset.Status) {
	rs.Status = st
	e.c.committed(write{typ: Modified, rs: rs})
}

func (e controllerEnv) Colocation(rs *replicaset.ReplicaSet) func(*pod.Pod) int {
	c := e.c
	if !c.sched.HasNodes() {
		return nil
	}
	counts := c.colo[ownerUID(rs)]
	return func(p *pod.Pod) int { return counts[p.NodeName] }
}

// ReplicaSets lends the built-in controller the stored ReplicaSets, the
// views it reads as upstream's reads its lister's cache: it copies the
// list before changing it and changes ReplicaSets only through update
// copies.
func (e controllerEnv) ReplicaSets(d *deployment.Deployment) []*replicaset.ReplicaSet {
	return e.c.rsByOwner[d.UID]
}

// customEnv is the Env of a replacement sync (Config.DeploymentSync): it
// hands out copies, so that what the sync changes in place reaches the
// cluster only through the Env's writes, checked as any write is.
type customEnv struct{ controllerEnv }

func (e customEnv) ReplicaSets(d *deployment.Deployment) []*replicaset.ReplicaSet {
	own := e.c.rsByOwner[d.UID]
	out := make([]*replicaset.ReplicaSet, len(own))
	for i, rs := range own {
		out[i] = rs.Clone()
	}
	return out
}

func (e customEnv) GetReplicaSet(namespace, name string) *replicaset.ReplicaSet {
	if rs := e.controllerEnv.GetReplicaSet(namespace, name); rs != nil {
		return rs.Clone()
	}
	return nil
}

func (e controllerEnv) CreateReplicaSet(rs *replicaset.ReplicaSet) error {
	return e.c.storeReplicaSet(rs, nil)
}

func (e controllerEnv) GetReplicaSet(namespace, name string) *replicaset.ReplicaSet {
	return e.c.replicaSets[objKey{nsOr(namespace), name}]
}

// UpdateReplicaSet commits the controller's changed copy of a ReplicaSet:
// its annotations, replicas and minReadySeconds (the controller changes
// no other part of an existing ReplicaSet's spec).
func (e controllerEnv) UpdateReplicaSet(cp *replicaset.ReplicaSet) error {
	c := e.c
	cur := c.replicaSets[key(&cp.ObjectMeta)]
	if cur == nil || cur.UID != cp.UID {
		return &meta.NotFoundError{Resource: "replicasets.apps", Name: cp.Name}
	}
	w := write{typ: Modified, rs: cur, expect: cp.ResourceVersion}
	if err := c.check(&w); err != nil {
		return err
	}
	specChanged := cur.Spec.Replicas != cp.Spec.Replicas || cur.Spec.MinReadySeconds != cp.Spec.MinReadySeconds
	if !specChanged && (sameMap(cur.Annotations, cp.Annotations) || maps.Equal(cur.Annotations, cp.Annotations)) {
		return nil
	}
	minReadyChanged := cur.Spec.MinReadySeconds != cp.Spec.MinReadySeconds
	cur.Annotations = cp.Annotations
	cur.Spec.Replicas, cur.Spec.MinReadySeconds = cp.Spec.Replicas, cp.Spec.MinReadySeconds
	if specChanged {
		cur.Generation++
	}
	c.committed(w)
	cp.ResourceVersion, cp.Generation = cur.ResourceVersion, cur.Generation
	if minReadyChanged {
		// Availability follows minReadySeconds.
		for _, p := range cur.RecountAvailable(c.now) {
			c.podMayBeAvailable(p, cur)
		}
	}
	return nil
}

func (e controllerEnv) ActivePods(rs *replicaset.ReplicaSet) int {
	if cur := e.c.replicaSets[key(&rs.ObjectMeta)]; cur != nil && cur.UID == rs.UID {
		return cur.ActivePods() + cur.TerminatingPods()
	}
	return 0
}

// DeleteReplicaSet deletes the stored ReplicaSet rs stands for (rs may be
// a replacement sync's copy).
func (e controllerEnv) DeleteReplicaSet(rs *replicaset.ReplicaSet) {
	if cur := e.c.replicaSets[key(&rs.ObjectMeta)]; cur != nil && cur.UID == rs.UID {
		e.c.deleteReplicaSet(cur)
	}
}

// stored returns the stored Deployment d is a copy of (nil when it is
// gone): usually the one being synced, found without a lookup.
func (c *Cluster) stored(d *deployment.Deployment) *deployment.Deployment {
	if s := c.syncing; s != nil && s.UID == d.UID && s.Name == d.Name && s.Namespace == d.Namespace {
		return s
	}
	if cur := c.deployments[key(&d.ObjectMeta)]; cur != nil && cur.UID == d.UID {
		return cur
	}
	return nil
}

func (e controllerEnv) UpdateDeploymentStatus(d *deployment.Deployment) error {
	c := e.c
	cur := c.stored(d)
	if cur == nil {
		return &meta.NotFoundError{Resource: "deployments.apps", Name: d.Name}
	}
	w := write{typ: Modified, dep: cur, expect: d.ResourceVersion}
	if err := c.check(&w); err != nil {
		return err
	}
	storeDeploymentStatus(cur, d)
	c.committed(w)
	return nil
}

// storeDeploymentStatus copies d's status and annotations into cur.
func storeDeploymentStatus(cur, d *deployment.Deployment) {
	conds := cur.Status.Conditions
	cur.Status = d.Status
	// The stored conditions are the cluster's own (readers get copies), so
	// a list of the same length is overwritten in place.
	if len(conds) > 0 && len(conds) == len(d.Status.Conditions) {
		copy(conds, d.Status.Conditions)
		cur.Status.Conditions = conds
	} else {
		cur.Status.Conditions = slices.Clone(d.Status.Conditions)
	}
	if d.Status.CollisionCount != nil {
		n := *d.Status.CollisionCount
		cur.Status.CollisionCount = &n
	}
	if !sameMap(cur.Annotations, d.Annotations) && !maps.Equal(cur.Annotations, d.Annotations) {
		cur.Annotations = maps.Clone(d.Annotations)
	}
}

// sameMap reports whether a and b are the same map (not merely equal): a
// sync that left a Deployment's annotations alone hands back the stored
// map itself, which then needs no comparison.
func sameMap(a, b map[string]string) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func (e controllerEnv) UpdateDeployment(d *deployment.Deployment) error {
	c := e.c
	cur := c.stored(d)
	if cur == nil {
		return &meta.NotFoundError{Resource: "deployments.apps", Name: d.Name}
	}
	return c.commit(write{typ: Modified, dep: cur, expect: d.ResourceVersion, apply: func() bool { return storeDeploymentSpec(cur, d, false) }})
}

// RequeueRateLimited asks for a sync of d after the delay of upstream's
// default controller rate limiter (workqueue.RateLimiter).
func (e controllerEnv) RequeueRateLimited(d *deployment.Deployment) {
	c := e.c
	cur := c.stored(d)
	if cur == nil {
		return
	}
	e.RequeueAt(d, c.now.Add(c.limiter.When(cur, c.now)))
}

// maxSyncRetries is how many rate-limited retries of a failing sync the
// Deployment controller makes before it drops the Deployment's key until
// something else queues it.
const maxSyncRetries = 15

// RequeueAt asks for a sync of d at t, as a delayed add to upstream's work
// queue: the queue keeps one waiting entry per Deployment, the earliest
// asked for, and an instant already come queues d at once.
func (e controllerEnv) RequeueAt(d *deployment.Deployment, t time.Time) {
	c := e.c
	cur := c.stored(d)
	if cur == nil {
		return
	}
	if !t.After(c.now) {
		c.dirtyDeploy.Add(cur)
		return
	}
	if c.requeues.Offer(cur, t) {
		c.schedule(timer{at: t, order: cur.CreationIndex, kind: deploymentCheck, dep: cur})
	}
}

// syncDone handles the outcome of a Deployment's sync as upstream's
// worker does: success forgets its rate-limited requeues; a failure (a
// conflict on its second write) is retried rate-limited, up to
// maxSyncRetries times.
func (c *Cluster) syncDone(env controllerEnv, d *deployment.Deployment, err error) {
	switch {
	case err == nil:
		c.limiter.Forget(d)
	case c.limiter.NumRequeues(d) < maxSyncRetries:
		c.debug("sync failed", "kind", "Deployment", "name", d.Name, "err", err)
		env.RequeueRateLimited(d)
	default:
		c.debug("sync failed, dropped", "kind", "Deployment", "name", d.Name, "err", err)
		c.limiter.Forget(d)
	}
}

// maxRounds bounds one reconcile; reaching it means a controller loops.
const maxRounds = 100000

// reconcile runs the controllers until nothing changes: in each round,
// every ReplicaSet with something to do in name order, then every such
// Deployment in name order, as upstream's controllers would with caches
// that always hold the latest writes.
func (c *Cluster) reconcile() {
	if c.batching {
		return
	}
	env := controllerEnv{c}
	// Taken while in use: a reconcile nested in this one, should a
	// caller's callback start one, gets lists of its own.
	rss, deps := c.syncRS[:0], c.syncDeps[:0]
	c.syncRS, c.syncDeps = nil, nil
	defer func() {
		clear(rss)
		clear(deps)
		c.syncRS, c.syncDeps = rss[:0], deps[:0]
	}()
	for round := 0; ; round++ {
		c.schedulePending()
		if c.dirtyRS.Len()+c.dirtyDeploy.Len() == 0 {
			break
		}
		if round == maxRounds {
			c.log.Error("controllers did not settle", "rounds", round)
			if c.err == nil {
				c.err = &NotSettledError{At: c.now, Rounds: round}
			}
			c.dirtyRS.Clear()
			c.dirtyDeploy.Clear()
			return
		}
		c.stats.Rounds++
		rss = c.dirtyRS.Drain(rss[:0])
		slices.SortFunc(rss, func(a, b *replicaset.ReplicaSet) int { return cmpKey(&a.ObjectMeta, &b.ObjectMeta) })
		for _, rs := range rss {
			replicaset.Sync(env, rs)
		}
		c.stats.ReplicaSetSyncs += len(rss)
		deps = c.dirtyDeploy.Drain(deps[:0])
		slices.SortFunc(deps, func(a, b *deployment.Deployment) int { return cmpKey(&a.ObjectMeta, &b.ObjectMeta) })
		for _, d := range deps {
			if c.deployments[key(&d.ObjectMeta)] != d {
				continue
			}
			c.syncing = d
			c.stats.DeploymentSyncs++
			var err error
			if c.customSync {
				// A replacement sync works on copies only.
				err = c.syncDeploy(customEnv{env}, d.Clone())
			} else {
				err = c.syncDeploy(env, d)
			}
			c.syncDone(env, d, err)
			c.syncing = nil
		}
	}
}

func cmpKey(a, b *meta.ObjectMeta) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}

// nameDraw draws one character index of a generated name.
func (c *Cluster) nameDraw() uint64 { return uint64(c.names.Intn(pod.NameAlphabetLen)) }
