package manifest

import (
	"errors"
	"fmt"
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

func decodeDeployment(j []byte, generic any) (*deployment.Deployment, *fieldError) {
	var in appsv1.Deployment
	if ferr := decodeStrict(j, generic, &in); ferr != nil {
		return nil, ferr
	}
	return deploymentFromAPI(&in)
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

// convertTemplate keeps every field of in: those the simulator models in
// its own fields, the rest as they are in the template's Meta and Extra
// fields, which stay nil when they would hold nothing.
func convertTemplate(in *corev1.PodTemplateSpec, path string) (pod.Template, *fieldError) {
	out := pod.Template{
		Labels:      in.Labels,
		Annotations: in.Annotations,
		Spec: pod.Spec{
			RestartPolicy: string(in.Spec.RestartPolicy),
			NodeSelector:  in.Spec.NodeSelector,
		},
	}
	meta := in.ObjectMeta.DeepCopy()
	meta.Labels, meta.Annotations = nil, nil
	if !reflect.ValueOf(*meta).IsZero() {
		out.Meta = meta
	}
	extra := in.Spec.DeepCopy()
	extra.Containers, extra.RestartPolicy, extra.NodeSelector = nil, "", nil
	if !reflect.ValueOf(*extra).IsZero() {
		out.Spec.Extra = extra
	}
	for i := range in.Spec.Containers {
		c, ferr := convertContainer(&in.Spec.Containers[i], fmt.Sprintf("%s.spec.containers[%d]", path, i))
		if ferr != nil {
			return pod.Template{}, ferr
		}
		out.Spec.Containers = append(out.Spec.Containers, c)
	}
	return out, nil
}

func convertContainer(in *corev1.Container, path string) (pod.Container, *fieldError) {
	out := pod.Container{Name: in.Name, Image: in.Image, ImagePullPolicy: string(in.ImagePullPolicy)}
	for _, p := range in.Ports {
		out.Ports = append(out.Ports, pod.Port{
			Name:          p.Name,
			ContainerPort: p.ContainerPort,
			HostPort:      p.HostPort,
			Protocol:      string(p.Protocol),
			HostIP:        p.HostIP,
		})
	}
	for _, e := range in.Env {
		out.Env = append(out.Env, pod.EnvVar{Name: e.Name, Value: e.Value, ValueFrom: e.ValueFrom.DeepCopy()})
	}
	var ferr *fieldError
	if out.Requests, ferr = convertResources(in.Resources.Requests, path+".resources.requests"); ferr != nil {
		return pod.Container{}, ferr
	}
	if out.Limits, ferr = convertResources(in.Resources.Limits, path+".resources.limits"); ferr != nil {
		return pod.Container{}, ferr
	}
	extra := in.DeepCopy()
	extra.Name, extra.Image, extra.ImagePullPolicy, extra.Ports, extra.Env = "", "", "", nil, nil
	extra.Resources.Requests = otherResources(extra.Resources.Requests)
	extra.Resources.Limits = otherResources(extra.Resources.Limits)
	if !reflect.ValueOf(*extra).IsZero() {
		out.Extra = extra
	}
	return out, nil
}

// otherResources returns l without cpu and memory, which the simulator
// models, or nil when nothing else is left.
func otherResources(l corev1.ResourceList) corev1.ResourceList {
	delete(l, corev1.ResourceCPU)
	delete(l, corev1.ResourceMemory)
	if len(l) == 0 {
		return nil
	}
	return l
}

func convertResources(in corev1.ResourceList, path string) (pod.Resources, *fieldError) {
	var out pod.Resources
	var ferr *fieldError
	if q, ok := in[corev1.ResourceCPU]; ok {
		if out.MilliCPU, ferr = quantityValue(q, resource.Milli, path+"[cpu]"); ferr != nil {
			return out, ferr
		}
	}
	if q, ok := in[corev1.ResourceMemory]; ok {
		if out.Memory, ferr = quantityValue(q, 0, path+"[memory]"); ferr != nil {
			return out, ferr
		}
	}
	return out, nil
}

// quantityValue returns q in units of 10^scale, rounded up, as
// Quantity.ScaledValue does, or an error when that is beyond ±9e18. It
// does no arithmetic on quantities of extreme exponent ("1e999999999"),
// which would take the apimachinery code forever.
func quantityValue(q resource.Quantity, scale resource.Scale, path string) (int64, *fieldError) {
	if q.IsZero() {
		return 0, nil
	}
	f := q.AsApproximateFloat64() / math.Pow10(int(scale))
	switch {
	case math.IsNaN(f) || math.Abs(f) > 9e18:
		return 0, &fieldError{field: path, err: errOutOfRange}
	case f > 0 && f < 0.5:
		return 1, nil // rounded up
	case f < 0 && f > -0.5:
		return 0, nil
	}
	return q.ScaledValue(scale), nil
}

var errOutOfRange = errors.New("quantity out of range")

// hugeExponent matches a decimal exponent of more than three digits, such
// as "1e999999999999": ParseQuantity rounds such a value to nanos by
// computing 10 to that power, which does not finish.
var hugeExponent = regexp.MustCompile(`[eE][-+]?0*[0-9]{4,}$`)

func decodeNode(j []byte, generic any) (*scheduler.Node, *fieldError) {
	var in corev1.Node
	if ferr := decodeStrict(j, generic, &in); ferr != nil {
		return nil, ferr
	}
	return nodeFromAPI(&in)
}

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
