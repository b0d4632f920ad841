package manifest

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/scheduler"
)

// FromDeployment converts an apps/v1 Deployment already decoded (by a
// client library or an API server) as Decode converts one read from a
// file: name, namespace, labels, annotations and spec, every template
// field kept; server-set metadata and status are left out, and a field the
// simulator has no place for is an error wrapping ErrNotSupported, worded
// "FIELD: ERR". The result shares nothing with in.
func FromDeployment(in *appsv1.Deployment) (*deployment.Deployment, error) {
	return fromAPI(in, "Deployment", deploymentFromAPI)
}

// fromAPI converts a copy of in, a client's object of kind, with conv.
func fromAPI[T any, P interface {
	*T
	DeepCopy() *T
}, O any](in P, kind string, conv func(*T) (O, *fieldError)) (O, error) {
	var none O
	if in == nil {
		return none, fmt.Errorf("nil %s", kind)
	}
	o, ferr := conv(in.DeepCopy())
	if ferr != nil {
		return none, ferr.asError()
	}
	return o, nil
}

// FromNode converts a v1 Node as Decode converts one read from a file:
// name, labels, annotations, spec.unschedulable and the cpu, memory and
// pods of status.allocatable. Errors are worded as FromDeployment's.
func FromNode(in *corev1.Node) (*scheduler.Node, error) {
	return fromAPI(in, "Node", nodeFromAPI)
}

// asError words a field error without a file: "FIELD: ERR", or "ERR".
func (e *fieldError) asError() error {
	if e.field == "" {
		return e.err
	}
	return fmt.Errorf("%s: %w", e.field, e.err)
}

// FromPodTemplate converts a pod template as FromDeployment converts a
// Deployment's: the fields the simulator models into its own, every other
// one kept as it is in the template's Meta and Extra. The result shares
// nothing with in.
func FromPodTemplate(in *corev1.PodTemplateSpec) (pod.Template, error) {
	if in == nil {
		return pod.Template{}, nil
	}
	t, ferr := convertTemplate(in.DeepCopy(), "spec.template")
	if ferr != nil {
		return pod.Template{}, ferr.asError()
	}
	return t, nil
}

// FromLabelSelector converts a label selector; nil stays nil.
func FromLabelSelector(in *metav1.LabelSelector) *meta.Selector {
	return convertSelector(in.DeepCopy())
}
