package meta

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFieldError checks the API server's wording of each kind of field
// error, with values of each kind.
func TestFieldError(t *testing.T) {
	tests := []struct {
		name string
		err  FieldError
		want string
	}{
		{"required", Required("spec.selector", ""), "spec.selector: Required value"},
		{"required with detail", Required("metadata.name", "name or generateName is required"),
			"metadata.name: Required value: name or generateName is required"},
		{"invalid number", Invalid("spec.replicas", int32(-1), "must be greater than or equal to 0"),
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
		{"invalid string", Invalid("metadata.name", "Web", "bad"), `metadata.name: Invalid value: "Web": bad`},
		{"invalid bool", Invalid("spec.paused", true, "no"), "spec.paused: Invalid value: true: no"},
		{"invalid object", Invalid("spec.selector", &Selector{MatchLabels: map[string]string{"a": "1"}}, "empty"),
			`spec.selector: Invalid value: {"matchLabels":{"a":"1"}}: empty`},
		{"forbidden", Forbidden("spec.strategy.rollingUpdate", "may not be specified"),
			"spec.strategy.rollingUpdate: Forbidden: may not be specified"},
		{"not supported", NotSupported("spec.strategy", "Blue", "Recreate", "RollingUpdate"),
			`spec.strategy: Unsupported value: "Blue": supported values: "Recreate", "RollingUpdate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			_, body, _ := strings.Cut(tt.want, ": ")
			assert.Equal(t, body, tt.err.Body())
		})
	}
}

// TestInvalidError checks the server's message and kubectl's for no
// cause, one, and several with a repeat, which kubectl shows once.
func TestInvalidError(t *testing.T) {
	a := Invalid("spec.replicas", int32(-1), "must be greater than or equal to 0")
	b := Required("spec.selector", "")
	tests := []struct {
		name        string
		causes      []FieldError
		wantServer  string
		wantKubectl string
	}{
		{name: "no cause", wantServer: `Deployment.apps "web" is invalid`, wantKubectl: `The Deployment "web" is invalid`},
		{name: "one cause", causes: []FieldError{a},
			wantServer:  `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`,
			wantKubectl: `The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`},
		{name: "several", causes: []FieldError{a, b, a},
			wantServer: `Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, ` +
				`spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]`,
			wantKubectl: "The Deployment \"web\" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.selector: Required value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := &InvalidError{Kind: "Deployment", Group: "apps", Name: "web", Causes: tt.causes}
			assert.Equal(t, tt.wantServer, err.Error())
			assert.Equal(t, tt.wantKubectl, err.KubectlMessage())
		})
	}
	assert.Equal(t, `Pod "p" is invalid`, (&InvalidError{Kind: "Pod", Name: "p"}).Error(), "the core group has no suffix")
}

// TestNotFoundAndAlreadyExists checks the messages, and that IsNotFound
// sees through wrapping and tells the two apart.
func TestNotFoundAndAlreadyExists(t *testing.T) {
	nf := &NotFoundError{Resource: "deployments.apps", Name: "web"}
	ae := &AlreadyExistsError{Resource: "deployments.apps", Name: "web"}
	assert.Equal(t, `deployments.apps "web" not found`, nf.Error())
	assert.Equal(t, `deployments.apps "web" already exists`, ae.Error())
	assert.True(t, IsNotFound(nf))
	assert.True(t, IsNotFound(fmt.Errorf("get: %w", nf)))
	assert.False(t, IsNotFound(ae))
	assert.False(t, IsNotFound(nil))
}

// TestValidateName checks the RFC 1123 subdomain rules and the length
// bound.
func TestValidateName(t *testing.T) {
	tests := []struct {
		name      string
		wantTypes []string
	}{
		{"web", nil},
		{"web-1.example.com", nil},
		{"a", nil},
		{strings.Repeat("a", 253), nil},
		{"", []string{ErrRequired}},
		{"Web", []string{ErrInvalid}},
		{"-web", []string{ErrInvalid}},
		{"web-", []string{ErrInvalid}},
		{"web..com", []string{ErrInvalid}},
		{"web_1", []string{ErrInvalid}},
		{strings.Repeat("a", 254), []string{ErrInvalid}},
		{strings.Repeat("A", 254), []string{ErrInvalid, ErrInvalid}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.20q", tt.name), func(t *testing.T) {
			var got []string
			for _, e := range ValidateName(tt.name, nil) {
				assert.Equal(t, "metadata.name", e.Field)
				got = append(got, e.Type)
			}
			assert.Equal(t, tt.wantTypes, got)
		})
	}
}

// TestValidateNamespace checks the RFC 1123 label rules of a namespace,
// in the API server's words and order (length first).
func TestValidateNamespace(t *testing.T) {
	label := "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	tests := []struct {
		namespace string
		want      []string
	}{
		{"", nil},
		{"team-a", nil},
		{strings.Repeat("a", 63), nil},
		{"Bad_NS", []string{label}},
		{"web.example", []string{"must not contain dots"}},
		{strings.Repeat("a", 64), []string{"must be no more than 63 characters"}},
		{strings.Repeat("A", 64), []string{"must be no more than 63 characters", label}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.20q", tt.namespace), func(t *testing.T) {
			var got []string
			for _, e := range ValidateNamespace(tt.namespace, nil) {
				assert.Equal(t, "metadata.namespace", e.Field)
				assert.Equal(t, ErrInvalid, e.Type)
				got = append(got, e.Detail)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
