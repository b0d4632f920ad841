// Package pod holds the Pod type, the simulated pod lifecycle (bound,
// started, Ready, available) and the ranking the ReplicaSet controller uses
// to choose which pods to delete.
//
// A pod is created Pending. Once it is bound to a node (at once when the
// cluster has no nodes) it starts: after its startup delay it is Running
// and, unless its image is marked never-ready, Ready. It is available once it
// has been Ready for its ReplicaSet's minReadySeconds.
//
// A pod template (Template) holds every field of a PodTemplateSpec: the
// ones the simulator models as plain fields, the rest as k8s.io/api values
// (Template.Meta, Spec.Extra, Container.Extra) that are kept, defaulted,
// validated, compared and hashed as upstream does but not simulated: a
// probe does not delay readiness, a volume mounts nothing. Template.API
// gives the whole template back as the API's type.
package pod

import (
	"time"

	"github.com/rollsim/rollsim/meta"
)

// Phase is a pod's lifecycle phase.
type Phase string

// The pod phases, as in Kubernetes.
const (
	Pending   Phase = "Pending"
	Running   Phase = "Running"
	Succeeded Phase = "Succeeded"
	Failed    Phase = "Failed"
	Unknown   Phase = "Unknown"
)

// Pod is one simulated pod. Pods created by a ReplicaSet share its
// template's Labels, Annotations and Spec: treat them as read-only.
type Pod struct {
	meta.ObjectMeta
	// Spec is the pod's spec.
	Spec *Spec
	// NodeName is the node the pod is bound to; empty while unbound, and
	// for pods bound in a cluster without nodes.
	NodeName string
	// Bound reports whether the pod has been placed (on NodeName, or on
	// the unlimited room of a cluster without nodes).
	Bound bool
	// BoundAt is when the pod was bound.
	BoundAt time.Time
	// Startup is how long after binding the pod starts.
	Startup time.Duration
	// Phase is the pod's lifecycle phase.
	Phase Phase
	// Ready reports the Ready condition.
	Ready bool
	// ReadyTime is the last transition of the Ready condition to true, to
	// the second as the API server stores it.
	ReadyTime time.Time
	// NeverReady marks a pod whose image never passes its readiness check.
	NeverReady bool
	// Available is kept by the owning ReplicaSet: Ready for its
	// minReadySeconds.
	Available bool
	// DeletionTimestamp is set when the pod is deleted while it still has
	// a grace period to run out: the API server's record of the end of
	// that grace period, to the second (the pod goes sooner when its
	// containers stop sooner). Zero for a pod not being deleted.
	DeletionTimestamp time.Time
	// DeletionDeadline is the exact instant a Terminating pod is gone.
	DeletionDeadline time.Time
	// DeletionGracePeriodSeconds is the grace period it was given, in
	// whole seconds as the API server records it.
	DeletionGracePeriodSeconds int64
	// Restarts counts the restarts of its most restarted container, and
	// LastExit is when a container of it last exited.
	Restarts int32
	LastExit time.Time
	// CrashLooping marks a pod whose container exited and waits for the
	// kubelet's back-off before it starts again.
	CrashLooping bool
	// Reason explains a Pending pod's state, such as "Unschedulable".
	Reason string
	// Message is the human-readable detail of Reason.
	Message string

	// list membership, owned by List.
	list       *List
	prev, next *Pod
}

// Clone returns a deep copy of p, outside any list: its spec, labels,
// annotations and owner reference are its own, where a pod in a cluster
// shares them with its ReplicaSet's template.
func (p *Pod) Clone() *Pod {
	c := *p
	c.ObjectMeta = p.ObjectMeta.Clone()
	if p.Spec != nil {
		spec := Template{Spec: *p.Spec}.Clone().Spec
		c.Spec = &spec
	}
	c.list, c.prev, c.next = nil, nil, nil
	return &c
}

// Image returns the first container's image.
func (p *Pod) Image() string {
	if p.Spec == nil || len(p.Spec.Containers) == 0 {
		return ""
	}
	return p.Spec.Containers[0].Image
}

// ReadyAt returns when the pod will start (and, unless never-ready, become
// Ready): its bind time plus its startup delay. Only meaningful once bound.
func (p *Pod) ReadyAt() time.Time { return p.BoundAt.Add(p.Startup) }

// IsAvailable reports whether the pod counts as available at now for a
// ReplicaSet with the given minReadySeconds: Ready, and Ready for at least
// that long.
func (p *Pod) IsAvailable(minReadySeconds int32, now time.Time) bool {
	if !p.Ready {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	return !p.ReadyTime.Add(time.Duration(minReadySeconds) * time.Second).After(now)
}

// AvailableAt returns when a Ready pod becomes available under
// minReadySeconds.
func (p *Pod) AvailableAt(minReadySeconds int32) time.Time {
	return p.ReadyTime.Add(time.Duration(minReadySeconds) * time.Second)
}

// Terminating reports whether the pod has been deleted and is running out
// its grace period.
func (p *Pod) Terminating() bool { return !p.DeletionTimestamp.IsZero() }

// Status returns the STATUS column kubectl shows for the pod.
func (p *Pod) Status() string {
	switch {
	case p.Terminating():
		return "Terminating"
	case p.CrashLooping:
		return "CrashLoopBackOff"
	case p.Phase == Running:
		return "Running"
	case !p.Bound:
		return "Pending"
	default:
		return "ContainerCreating"
	}
}
