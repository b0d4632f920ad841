package replicaset

import (
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// Default fills the fields the API server defaults on a ReplicaSet's pod
// template (restart policy Always, TCP ports).
func Default(rs *ReplicaSet) {
	DefaultTemplate(&rs.Spec.Template)
}

// DefaultTemplate fills a pod template's defaulted fields, as
// pod.Template.Default does.
func DefaultTemplate(t *pod.Template) { t.Default() }

// Validate checks rs as the API server does on create, returning a
// *meta.InvalidError listing every problem, or nil.
// upstream: ../../apis/apps/validation/validation.go ValidateReplicaSet
func Validate(rs *ReplicaSet) error {
	errs := meta.ValidateName(rs.Name, nil)
	errs = meta.ValidateNamespace(rs.Namespace, errs)
	if rs.Spec.Replicas < 0 {
		errs = append(errs, meta.Invalid("spec.replicas", rs.Spec.Replicas, "must be greater than or equal to 0"))
	}
	if rs.Spec.MinReadySeconds < 0 {
		errs = append(errs, meta.Invalid("spec.minReadySeconds", rs.Spec.MinReadySeconds, "must be greater than or equal to 0"))
	}
	switch {
	case rs.Spec.Selector == nil:
		errs = append(errs, meta.Required("spec.selector", ""))
	case rs.Spec.Selector.Empty():
		errs = append(errs, meta.Invalid("spec.selector", rs.Spec.Selector, "empty selector is invalid for deployment"))
	}
	errs = pod.ValidateTemplate(&rs.Spec.Template, rs.Spec.Selector, "spec.template", errs)
	if len(errs) == 0 {
		return nil
	}
	return &meta.InvalidError{Kind: "ReplicaSet", Group: "apps", Name: rs.Name, Causes: errs}
}
