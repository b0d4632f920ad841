package manifest

import (
	"errors"
	"math"
	"reflect"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsjson "sigs.k8s.io/json"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/scheduler"
)

// decodeStrict decodes the JSON document j into obj as the API server's
// strict decoding does; generic is the same document decoded into any
// (with UseNumber), checked first to point at the field in error.
func decodeStrict(j []byte, generic any, obj any) *fieldError {
	// Values that do not fit their field first: locate names the field,
	// and keeps quantities the apimachinery parser would take forever on
	// from it.
	if field, err := locate(generic, reflect.TypeOf(obj).Elem(), ""); err != nil {
		return &fieldError{field: field, err: err}
	}
	strict, err := sigsjson.UnmarshalStrict(j, obj)
	if err != nil {
		return &fieldError{err: err}
	}
	if len(strict) > 0 {
		e := strict[0]
		msg := e.Error()
		fe, ok := e.(sigsjson.FieldError)
		switch {
		case !ok:
			return &fieldError{err: e}
		case strings.HasPrefix(msg, ErrDuplicateField.Error()):
			return &fieldError{field: fe.FieldPath(), err: ErrDuplicateField}
		default:
			return &fieldError{field: fe.FieldPath(), err: ErrUnknownField}
		}
	}
	return nil
}

// decodeAs decodes j strictly into the API's type T, then converts it
// with conv.
func decodeAs[T, O any](j []byte, generic any, conv func(*T) (O, *fieldError)) (O, *fieldError) {
	var in T
	if ferr := decodeStrict(j, generic, &in); ferr != nil {
		var none O
		return none, ferr
	}
	return conv(&in)
}

// deploymentFromAPI converts a decoded Deployment, refusing the fields
// the simulator has no place for.
func deploymentFromAPI(in *appsv1.Deployment) (*deployment.Deployment, *fieldError) {
	if ferr := checkSupported(reflect.ValueOf(*in), deploymentFields, ""); ferr != nil {
		return nil, ferr
	}
	d := &deployment.Deployment{ObjectMeta: meta.ObjectMeta{
		Name:        in.Name,
		Namespace:   in.Namespace,
		Labels:      in.Labels,
		Annotations: in.Annotations,
	}}
	if in.GenerateName != "" || len(in.OwnerReferences) > 0 || len(in.Finalizers) > 0 {
		d.Meta = &metav1.ObjectMeta{GenerateName: in.GenerateName, OwnerReferences: in.OwnerReferences, Finalizers: in.Finalizers}
	}
	s := &in.Spec
	d.Spec.Replicas = s.Replicas
	d.Spec.Selector = convertSelector(s.Selector)
	tmpl, ferr := convertTemplate(&s.Template, "spec.template")
	if ferr != nil {
		return nil, ferr
	}
	d.Spec.Template = tmpl
	d.Spec.Strategy.Type = string(s.Strategy.Type)
	if ru := s.Strategy.RollingUpdate; ru != nil {
		d.Spec.Strategy.RollingUpdate = &deployment.RollingUpdateParams{
			MaxUnavailable: convertIntOrString(ru.MaxUnavailable),
			MaxSurge:       convertIntOrString(ru.MaxSurge),
		}
	}
	d.Spec.MinReadySeconds = s.MinReadySeconds
	d.Spec.RevisionHistoryLimit = s.RevisionHistoryLimit
	d.Spec.Paused = s.Paused
	d.Spec.ProgressDeadlineSeconds = s.ProgressDeadlineSeconds
	return d, nil
}

func convertSelector(in *metav1.LabelSelector) *meta.Selector {
	if in == nil {
		return nil
	}
	out := &meta.Selector{MatchLabels: in.MatchLabels}
	for _, r := range in.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, meta.Requirement{
			Key:      r.Key,
			Operator: string(r.Operator),
			Values:   r.Values,
		})
	}
	return out
}

// convertIntOrString keeps an int an int and a string a percent string,
// even an invalid one, for validation to report as the API server does.
func convertIntOrString(v *intstr.IntOrString) *deployment.IntOrPercent {
	switch {
	case v == nil:
		return nil
	case v.Type == intstr.String:
		return deployment.Percent(v.StrVal)
	default:
		return deployment.Int(v.IntVal)
	}
}

// convertTemplate keeps every field of in, naming a field in error by
// its path from the document.
func convertTemplate(in *corev1.PodTemplateSpec, path string) (pod.Template, *fieldError) {
	t, err := pod.TemplateFromAPI(in)
	if err != nil {
		var ce *pod.ConversionError
		if errors.As(err, &ce) {
			return pod.Template{}, &fieldError{field: path + "." + ce.Field, err: ce.Err}
		}
		return pod.Template{}, &fieldError{field: path, err: err}
	}
	return t, nil
}

// quantityValue is pod.ScaledValue, naming the field in error.
func quantityValue(q resource.Quantity, scale resource.Scale, path string) (int64, *fieldError) {
	v, err := pod.ScaledValue(q, scale)
	if err != nil {
		return 0, &fieldError{field: path, err: err}
	}
	return v, nil
}

var errOutOfRange = pod.ErrQuantityOutOfRange

// hugeExponent matches a decimal exponent of more than three digits, such
// as "1e999999999999": ParseQuantity rounds such a value to nanos by
// computing 10 to that power, which does not finish.
var hugeExponent = regexp.MustCompile(`[eE][-+]?0*[0-9]{4,}$`)

// nodeFromAPI converts a decoded Node, refusing the fields the simulator
// has no place for.
func nodeFromAPI(in *corev1.Node) (*scheduler.Node, *fieldError) {
	if ferr := checkSupported(reflect.ValueOf(*in), nodeFields, ""); ferr != nil {
		return nil, ferr
	}
	n := &scheduler.Node{
		ObjectMeta: meta.ObjectMeta{
			Name:        in.Name,
			Labels:      in.Labels,
			Annotations: in.Annotations,
		},
		Unschedulable: in.Spec.Unschedulable,
	}
	alloc := in.Status.Allocatable
	for _, r := range []struct {
		name  corev1.ResourceName
		scale resource.Scale
		into  **int64
	}{
		{corev1.ResourceCPU, resource.Milli, &n.Allocatable.MilliCPU},
		{corev1.ResourceMemory, 0, &n.Allocatable.Memory},
		{corev1.ResourcePods, 0, &n.Allocatable.Pods},
	} {
		q, ok := alloc[r.name]
		if !ok {
			continue
		}
		v, ferr := quantityValue(q, r.scale, "status.allocatable["+string(r.name)+"]")
		if ferr != nil {
			return nil, ferr
		}
		if r.name == corev1.ResourcePods && (v < math.MinInt32 || v > math.MaxInt32) {
			// kubelet's maxPods is an int32.
			return nil, &fieldError{field: "status.allocatable[pods]", err: errOutOfRange}
		}
		*r.into = &v
	}
	return n, nil
}
