// Package deployment holds the Deployment type, the API server's defaults
// and validation for it, and the Deployment controller: it rolls a
// Deployment's pod template out through ReplicaSets, stepped by maxSurge and
// maxUnavailable or by Recreate, numbering revisions and keeping status and
// conditions, as upstream Kubernetes v1.37's controller does.
//
// The controller is laid out as upstream's pkg/controller/deployment, so
// that the two read side by side: deployment_controller.go, sync.go,
// rolling.go, recreate.go, rollback.go, progress.go, and util.go for
// util/deployment_util.go. A function that does what one of upstream's
// does carries its name, and an "upstream: FILE FUNCTION" line (FILE
// relative to that directory) says which. What is there only to make a
// sync cheap (a copy-on-write working copy, scratch memory, memos kept
// between syncs) sits behind one seam, the speedups of fastpath.go.
package deployment

import (
	"math"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// Strategy types.
const (
	RollingUpdate = "RollingUpdate"
	Recreate      = "Recreate"
)

// TemplateHashLabel is the label that tells a Deployment's ReplicaSets apart.
const TemplateHashLabel = meta.TemplateHashLabel

// Annotations the controller and kubectl use.
const (
	RevisionAnnotation        = meta.RevisionAnnotation
	RevisionHistoryAnnotation = meta.RevisionHistoryAnnotation
	DesiredReplicasAnnotation = meta.DesiredReplicasAnnotation
	MaxReplicasAnnotation     = meta.MaxReplicasAnnotation
	RollbackToAnnotation      = meta.RollbackToAnnotation
	LastAppliedAnnotation     = meta.LastAppliedAnnotation
	ChangeCauseAnnotation     = meta.ChangeCauseAnnotation
	RestartedAtAnnotation     = meta.RestartedAtAnnotation
)

// NoLimit is the value of revisionHistoryLimit and progressDeadlineSeconds
// that turns the limit off.
const NoLimit = math.MaxInt32

// Deployment rolls a pod template out through ReplicaSets.
type Deployment struct {
	meta.ObjectMeta
	// Spec is the desired state.
	Spec Spec
	// Status is the state last written by the controller.
	Status Status
}

// Spec mirrors apps/v1 DeploymentSpec.
type Spec struct {
	// Replicas is the desired number of pods; nil defaults to 1.
	Replicas *int32
	// Selector picks the ReplicaSets and pods the Deployment owns.
	Selector *meta.Selector
	// Template is the pod template to roll out.
	Template pod.Template
	// Strategy is how to replace old pods by new ones.
	Strategy Strategy
	// MinReadySeconds is how long a new pod must be Ready to be available.
	MinReadySeconds int32
	// RevisionHistoryLimit is how many old ReplicaSets to keep; nil
	// defaults to 10.
	RevisionHistoryLimit *int32
	// Paused stops rollouts (scaling still happens).
	Paused bool
	// ProgressDeadlineSeconds is how long a rollout may make no progress
	// before it is reported failed; nil defaults to 600.
	ProgressDeadlineSeconds *int32
}

// Strategy mirrors apps/v1 DeploymentStrategy.
type Strategy struct {
	// Type is RollingUpdate (the default) or Recreate.
	Type string
	// RollingUpdate parameters; only with Type RollingUpdate.
	RollingUpdate *RollingUpdateParams
}

// RollingUpdateParams bound a rolling update.
type RollingUpdateParams struct {
	// MaxUnavailable is how many pods may be unavailable during the update.
	MaxUnavailable *IntOrPercent
	// MaxSurge is how many pods may exist above the desired count.
	MaxSurge *IntOrPercent
}

// Status mirrors apps/v1 DeploymentStatus.
type Status struct {
	// ObservedGeneration is the generation the controller last acted on.
	ObservedGeneration int64
	// Replicas counts the active pods of all its ReplicaSets.
	Replicas int32
	// UpdatedReplicas counts the active pods of the current ReplicaSet.
	UpdatedReplicas int32
	// ReadyReplicas counts Ready pods.
	ReadyReplicas int32
	// AvailableReplicas counts available pods.
	AvailableReplicas int32
	// UnavailableReplicas is the desired total of its ReplicaSets minus
	// the available pods, at least 0.
	UnavailableReplicas int32
	// TerminatingReplicas counts the pods of its ReplicaSets being
	// deleted, still running out their grace period.
	TerminatingReplicas int32
	// Conditions are Progressing, Available and ReplicaFailure.
	Conditions []Condition
	// CollisionCount counts pod-template-hash collisions; nil until one.
	CollisionCount *int32
}

// Condition mirrors apps/v1 DeploymentCondition.
type Condition struct {
	// Type is Progressing, Available or ReplicaFailure.
	Type string
	// Status is "True", "False" or "Unknown".
	Status string
	// Reason is a one-word cause, such as NewReplicaSetAvailable.
	Reason string
	// Message is the detail.
	Message string
	// LastUpdateTime is when the condition was last written, to the second.
	LastUpdateTime time.Time
	// LastTransitionTime is when Status last changed, to the second.
	LastTransitionTime time.Time
}

// Condition types.
const (
	Progressing    = "Progressing"
	Available      = "Available"
	ReplicaFailure = "ReplicaFailure"
)

// Condition reasons.
const (
	ReasonNewRSCreated       = "NewReplicaSetCreated"
	ReasonFoundNewRS         = "FoundNewReplicaSet"
	ReasonRSUpdated          = "ReplicaSetUpdated"
	ReasonNewRSAvailable     = "NewReplicaSetAvailable"
	ReasonTimedOut           = "ProgressDeadlineExceeded"
	ReasonFailedRSCreate     = "ReplicaSetCreateError"
	ReasonPaused             = "DeploymentPaused"
	ReasonResumed            = "DeploymentResumed"
	ReasonMinimumAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumUnavailable = "MinimumReplicasUnavailable"
)

// Clone returns a deep copy of d.
func (d *Deployment) Clone() *Deployment {
	// The Deployment and the targets of its pointers (replicas, limits,
	// strategy, collision count) in one allocation; the Deployment alone
	// when it has none of them.
	if sp := &d.Spec; sp.Replicas == nil && sp.RevisionHistoryLimit == nil && sp.ProgressDeadlineSeconds == nil &&
		sp.Strategy.RollingUpdate == nil && d.Status.CollisionCount == nil {
		c := &Deployment{ObjectMeta: d.ObjectMeta.Clone(), Spec: d.Spec, Status: d.Status}
		c.Spec.Selector = d.Spec.Selector.Clone()
		c.Spec.Template = d.Spec.Template.Clone()
		c.Status.Conditions = append([]Condition(nil), d.Status.Conditions...)
		return c
	}
	b := &deploymentBox{}
	c := &b.d
	c.ObjectMeta = d.ObjectMeta.Clone()
	d.Spec.cloneInto(&c.Spec, &b.spec)
	c.Status = d.Status
	c.Status.Conditions = append([]Condition(nil), d.Status.Conditions...)
	if d.Status.CollisionCount != nil {
		b.collisions = *d.Status.CollisionCount
		c.Status.CollisionCount = &b.collisions
	}
	return c
}

// deploymentBox holds a cloned Deployment with what its pointers point
// to, so that a clone costs one allocation for all of them.
type deploymentBox struct {
	d          Deployment
	spec       specBox
	collisions int32
}

// specBox holds what a cloned Spec's pointers point to.
type specBox struct {
	replicas, historyLimit, deadline int32
	rollingUpdate                    RollingUpdateParams
	maxSurge, maxUnavailable         IntOrPercent
}

// Clone returns a deep copy of s.
func (s *Spec) Clone() Spec {
	var c Spec
	s.cloneInto(&c, &specBox{})
	return c
}

// cloneInto makes c a deep copy of s whose pointers point into b.
func (s *Spec) cloneInto(c *Spec, b *specBox) {
	*c = *s
	if s.Replicas != nil {
		b.replicas = *s.Replicas
		c.Replicas = &b.replicas
	}
	if s.RevisionHistoryLimit != nil {
		b.historyLimit = *s.RevisionHistoryLimit
		c.RevisionHistoryLimit = &b.historyLimit
	}
	if s.ProgressDeadlineSeconds != nil {
		b.deadline = *s.ProgressDeadlineSeconds
		c.ProgressDeadlineSeconds = &b.deadline
	}
	c.Selector = s.Selector.Clone()
	c.Template = s.Template.Clone()
	if ru := s.Strategy.RollingUpdate; ru != nil {
		c.Strategy.RollingUpdate = &b.rollingUpdate
		if ru.MaxUnavailable != nil {
			b.maxUnavailable = *ru.MaxUnavailable
			b.rollingUpdate.MaxUnavailable = &b.maxUnavailable
		}
		if ru.MaxSurge != nil {
			b.maxSurge = *ru.MaxSurge
			b.rollingUpdate.MaxSurge = &b.maxSurge
		}
	}
}

// DesiredReplicas returns spec.replicas (1 when unset).
func (d *Deployment) DesiredReplicas() int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// Condition returns the condition of type t, or nil.
func (s *Status) Condition(t string) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}

// Image returns the first container's image of the template.
func (d *Deployment) Image() string { return d.Spec.Template.Image() }

// Ptr returns a pointer to v, for the optional fields of Spec.
func Ptr[T any](v T) *T { return &v }

// Equal reports whether two specs are the same; templates are compared
// with their pod-template-hash labels.
func (a *Spec) Equal(b *Spec) bool {
	eqPtr := func(x, y *int32) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	if !eqPtr(a.Replicas, b.Replicas) || !eqPtr(a.RevisionHistoryLimit, b.RevisionHistoryLimit) ||
		!eqPtr(a.ProgressDeadlineSeconds, b.ProgressDeadlineSeconds) || a.MinReadySeconds != b.MinReadySeconds ||
		a.Paused != b.Paused || !a.Selector.Equal(b.Selector) || a.Strategy.Type != b.Strategy.Type ||
		!a.Template.EqualIgnoringHash(&b.Template) || a.Template.Labels[TemplateHashLabel] != b.Template.Labels[TemplateHashLabel] {
		return false
	}
	ra, rb := a.Strategy.RollingUpdate, b.Strategy.RollingUpdate
	if (ra == nil) != (rb == nil) {
		return false
	}
	if ra != nil {
		eqIP := func(x, y *IntOrPercent) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
		return eqIP(ra.MaxSurge, rb.MaxSurge) && eqIP(ra.MaxUnavailable, rb.MaxUnavailable)
	}
	return true
}
