package deployment

import (
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"strconv"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

const percentDetail = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"

// Validate checks a defaulted Deployment as the API server does on create
// (old nil) or update, returning a *meta.InvalidError listing every
// problem in the server's order and wording, or nil.
// upstream: ../../apis/apps/validation/validation.go ValidateDeployment
func Validate(d, old *Deployment) error {
	errs := meta.ValidateName(d.Name, nil)
	errs = meta.ValidateNamespace(d.Namespace, errs)
	errs = meta.ValidateLabels(d.Labels, "metadata.labels", errs)
	errs = meta.ValidateAnnotations(d.Annotations, "metadata.annotations", errs)
	if m := d.Meta; m != nil {
		errs = fromFieldErrors(apivalidation.ValidateOwnerReferences(m.OwnerReferences, field.NewPath("metadata", "ownerReferences")), errs)
		errs = fromFieldErrors(apivalidation.ValidateFinalizers(m.Finalizers, field.NewPath("metadata", "finalizers")), errs)
	}
	if r := d.Spec.Replicas; r != nil && *r < 0 {
		errs = append(errs, meta.Invalid("spec.replicas", *r, "must be greater than or equal to 0"))
	}
	switch sel := d.Spec.Selector; {
	case sel == nil:
		errs = append(errs, meta.Required("spec.selector", ""))
	case sel.Empty():
		errs = append(errs, meta.Invalid("spec.selector", sel, "empty selector is invalid for deployment"))
	}
	errs = pod.ValidateTemplate(&d.Spec.Template, d.Spec.Selector, "spec.template", errs)
	errs = validateStrategy(&d.Spec.Strategy, errs)
	if d.Spec.MinReadySeconds < 0 {
		errs = append(errs, meta.Invalid("spec.minReadySeconds", d.Spec.MinReadySeconds, "must be greater than or equal to 0"))
	}
	if l := d.Spec.RevisionHistoryLimit; l != nil && *l < 0 {
		errs = append(errs, meta.Invalid("spec.revisionHistoryLimit", *l, "must be greater than or equal to 0"))
	}
	if p := d.Spec.ProgressDeadlineSeconds; p != nil {
		if *p < 0 {
			errs = append(errs, meta.Invalid("spec.progressDeadlineSeconds", *p, "must be greater than or equal to 0"))
		}
		if *p <= d.Spec.MinReadySeconds {
			errs = append(errs, meta.Invalid("spec.progressDeadlineSeconds", *p, "must be greater than minReadySeconds"))
		}
	}
	if old != nil && !d.Spec.Selector.Equal(old.Spec.Selector) {
		errs = append(errs, meta.Invalid("spec.selector", d.Spec.Selector, "field is immutable"))
	}
	if len(errs) == 0 {
		return nil
	}
	return &meta.InvalidError{Kind: "Deployment", Group: "apps", Name: d.Name, Causes: errs}
}

// validateStrategy appends the problems of a Deployment's strategy.
// upstream: ../../apis/apps/validation/validation.go ValidateDeploymentStrategy
func validateStrategy(s *Strategy, errs []meta.FieldError) []meta.FieldError {
	switch s.Type {
	case Recreate:
		if s.RollingUpdate != nil {
			errs = append(errs, meta.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"))
		}
	case RollingUpdate:
		ru := s.RollingUpdate
		if ru == nil {
			return append(errs, meta.Required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
		}
		errs = validateIntOrPercent(ru.MaxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable", errs)
		errs = validateIntOrPercent(ru.MaxSurge, "spec.strategy.rollingUpdate.maxSurge", errs)
		if intOrPercentValue(ru.MaxUnavailable) == 0 && intOrPercentValue(ru.MaxSurge) == 0 {
			errs = append(errs, meta.Invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.MaxUnavailable, "may not be 0 when `maxSurge` is 0"))
		}
		if p, ok := ru.MaxUnavailable.percentValue(); ok && p > 100 {
			errs = append(errs, meta.Invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.MaxUnavailable, "must not be greater than 100%"))
		}
	default:
		errs = append(errs, meta.NotSupported("spec.strategy", s.Type, Recreate, RollingUpdate))
	}
	return errs
}

func validateIntOrPercent(v *IntOrPercent, path string, errs []meta.FieldError) []meta.FieldError {
	switch {
	case v == nil:
	case v.IsPercent && !validPercent(v.Str):
		errs = append(errs, meta.Invalid(path, v, percentDetail))
	case !v.IsPercent && v.Int < 0:
		errs = append(errs, meta.Invalid(path, v.Int, "must be greater than or equal to 0"))
	}
	return errs
}

// intOrPercentValue is the number in v, percent or not; an invalid percent
// counts as 0, as upstream's validation does.
func intOrPercentValue(v *IntOrPercent) int {
	if v == nil {
		return 0
	}
	if p, ok := v.percentValue(); ok {
		return p
	}
	if v.IsPercent {
		// A string that is no percent counts as the integer it spells,
		// or 0.
		n, _ := strconv.Atoi(v.Str)
		return n
	}
	return int(v.Int)
}

// fromFieldErrors appends the API machinery's field errors, as the API
// server reports them, to errs.
func fromFieldErrors(list field.ErrorList, errs []meta.FieldError) []meta.FieldError {
	for _, e := range list {
		switch e.Type {
		case field.ErrorTypeRequired:
			errs = append(errs, meta.Required(e.Field, e.Detail))
		case field.ErrorTypeForbidden:
			errs = append(errs, meta.Forbidden(e.Field, e.Detail))
		default:
			errs = append(errs, meta.Invalid(e.Field, e.BadValue, e.Detail))
		}
	}
	return errs
}

// ValidateStatus checks a status a client writes (the status
// subresource) as the API server does: counts are not negative and no
// count exceeds the ones it is part of. It returns a *meta.InvalidError
// naming the Deployment, or nil.
func ValidateStatus(d *Deployment) error {
	st := &d.Status
	var errs []meta.FieldError
	nonNegative := func(field string, v int64) {
		if v < 0 {
			errs = append(errs, meta.Invalid("status."+field, v, "must be greater than or equal to 0"))
		}
	}
	nonNegative("observedGeneration", st.ObservedGeneration)
	nonNegative("replicas", int64(st.Replicas))
	nonNegative("updatedReplicas", int64(st.UpdatedReplicas))
	nonNegative("readyReplicas", int64(st.ReadyReplicas))
	nonNegative("availableReplicas", int64(st.AvailableReplicas))
	nonNegative("unavailableReplicas", int64(st.UnavailableReplicas))
	if st.CollisionCount != nil {
		nonNegative("collisionCount", int64(*st.CollisionCount))
	}
	const most = "cannot be greater than status.replicas"
	if st.UpdatedReplicas > st.Replicas {
		errs = append(errs, meta.Invalid("status.updatedReplicas", st.UpdatedReplicas, most))
	}
	if st.ReadyReplicas > st.Replicas {
		errs = append(errs, meta.Invalid("status.readyReplicas", st.ReadyReplicas, most))
	}
	if st.AvailableReplicas > st.Replicas {
		errs = append(errs, meta.Invalid("status.availableReplicas", st.AvailableReplicas, most))
	}
	if st.AvailableReplicas > st.ReadyReplicas {
		errs = append(errs, meta.Invalid("status.availableReplicas", st.AvailableReplicas, "cannot be greater than readyReplicas"))
	}
	if len(errs) == 0 {
		return nil
	}
	return &meta.InvalidError{Kind: "Deployment", Group: "apps", Name: d.Name, Causes: errs}
}
