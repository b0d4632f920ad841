// Package replicaset holds the ReplicaSet type and its controller, which
// creates and deletes pods until a ReplicaSet's active pods match
// spec.replicas, and keeps its status.
//
// The ReplicaSet a cluster stores indexes its own pods by lifecycle state
// and keeps running counts of them (internal/podindex), so neither a
// status update nor the choice of pods to delete scans every pod of the
// cluster.
package replicaset

import (
	"maps"
	"time"

	"github.com/rollsim/rollsim/internal/podindex"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// ReplicaSet keeps a number of identical pods running.
type ReplicaSet struct {
	meta.ObjectMeta
	// Spec is the desired state.
	Spec Spec
	// Status is the state last written by the controller.
	Status Status

	pods     podindex.Index
	podOwner *meta.OwnerRef
	// sharedAnnotations marks an update copy whose annotations are still
	// the original's map (see UpdateCopy).
	sharedAnnotations bool
}

// UpdateCopy returns a copy of rs for a writer to change and hand to an
// update, as a controller changes a copy of what its lister returns: the
// metadata, spec and status, without the pod index. The copy's
// annotations become its own at its first SetAnnotation; its selector,
// template and status conditions are shared with rs and must not be
// changed.
func (rs *ReplicaSet) UpdateCopy() ReplicaSet {
	return ReplicaSet{ObjectMeta: rs.ObjectMeta, Spec: rs.Spec, Status: rs.Status, sharedAnnotations: true}
}

// SetAnnotation sets an annotation, giving an update copy its own
// annotations first.
func (rs *ReplicaSet) SetAnnotation(key, value string) {
	if rs.sharedAnnotations {
		rs.Annotations = maps.Clone(rs.Annotations)
		rs.sharedAnnotations = false
	}
	rs.ObjectMeta.SetAnnotation(key, value)
}

// PodOwner returns the owner reference the ReplicaSet's pods carry. Every
// pod shares it, so it must not be changed; a clone of a pod copies it.
func (rs *ReplicaSet) PodOwner() *meta.OwnerRef {
	if o := rs.podOwner; o != nil && o.Name == rs.Name && o.UID == rs.UID {
		return o
	}
	rs.podOwner = &meta.OwnerRef{Kind: "ReplicaSet", Name: rs.Name, UID: rs.UID}
	return rs.podOwner
}

// Spec is a ReplicaSet's desired state.
type Spec struct {
	// Replicas is the desired number of pods.
	Replicas int32
	// MinReadySeconds is how long a pod must be Ready to count as available.
	MinReadySeconds int32
	// Selector picks the pods the ReplicaSet owns.
	Selector *meta.Selector
	// Template describes the pods to create.
	Template pod.Template
}

// Status is what the controller last observed.
type Status struct {
	// Replicas counts active pods.
	Replicas int32
	// FullyLabeledReplicas counts active pods carrying every template label.
	FullyLabeledReplicas int32
	// ReadyReplicas counts active Ready pods.
	ReadyReplicas int32
	// AvailableReplicas counts active pods Ready for MinReadySeconds.
	AvailableReplicas int32
	// TerminatingReplicas counts the pods being deleted that still run
	// out their grace period.
	TerminatingReplicas int32
	// ObservedGeneration is the generation the controller last acted on.
	ObservedGeneration int64
	// Conditions such as ReplicaFailure.
	Conditions []Condition
}

// Condition is a ReplicaSet status condition.
type Condition struct {
	// Type of the condition, such as "ReplicaFailure".
	Type string
	// Status is "True", "False" or "Unknown".
	Status string
	// Reason is a one-word cause.
	Reason string
	// Message is the detail.
	Message string
	// LastTransitionTime is when Status last changed.
	LastTransitionTime time.Time
}

// Clone returns a deep copy of rs without its pod index, for callers
// outside the cluster.
func (rs *ReplicaSet) Clone() *ReplicaSet {
	c := &ReplicaSet{ObjectMeta: rs.ObjectMeta.Clone(), Spec: rs.Spec, Status: rs.Status}
	c.Spec.Selector = rs.Spec.Selector.Clone()
	c.Spec.Template = rs.Spec.Template.Clone()
	c.Status.Conditions = append([]Condition(nil), rs.Status.Conditions...)
	return c
}

// Image returns the first container's image of the template.
func (rs *ReplicaSet) Image() string { return rs.Spec.Template.Image() }

// Observed returns the status the controller would write now: the counts
// of the ReplicaSet's active pods at this instant.
// upstream: ../replicaset/replica_set_utils.go calculateStatus
func (rs *ReplicaSet) Observed() Status {
	st := rs.Status
	st.Replicas = int32(rs.pods.Active())
	st.FullyLabeledReplicas = int32(rs.pods.Active())
	st.ReadyReplicas = int32(rs.pods.Ready())
	st.AvailableReplicas = int32(rs.pods.Available())
	st.TerminatingReplicas = int32(rs.pods.Terminating())
	st.ObservedGeneration = rs.Generation
	return st
}

// PodIndex returns the index of the pods of the ReplicaSet a cluster
// stores, which that cluster keeps as its pods come, change and go. Its
// argument's type is internal to this module: a client counts pods with
// the ReplicaSet's status or Cluster.PodsOf, and a Clone has no index.
func (rs *ReplicaSet) PodIndex(podindex.Token) *podindex.Index { return &rs.pods }

// Revision returns the deployment.kubernetes.io/revision annotation as a
// number: 0 when absent, -1 when it does not parse.
func (rs *ReplicaSet) Revision() int64 {
	v, ok := rs.Annotations[RevisionAnnotation]
	if !ok {
		return 0
	}
	var n int64
	if v == "" {
		return -1
	}
	for _, c := range v {
		if c < '0' || c > '9' || n > 1<<58 {
			return -1
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// RevisionAnnotation holds the revision a Deployment's ReplicaSet stands for.
const RevisionAnnotation = meta.RevisionAnnotation
