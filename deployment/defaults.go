package deployment

import (
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// Default fills the fields the API server defaults on a Deployment:
// replicas 1, strategy RollingUpdate with 25% surge and 25% unavailable,
// revisionHistoryLimit 10, progressDeadlineSeconds 600, restart policy
// Always and TCP ports in the template.
// upstream: ../../apis/apps/v1/defaults.go SetDefaults_Deployment
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
