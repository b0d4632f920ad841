package replicaset

import (
	"slices"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// BurstReplicas caps the pods one sync creates or deletes, as upstream's
// ReplicaSet controller does; a larger difference takes several syncs.
const BurstReplicas = 500

// Env is what the controller needs from the cluster that runs it.
type Env interface {
	// Now returns the fake clock's time.
	Now() time.Time
	// CreatePod creates, stores and (if it can) binds a pod of rs from its
	// template, and records it in rs's PodIndex.
	CreatePod(rs *ReplicaSet) *pod.Pod
	// DeletePod deletes p, which leaves rs's PodIndex.
	DeletePod(rs *ReplicaSet, p *pod.Pod)
	// WriteStatus stores a new status of rs.
	WriteStatus(rs *ReplicaSet, st Status)
	// Colocation returns, for the deletion ranking, a function counting
	// the active pods of rs's owner on a pod's node; nil when the cluster
	// has no nodes (every pod then shares the same, empty, node).
	Colocation(rs *ReplicaSet) func(*pod.Pod) int
	// Event records an event about rs.
	Event(obj *meta.ObjectMeta, kind, typ, reason, message string)
}

// Sync reconciles rs once, as upstream's syncReplicaSet does: it computes
// the status from the pods as they are when the sync starts, creates or
// deletes up to BurstReplicas pods to close the gap to spec.replicas, then
// writes that status if it changed (so counts catch up with the pods it
// created or deleted only on the next sync). It reports whether it changed
// anything.
// upstream: ../replicaset/replica_set.go syncReplicaSet
func Sync(env Env, rs *ReplicaSet) bool {
	st := rs.Observed()
	changed := false
	diff := rs.pods.Active() - int(rs.Spec.Replicas)
	switch {
	case diff < 0:
		for range min(-diff, BurstReplicas) {
			p := env.CreatePod(rs)
			env.Event(&rs.ObjectMeta, "ReplicaSet", "Normal", "SuccessfulCreate", "Created pod: "+p.Name)
		}
		changed = true
	case diff > 0:
		victims := rs.pods.Victims(min(diff, BurstReplicas), env.Now(), env.Colocation(rs))
		for _, p := range victims {
			env.DeletePod(rs, p)
			env.Event(&rs.ObjectMeta, "ReplicaSet", "Normal", "SuccessfulDelete", "Deleted pod: "+p.Name)
		}
		changed = true
	}
	if !statusEqual(&st, &rs.Status) {
		env.WriteStatus(rs, st)
		changed = true
	}
	return changed
}

func statusEqual(a, b *Status) bool {
	return a.Replicas == b.Replicas && a.FullyLabeledReplicas == b.FullyLabeledReplicas &&
		a.ReadyReplicas == b.ReadyReplicas && a.AvailableReplicas == b.AvailableReplicas && a.TerminatingReplicas == b.TerminatingReplicas &&
		a.ObservedGeneration == b.ObservedGeneration && slices.Equal(a.Conditions, b.Conditions)
}
