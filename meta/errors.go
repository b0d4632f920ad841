package meta

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Field error types, worded as the API server words them.
const (
	ErrRequired     = "Required value"
	ErrInvalid      = "Invalid value"
	ErrForbidden    = "Forbidden"
	ErrNotSupported = "Unsupported value"
	ErrDuplicate    = "Duplicate value"
	ErrNotFound     = "Not found"
)

// FieldError is one reason an object is invalid: the field path, what is
// wrong, the offending value and a detail.
type FieldError struct {
	// Type is one of the Err* constants.
	Type string
	// Field is the path, such as "spec.replicas".
	Field string
	// Value is the bad value (shown for Invalid and NotSupported).
	Value any
	// Detail explains the rule.
	Detail string
}

// Required returns a "Required value" error.
func Required(field, detail string) FieldError {
	return FieldError{Type: ErrRequired, Field: field, Detail: detail}
}

// Invalid returns an "Invalid value" error.
func Invalid(field string, value any, detail string) FieldError {
	return FieldError{Type: ErrInvalid, Field: field, Value: value, Detail: detail}
}

// Forbidden returns a "Forbidden" error.
func Forbidden(field, detail string) FieldError {
	return FieldError{Type: ErrForbidden, Field: field, Detail: detail}
}

// NotSupported returns an "Unsupported value" error listing what is valid.
func NotSupported(field string, value any, valid ...string) FieldError {
	q := make([]string, len(valid))
	for i, v := range valid {
		q[i] = fmt.Sprintf("%q", v)
	}
	return FieldError{Type: ErrNotSupported, Field: field, Value: value, Detail: "supported values: " + strings.Join(q, ", ")}
}

// Duplicate returns a "Duplicate value" error.
func Duplicate(field string, value any) FieldError {
	return FieldError{Type: ErrDuplicate, Field: field, Value: value}
}

// NotFound returns a "Not found" error: value names nothing that exists.
func NotFound(field string, value any) FieldError {
	return FieldError{Type: ErrNotFound, Field: field, Value: value}
}

// Body returns the error without its field: "Invalid value: -1: must be ...".
func (e FieldError) Body() string {
	s := e.Type
	if e.Type == ErrInvalid || e.Type == ErrNotSupported || e.Type == ErrDuplicate || e.Type == ErrNotFound {
		switch v := e.Value.(type) {
		case int, int32, int64, bool:
			s = fmt.Sprintf("%s: %v", s, v)
		case string:
			s = fmt.Sprintf("%s: %q", s, v)
		default:
			b, err := json.Marshal(v)
			if err != nil {
				b = []byte(fmt.Sprint(v))
			}
			s = fmt.Sprintf("%s: %s", s, b)
		}
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Error returns "field: body".
func (e FieldError) Error() string { return e.Field + ": " + e.Body() }

// InvalidError is the API server's rejection of an invalid object: its
// Error text is the server's message, such as
// `Deployment.apps "httpd" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
type InvalidError struct {
	// Kind is the object's kind, such as "Deployment".
	Kind string
	// Group is the API group, such as "apps" ("" for the core group).
	Group string
	// Name is the object's name.
	Name string
	// Causes lists every field error, in the order validation found them.
	Causes []FieldError
}

// Error returns the API server's message.
func (e *InvalidError) Error() string {
	qk := e.Kind
	if e.Group != "" {
		qk += "." + e.Group
	}
	s := fmt.Sprintf("%s %q is invalid", qk, e.Name)
	switch len(e.Causes) {
	case 0:
		return s
	case 1:
		return s + ": " + e.Causes[0].Error()
	}
	parts := make([]string, len(e.Causes))
	for i, c := range e.Causes {
		parts[i] = c.Error()
	}
	return s + ": [" + strings.Join(parts, ", ") + "]"
}

// KubectlMessage returns the error as kubectl prints it: `The Deployment
// "httpd" is invalid: CAUSE`, or that prefix and one "* CAUSE" line per cause.
// The result has no trailing newline.
func (e *InvalidError) KubectlMessage() string {
	prefix := fmt.Sprintf("The %s %q is invalid: ", e.Kind, e.Name)
	var uniq []string
	seen := map[string]bool{}
	for _, c := range e.Causes {
		if m := c.Error(); !seen[m] {
			seen[m] = true
			uniq = append(uniq, m)
		}
	}
	switch len(uniq) {
	case 0:
		return strings.TrimSuffix(prefix, ": ")
	case 1:
		return prefix + uniq[0]
	}
	return prefix + "\n* " + strings.Join(uniq, "\n* ")
}

// NotFoundError is the API server's answer for a missing object.
type NotFoundError struct {
	// Resource is the plural resource with its group, such as "deployments.apps".
	Resource string
	// Name is the name asked for.
	Name string
}

// Error returns `deployments.apps "x" not found`.
func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.Resource, e.Name) }

// AlreadyExistsError is the API server's answer to creating an object whose
// name is taken.
type AlreadyExistsError struct {
	// Resource is the plural resource with its group.
	Resource string
	// Name is the name that is taken.
	Name string
}

// Error returns `deployments.apps "x" already exists`.
func (e *AlreadyExistsError) Error() string {
	return fmt.Sprintf("%s %q already exists", e.Resource, e.Name)
}

// ConflictError is the API server's answer to a write made from a copy
// of an object that has been written since: the writer's resourceVersion
// is stale.
type ConflictError struct {
	// Resource is the plural resource with its group.
	Resource string
	// Name is the object's name.
	Name string
	// Reason is what the API server says failed; empty for a stale
	// resourceVersion, its most common cause.
	Reason string
}

// ConflictReason is the API server's reason for a write from a stale copy.
const ConflictReason = "the object has been modified; please apply your changes to the latest version and try again"

// Error returns the API server's message: `Operation cannot be fulfilled
// on deployments.apps "x": the object has been modified; please apply your
// changes to the latest version and try again`, or another reason.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("Operation cannot be fulfilled on %s %q: %s", e.Resource, e.Name, cmp.Or(e.Reason, ConflictReason))
}

// isA reports whether err is or wraps an error of type E.
func isA[E error](err error) bool {
	var target E
	return errors.As(err, &target)
}

// IsConflict reports whether err is or wraps a ConflictError.
func IsConflict(err error) bool { return isA[*ConflictError](err) }

// IsAlreadyExists reports whether err is or wraps an AlreadyExistsError.
func IsAlreadyExists(err error) bool { return isA[*AlreadyExistsError](err) }

// IsInvalid reports whether err is or wraps an InvalidError.
func IsInvalid(err error) bool { return isA[*InvalidError](err) }

// IsNotFound reports whether err is or wraps a NotFoundError.
func IsNotFound(err error) bool { return isA[*NotFoundError](err) }

// ValidateName checks an object name against the RFC 1123 subdomain rules
// the API server applies, appending any error to errs.
func ValidateName(name string, errs []FieldError) []FieldError {
	if name == "" {
		return append(errs, Required("metadata.name", "name or generateName is required"))
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, Invalid("metadata.name", name, msg))
	}
	return errs
}

// ValidateNamespace checks a namespaced object's namespace against the
// RFC 1123 label rules the API server applies to namespace names,
// appending any error to errs; "" stands for the default namespace.
func ValidateNamespace(namespace string, errs []FieldError) []FieldError {
	if namespace == "" {
		return errs
	}
	for _, msg := range validation.IsDNS1123Label(namespace) {
		errs = append(errs, Invalid("metadata.namespace", namespace, msg))
	}
	return errs
}

func isDNSSubdomain(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
			if !alnum && (c != '-' || i == 0 || i == len(label)-1) {
				return false
			}
		}
	}
	return true
}
