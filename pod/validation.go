package pod

import (
	"fmt"

	"github.com/rollsim/rollsim/meta"
)

// ValidateTemplate checks a controller's pod template against its selector
// as the API server does for ReplicaSets and Deployments, appending field
// errors under path (such as "spec.template") to errs.
func ValidateTemplate(t *Template, sel *meta.Selector, path string, errs []meta.FieldError) []meta.FieldError {
	// A missing selector selects nothing; an empty one, everything.
	if sel == nil || !sel.Empty() && !sel.Matches(t.Labels) {
		labels := t.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		errs = append(errs, meta.Invalid(path+".metadata.labels", labels, "`selector` does not match template `labels`"))
	}
	if len(t.Spec.Containers) == 0 {
		errs = append(errs, meta.Required(path+".spec.containers", ""))
	}
	seen := map[string]bool{}
	for i, c := range t.Spec.Containers {
		cp := fmt.Sprintf("%s.spec.containers[%d]", path, i)
		switch {
		case c.Name == "":
			errs = append(errs, meta.Required(cp+".name", ""))
		case seen[c.Name]:
			errs = append(errs, meta.FieldError{Type: "Duplicate value", Field: cp + ".name", Value: c.Name})
		}
		seen[c.Name] = true
		if c.Image == "" {
			errs = append(errs, meta.Required(cp+".image", ""))
		}
		for j, p := range c.Ports {
			if p.ContainerPort < 1 || p.ContainerPort > 65535 {
				errs = append(errs, meta.Invalid(fmt.Sprintf("%s.ports[%d].containerPort", cp, j), p.ContainerPort, "must be between 1 and 65535, inclusive"))
			}
		}
		if c.Requests.MilliCPU < 0 || c.Requests.Memory < 0 {
			errs = append(errs, meta.Invalid(cp+".resources.requests", c.Requests, "must be greater than or equal to 0"))
		}
	}
	if t.Spec.RestartPolicy != "Always" {
		errs = append(errs, meta.NotSupported(path+".spec.restartPolicy", t.Spec.RestartPolicy, "Always"))
	}
	return errs
}
