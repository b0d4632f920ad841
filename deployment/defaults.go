package deployment

import (
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// Default fills the fields the API server defaults on a Deployment:
// replicas 1, strategy RollingUpdate with 25% surge and 25% unavailable,
// revisionHistoryLimit 10, progressDeadlineSeconds 600, restart policy
// Always and TCP ports in the template.
func Default(d *Deployment) {
	if d.Namespace == "" {
		d.Namespace = meta.DefaultNamespace
	}
	if d.Spec.Replicas == nil {
		d.Spec.Replicas = Ptr[int32](1)
	}
	if d.Spec.Strategy.Type == "" {
		d.Spec.Strategy.Type = RollingUpdate
	}
	if d.Spec.Strategy.Type == RollingUpdate {
		if d.Spec.Strategy.RollingUpdate == nil {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateParams{}
		}
		ru := d.Spec.Strategy.RollingUpdate
		if ru.MaxUnavailable == nil {
			ru.MaxUnavailable = Percent("25%")
		}
		if ru.MaxSurge == nil {
			ru.MaxSurge = Percent("25%")
		}
	}
	if d.Spec.RevisionHistoryLimit == nil {
		d.Spec.RevisionHistoryLimit = Ptr[int32](10)
	}
	if d.Spec.ProgressDeadlineSeconds == nil {
		d.Spec.ProgressDeadlineSeconds = Ptr[int32](600)
	}
	replicaset.DefaultTemplate(&d.Spec.Template)
}

// Fenceposts resolves maxSurge and maxUnavailable against the desired
// replicas: surge rounds up, unavailable rounds down, and when both come
// to 0 unavailable becomes 1.
func Fenceposts(d *Deployment) (surge, unavailable int32) {
	ru := d.Spec.Strategy.RollingUpdate
	if ru == nil {
		return 0, 1
	}
	replicas := d.DesiredReplicas()
	surge, _ = ru.MaxSurge.Scaled(replicas, true)
	unavailable, _ = ru.MaxUnavailable.Scaled(replicas, false)
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable
}

// MaxSurge returns how many pods may exist above the desired count: 0
// unless the strategy is RollingUpdate.
func MaxSurge(d *Deployment) int32 {
	if d.Spec.Strategy.Type != RollingUpdate {
		return 0
	}
	s, _ := Fenceposts(d)
	return s
}

// MaxUnavailable returns how many of the desired pods may be unavailable:
// 0 unless the strategy is RollingUpdate or when replicas is 0, and never
// more than replicas.
func MaxUnavailable(d *Deployment) int32 {
	replicas := d.DesiredReplicas()
	if d.Spec.Strategy.Type != RollingUpdate || replicas == 0 {
		return 0
	}
	_, u := Fenceposts(d)
	return min(u, replicas)
}

// HasProgressDeadline reports whether a progress deadline is in force.
func HasProgressDeadline(d *Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != NoLimit
}

// HasRevisionHistoryLimit reports whether old ReplicaSets are cleaned up.
func HasRevisionHistoryLimit(d *Deployment) bool {
	return d.Spec.RevisionHistoryLimit != nil && *d.Spec.RevisionHistoryLimit != NoLimit
}
