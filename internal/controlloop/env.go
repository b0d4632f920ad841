package controlloop

import (
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/internal/podindex"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// index returns the pod index of a stored ReplicaSet.
func index(rs *replicaset.ReplicaSet) *podindex.Index { return rs.PodIndex(podindex.Token{}) }

// controllerEnv gives the controllers their view of the cluster: they
// read the stored objects as upstream's read their listers' caches, and
// write through the API server.
type controllerEnv struct{ l *Loop }

var (
	_ replicaset.Env = controllerEnv{}
	_ deployment.Env = controllerEnv{}
)

func (e controllerEnv) Now() time.Time { return e.l.api.Now }

func (e controllerEnv) Event(obj *meta.ObjectMeta, kind, typ, reason, message string) {
	e.l.record(obj, kind, typ, reason, message)
}

// CreatePod makes a pod of rs from its template and schedules it.
func (e controllerEnv) CreatePod(rs *replicaset.ReplicaSet) *pod.Pod {
	l := e.l
	api := l.api
	p := &pod.Pod{Spec: &rs.Spec.Template.Spec, Phase: pod.Pending, Startup: l.Kubelet.StartupFor()}
	p.Namespace = rs.Namespace
	for {
		p.Name = rs.Name + "-" + pod.RandomSuffix(5, api.NameDraw)
		if _, taken := api.Pods[apiserver.Key{Namespace: p.Namespace, Name: p.Name}]; !taken {
			break
		}
	}
	p.Labels = rs.Spec.Template.Labels
	p.Annotations = rs.Spec.Template.Annotations
	p.Owner = rs.PodOwner()
	if !api.Nodes.HasNodes() {
		// With no nodes a pod is created bound: its first stored state,
		// which watchers see, is the one a read then gives.
		p.Bound, p.BoundAt = true, api.Now
	}
	api.Created(&p.ObjectMeta)
	api.Pods[apiserver.Key{Namespace: p.Namespace, Name: p.Name}] = p
	index(rs).Add(p, rs.Spec.MinReadySeconds)
	api.Committed(apiserver.Write{Op: apiserver.Added, Pod: p})
	l.place(p, rs)
	return p
}

func (e controllerEnv) DeletePod(rs *replicaset.ReplicaSet, p *pod.Pod) { e.l.deletePod(rs, p) }

func (e controllerEnv) WriteStatus(rs *replicaset.ReplicaSet, st replicaset.Status) {
	rs.Status = st
	e.l.api.Committed(apiserver.Write{Op: apiserver.Modified, ReplicaSet: rs})
}

func (e controllerEnv) Colocation(rs *replicaset.ReplicaSet) func(*pod.Pod) int {
	if !e.l.api.Nodes.HasNodes() {
		return nil
	}
	counts := e.l.api.Nodes.Colocation(ownerUID(rs))
	return func(p *pod.Pod) int { return counts[p.NodeName] }
}

// ReplicaSets lends the built-in controller the stored ReplicaSets, the
// views it reads as upstream's reads its lister's cache: it copies the
// list before changing it and changes ReplicaSets only through update
// copies.
func (e controllerEnv) ReplicaSets(d *deployment.Deployment) []*replicaset.ReplicaSet {
	return e.l.api.ByOwner[d.UID]
}

// customEnv is the Env of a replacement sync: it hands out copies, so
// that what the sync changes in place reaches the store only through the
// Env's writes, checked as any write is.
type customEnv struct{ controllerEnv }

func (e customEnv) ReplicaSets(d *deployment.Deployment) []*replicaset.ReplicaSet {
	own := e.l.api.ByOwner[d.UID]
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
	return e.l.api.CreateReplicaSet(rs, nil)
}

func (e controllerEnv) GetReplicaSet(namespace, name string) *replicaset.ReplicaSet {
	rs, _ := e.l.api.ReplicaSet(namespace, name)
	return rs
}

// UpdateReplicaSet commits the controller's changed copy of a ReplicaSet:
// its annotations, replicas and minReadySeconds (the controller changes
// no other part of an existing ReplicaSet's spec).
func (e controllerEnv) UpdateReplicaSet(cp *replicaset.ReplicaSet) error {
	l := e.l
	cur := l.api.ReplicaSets[apiserver.KeyOf(&cp.ObjectMeta)]
	if cur == nil || cur.UID != cp.UID {
		return &meta.NotFoundError{Resource: "replicasets.apps", Name: cp.Name}
	}
	w := apiserver.Write{Op: apiserver.Modified, ReplicaSet: cur, Expect: cp.ResourceVersion}
	if err := l.api.Check(&w); err != nil {
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
	l.api.Committed(w)
	cp.ResourceVersion, cp.Generation = cur.ResourceVersion, cur.Generation
	if minReadyChanged {
		// Availability follows minReadySeconds.
		for _, p := range index(cur).Recount(cur.Spec.MinReadySeconds, l.api.Now) {
			kubelet.MayBecomeAvailable(kubeletHost{l}, p, cur)
		}
	}
	return nil
}

func (e controllerEnv) ActivePods(rs *replicaset.ReplicaSet) int {
	if cur := e.l.api.ReplicaSets[apiserver.KeyOf(&rs.ObjectMeta)]; cur != nil && cur.UID == rs.UID {
		x := index(cur)
		return x.Active() + x.Terminating()
	}
	return 0
}

// DeleteReplicaSet deletes the stored ReplicaSet rs stands for (rs may be
// a replacement sync's copy).
func (e controllerEnv) DeleteReplicaSet(rs *replicaset.ReplicaSet) {
	if cur := e.l.api.ReplicaSets[apiserver.KeyOf(&rs.ObjectMeta)]; cur != nil && cur.UID == rs.UID {
		e.l.deleteReplicaSet(cur)
	}
}

// stored returns the stored Deployment d is a copy of (nil when it is
// gone): usually the one being synced, found without a lookup.
func (l *Loop) stored(d *deployment.Deployment) *deployment.Deployment {
	if s := l.syncing; s != nil && s.UID == d.UID && s.Name == d.Name && s.Namespace == d.Namespace {
		return s
	}
	if cur := l.api.Deployments[apiserver.KeyOf(&d.ObjectMeta)]; cur != nil && cur.UID == d.UID {
		return cur
	}
	return nil
}

func (e controllerEnv) UpdateDeploymentStatus(d *deployment.Deployment) error {
	l := e.l
	cur := l.stored(d)
	if cur == nil {
		return &meta.NotFoundError{Resource: "deployments.apps", Name: d.Name}
	}
	w := apiserver.Write{Op: apiserver.Modified, Deployment: cur, Expect: d.ResourceVersion}
	if err := l.api.Check(&w); err != nil {
		return err
	}
	storeDeploymentStatus(cur, d)
	l.api.Committed(w)
	return nil
}

// storeDeploymentStatus copies d's status and annotations into cur.
func storeDeploymentStatus(cur, d *deployment.Deployment) {
	conds := cur.Status.Conditions
	cur.Status = d.Status
	// The stored conditions are the store's own (readers get copies), so
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
	cur := e.l.stored(d)
	if cur == nil {
		return &meta.NotFoundError{Resource: "deployments.apps", Name: d.Name}
	}
	return e.l.api.Commit(apiserver.Write{Op: apiserver.Modified, Deployment: cur, Expect: d.ResourceVersion,
		Apply: func() bool { return apiserver.StoreDeploymentSpec(cur, d, false) }})
}

// RequeueRateLimited asks for a sync of d after the delay of upstream's
// default controller rate limiter (workqueue.RateLimiter).
func (e controllerEnv) RequeueRateLimited(d *deployment.Deployment) {
	l := e.l
	cur := l.stored(d)
	if cur == nil {
		return
	}
	e.RequeueAt(d, l.api.Now.Add(l.limiter.When(cur, l.api.Now)))
}

// RequeueAt asks for a sync of d at t, as a delayed add to upstream's work
// queue: the queue keeps one waiting entry per Deployment, the earliest
// asked for, and an instant already come queues d at once.
func (e controllerEnv) RequeueAt(d *deployment.Deployment, t time.Time) {
	l := e.l
	cur := l.stored(d)
	if cur == nil {
		return
	}
	if !t.After(l.api.Now) {
		l.dirtyDeploy.Add(cur)
		return
	}
	if l.requeues.Offer(cur, t) {
		l.timers.push(timer{at: t, order: cur.CreationIndex, kind: deploymentCheck, dep: cur})
	}
}

// The scheduler's queue calls back through the controllers' Env.

func (e controllerEnv) Waiting(p *pod.Pod) bool {
	return e.l.api.Pods[apiserver.Key{Namespace: p.Namespace, Name: p.Name}] == p
}

func (e controllerEnv) Bind(p *pod.Pod, node string) { e.l.bindTo(p, e.l.api.PodOwner(p), node, true) }

// Unschedulable marks a pod that fits nowhere, with an event when the
// reason is new.
func (e controllerEnv) Unschedulable(p *pod.Pod, why string) {
	if p.Message == why {
		return
	}
	p.Reason, p.Message = "Unschedulable", why
	e.l.record(&p.ObjectMeta, "Pod", "Warning", "FailedScheduling", why)
}

// kubeletHost is the kubelet's way into the loop.
type kubeletHost struct{ l *Loop }

func (h kubeletHost) Now() time.Time { return h.l.api.Now }

func (h kubeletHost) Commit(p *pod.Pod) {
	h.l.api.Committed(apiserver.Write{Op: apiserver.Modified, Pod: p})
}

func (h kubeletHost) After(at time.Time, w kubelet.Wake, p *pod.Pod, rs *replicaset.ReplicaSet) {
	h.l.timers.push(timer{at: at, order: p.CreationIndex, kind: w, pod: p, rs: rs})
}

func (h kubeletHost) Available(rs *replicaset.ReplicaSet) { h.l.dirtyRS.Add(rs) }

func (h kubeletHost) Remove(p *pod.Pod, rs *replicaset.ReplicaSet) { h.l.removePod(rs, p) }
