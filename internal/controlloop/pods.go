package controlloop

import (
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// This file holds what happens to pods between the controllers, the
// scheduler and the kubelet: binding, graceful deletion, and the garbage
// collector's cascade from a deleted owner to what it owns.

// place binds a new pod: at once when the cluster has no nodes, else to
// the best node with room, or it leaves the pod Pending in the
// scheduler's queue.
func (l *Loop) place(p *pod.Pod, rs *replicaset.ReplicaSet) {
	sched := l.api.Nodes
	if !sched.HasNodes() {
		l.bindTo(p, rs, "", false)
		return
	}
	node, why := sched.Place(p)
	if node == "" {
		sched.Wait(p, ownerUID(rs))
		controllerEnv{l}.Unschedulable(p, why)
		return
	}
	l.bindTo(p, rs, node, false)
}

// bindTo records that p, which may have waited for room, runs on node,
// and starts the kubelet's countdown.
func (l *Loop) bindTo(p *pod.Pod, rs *replicaset.ReplicaSet, node string, waited bool) {
	if node != "" {
		l.api.Nodes.Bound(p, ownerUID(rs), node, waited)
	}
	p.Bound = true
	p.BoundAt = l.api.Now
	p.Reason, p.Message = "", ""
	index(rs).Changed(p, false)
	if node != "" {
		// Binding to a node is a write; with no nodes the pod is
		// created bound.
		l.api.Committed(apiserver.Write{Op: apiserver.Modified, Pod: p})
	}
	kubelet.Bound(kubeletHost{l}, p, rs)
}

// deletePod deletes a pod of rs as the API server does: a bound pod with a
// grace period keeps running out of it, Terminating, no longer active for
// rs but still holding its node's room; any other is gone at once.
func (l *Loop) deletePod(rs *replicaset.ReplicaSet, p *pod.Pod) {
	if p.Terminating() {
		return
	}
	l.deletePodWithin(rs, p, time.Duration(p.Spec.TerminationGracePeriodSeconds())*time.Second)
}

// deletePodWithin deletes p with grace period grace: it stays
// Terminating while its containers stop, at most that long.
func (l *Loop) deletePodWithin(rs *replicaset.ReplicaSet, p *pod.Pod, grace time.Duration) {
	stop := l.Kubelet.GraceWithin(grace)
	if stop <= 0 || !p.Bound {
		l.removePod(rs, p)
		return
	}
	l.api.Nodes.Terminating(p, ownerUID(rs))
	kubelet.Terminate(kubeletHost{l}, p, rs, grace, stop)
}

// removePod deletes a pod of rs from the store.
func (l *Loop) removePod(rs *replicaset.ReplicaSet, p *pod.Pod) {
	delete(l.api.Pods, apiserver.Key{Namespace: p.Namespace, Name: p.Name})
	l.api.Nodes.Gone(p, ownerUID(rs))
	if rs != nil && l.api.ReplicaSets[apiserver.KeyOf(&rs.ObjectMeta)] == rs {
		index(rs).Remove(p)
	}
	l.api.Committed(apiserver.Write{Op: apiserver.Deleted, Pod: p})
}

// ownerUID names the owner whose pods the deletion ranking counts per
// node: the Deployment of rs, or rs itself; "" for no ReplicaSet.
func ownerUID(rs *replicaset.ReplicaSet) string {
	switch {
	case rs == nil:
		return ""
	case rs.Owner != nil:
		return rs.Owner.UID
	}
	return rs.UID
}

// DeletePod deletes a stored pod, gracefully when the kubelet gives it a
// grace period.
func (l *Loop) DeletePod(p *pod.Pod) {
	l.deletePod(l.api.PodOwner(p), p)
	l.Reconcile()
}

// DeletePodGrace deletes a stored pod as a delete with gracePeriodSeconds
// does: the request's grace period replaces the pod's own (a negative one
// counts as 1s), and the pod stays Terminating while its containers stop
// within it; 0, kubectl's --grace-period=0 --force, removes it at once. A
// pod Terminating already can only have its grace period shortened,
// counted from its deletion, as the API server shortens it.
func (l *Loop) DeletePodGrace(p *pod.Pod, grace time.Duration) {
	rs := l.api.PodOwner(p)
	if grace < 0 {
		grace = time.Second
	}
	if !p.Terminating() {
		l.deletePodWithin(rs, p, grace)
		l.Reconcile()
		return
	}
	old := time.Duration(p.DeletionGracePeriodSeconds) * time.Second
	if grace < old {
		deleted := p.DeletionDeadline.Add(-l.Kubelet.GraceWithin(old))
		if at := deleted.Add(l.Kubelet.GraceWithin(grace)); grace == 0 || !at.After(l.api.Now) {
			l.removePod(rs, p)
		} else {
			if p.DeletionDeadline.Before(at) {
				at = p.DeletionDeadline
			}
			kubelet.Shorten(kubeletHost{l}, p, rs, at, grace)
		}
	}
	l.Reconcile()
}

// DeleteReplicaSet deletes a stored ReplicaSet and its pods, as a
// client's delete with background propagation does.
func (l *Loop) DeleteReplicaSet(rs *replicaset.ReplicaSet) {
	l.deleteReplicaSet(rs)
	l.Reconcile()
}

// deleteReplicaSet deletes rs and, first, its pods.
func (l *Loop) deleteReplicaSet(rs *replicaset.ReplicaSet) {
	var gone []*pod.Pod
	index(rs).All(func(p *pod.Pod) bool { gone = append(gone, p); return true })
	for _, p := range gone {
		l.deletePod(rs, p)
	}
	l.api.RemoveReplicaSet(rs)
}

// DeleteDeployment deletes a stored Deployment with its ReplicaSets and
// pods.
func (l *Loop) DeleteDeployment(d *deployment.Deployment) {
	for _, rs := range slices.Clone(l.api.ByOwner[d.UID]) {
		l.deleteReplicaSet(rs)
	}
	l.api.RemoveDeployment(d)
	l.Reconcile()
}
