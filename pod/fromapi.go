package pod

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// ErrQuantityOutOfRange is a quantity beyond ±9e18 of the unit the
// simulator counts it in (thousandths of a core, bytes, pods).
var ErrQuantityOutOfRange = errors.New("quantity out of range")

// ConversionError is a field of an API object the simulator cannot hold.
type ConversionError struct {
	// Field is the path of the field within the converted object, such as
	// "spec.containers[0].resources.limits[cpu]".
	Field string
	// Err is the problem.
	Err error
}

// Error returns "FIELD: ERR".
func (e *ConversionError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *ConversionError) Unwrap() error { return e.Err }

// ScaledValue returns q in units of 10^scale, rounded up as
// Quantity.ScaledValue does, or ErrQuantityOutOfRange when that is beyond
// ±9e18. It does no exact arithmetic on a quantity beyond that range,
// which for extreme exponents ("1e999999999") would not finish.
func ScaledValue(q resource.Quantity, scale resource.Scale) (int64, error) {
	if q.IsZero() {
		return 0, nil
	}
	f := q.AsApproximateFloat64() / math.Pow10(int(scale))
	switch {
	case math.IsNaN(f) || math.Abs(f) > 9e18:
		return 0, ErrQuantityOutOfRange
	case f > 0 && f < 0.5:
		return 1, nil // rounded up
	case f < 0 && f > -0.5:
		return 0, nil
	}
	return q.ScaledValue(scale), nil
}

// TemplateFromAPI converts in to a Template, keeping every field: those
// the simulator models in its own fields, the rest in Meta and the Extra
// fields, which stay nil when they would hold nothing. It shares nothing
// with in. For a defaulted template it is the inverse of API. The only
// error, a *ConversionError, is a cpu or memory quantity out of range.
func TemplateFromAPI(in *corev1.PodTemplateSpec) (Template, error) {
	in = in.DeepCopy()
	out := Template{
		Labels:      in.Labels,
		Annotations: in.Annotations,
		Spec: Spec{
			RestartPolicy: string(in.Spec.RestartPolicy),
			NodeSelector:  in.Spec.NodeSelector,
		},
	}
	meta := &in.ObjectMeta
	meta.Labels, meta.Annotations = nil, nil
	if !reflect.ValueOf(*meta).IsZero() {
		out.Meta = meta
	}
	spec := &in.Spec
	cs := spec.Containers
	spec.Containers, spec.RestartPolicy, spec.NodeSelector = nil, "", nil
	if !reflect.ValueOf(*spec).IsZero() {
		out.Spec.Extra = spec
	}
	for i := range cs {
		c, err := containerFromAPI(&cs[i])
		if err != nil {
			var ce *ConversionError
			if errors.As(err, &ce) {
				ce.Field = fmt.Sprintf("spec.containers[%d].%s", i, ce.Field)
			}
			return Template{}, err
		}
		out.Spec.Containers = append(out.Spec.Containers, c)
	}
	return out, nil
}

// containerFromAPI converts a container, taking over in's values.
func containerFromAPI(in *corev1.Container) (Container, error) {
	out := Container{Name: in.Name, Image: in.Image, ImagePullPolicy: string(in.ImagePullPolicy)}
	for _, p := range in.Ports {
		out.Ports = append(out.Ports, Port{
			Name:          p.Name,
			ContainerPort: p.ContainerPort,
			HostPort:      p.HostPort,
			Protocol:      string(p.Protocol),
			HostIP:        p.HostIP,
		})
	}
	for _, e := range in.Env {
		out.Env = append(out.Env, EnvVar{Name: e.Name, Value: e.Value, ValueFrom: e.ValueFrom})
	}
	var err error
	if out.Requests, err = computeResources(in.Resources.Requests, "resources.requests"); err != nil {
		return Container{}, err
	}
	if out.Limits, err = computeResources(in.Resources.Limits, "resources.limits"); err != nil {
		return Container{}, err
	}
	in.Name, in.Image, in.ImagePullPolicy, in.Ports, in.Env = "", "", "", nil, nil
	in.Resources.Requests = otherResources(in.Resources.Requests)
	in.Resources.Limits = otherResources(in.Resources.Limits)
	if !reflect.ValueOf(*in).IsZero() {
		out.Extra = in
	}
	return out, nil
}

func computeResources(l corev1.ResourceList, path string) (Resources, error) {
	var out Resources
	for _, r := range []struct {
		name  corev1.ResourceName
		scale resource.Scale
		into  *int64
	}{{corev1.ResourceCPU, resource.Milli, &out.MilliCPU}, {corev1.ResourceMemory, 0, &out.Memory}} {
		q, ok := l[r.name]
		if !ok {
			continue
		}
		v, err := ScaledValue(q, r.scale)
		if err != nil {
			return Resources{}, &ConversionError{Field: path + "[" + string(r.name) + "]", Err: err}
		}
		*r.into = v
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
