package pod

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// API returns t as the k8s.io/api type, every field in place, defaulted
// as the API server defaults an apps/v1 Deployment's pod template (the
// pod-template-hash label, if any, is kept). It shares nothing with t.
// Quantities of cpu and memory are written in canonical form, as the API
// server writes back what it parsed.
func (t *Template) API() corev1.PodTemplateSpec {
	var out corev1.PodTemplateSpec
	if t.Meta != nil {
		t.Meta.DeepCopyInto(&out.ObjectMeta)
	}
	out.Labels = nonEmpty(maps.Clone(t.Labels))
	out.Annotations = nonEmpty(maps.Clone(t.Annotations))
	s := &t.Spec
	if s.Extra != nil {
		s.Extra.DeepCopyInto(&out.Spec)
	}
	out.Spec.RestartPolicy = corev1.RestartPolicy(s.RestartPolicy)
	out.Spec.NodeSelector = nonEmpty(maps.Clone(s.NodeSelector))
	out.Spec.Containers = make([]corev1.Container, len(s.Containers))
	for i := range s.Containers {
		s.Containers[i].apiInto(&out.Spec.Containers[i])
	}
	DefaultAPISpec(&out.Spec)
	return out
}

func (c *Container) apiInto(out *corev1.Container) {
	if c.Extra != nil {
		c.Extra.DeepCopyInto(out)
	}
	out.Name = c.Name
	out.Image = c.Image
	out.ImagePullPolicy = corev1.PullPolicy(c.ImagePullPolicy)
	out.Ports = nil
	for _, p := range c.Ports {
		out.Ports = append(out.Ports, corev1.ContainerPort{
			Name:          p.Name,
			HostPort:      p.HostPort,
			ContainerPort: p.ContainerPort,
			Protocol:      corev1.Protocol(p.Protocol),
			HostIP:        p.HostIP,
		})
	}
	out.Env = nil
	for _, e := range c.Env {
		out.Env = append(out.Env, corev1.EnvVar{Name: e.Name, Value: e.Value, ValueFrom: e.ValueFrom.DeepCopy()})
	}
	out.Resources.Limits = withComputeResources(out.Resources.Limits, c.Limits)
	out.Resources.Requests = withComputeResources(out.Resources.Requests, c.Requests)
}

// withComputeResources replaces the cpu and memory of l, the container's
// other resources, with r's.
func withComputeResources(l corev1.ResourceList, r Resources) corev1.ResourceList {
	delete(l, corev1.ResourceCPU)
	delete(l, corev1.ResourceMemory)
	if r.MilliCPU != 0 {
		l = put(l, corev1.ResourceCPU, canonical(resource.NewMilliQuantity(r.MilliCPU, resource.DecimalSI)))
	}
	if r.Memory != 0 {
		l = put(l, corev1.ResourceMemory, canonical(resource.NewQuantity(r.Memory, resource.BinarySI)))
	}
	return nonEmpty(l)
}

func put(l corev1.ResourceList, name corev1.ResourceName, q resource.Quantity) corev1.ResourceList {
	if l == nil {
		l = corev1.ResourceList{}
	}
	l[name] = q
	return l
}

// canonical returns the quantity the API server parses from q's canonical
// string: what a client reads back.
func canonical(q *resource.Quantity) resource.Quantity {
	parsed, err := resource.ParseQuantity(q.String())
	if err != nil {
		return *q
	}
	return parsed
}

func nonEmpty[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

// EffectivePullPolicy returns the container's imagePullPolicy, or the one
// defaulting would give it when unset.
func (c *Container) EffectivePullPolicy() string {
	return cmpOr(c.ImagePullPolicy, pullPolicy(c.Image))
}

// TerminationGracePeriodSeconds returns how long the pods' containers get
// to stop before they are killed: the spec's value, 30 when unset.
func (s *Spec) TerminationGracePeriodSeconds() int64 {
	if s.Extra != nil && s.Extra.TerminationGracePeriodSeconds != nil {
		return *s.Extra.TerminationGracePeriodSeconds
	}
	return corev1.DefaultTerminationGracePeriodSeconds
}

// Probes returns the container's readiness, liveness and startup probes,
// each nil when not set.
func (c *Container) Probes() (readiness, liveness, startup *corev1.Probe) {
	if c.Extra == nil {
		return nil, nil, nil
	}
	return c.Extra.ReadinessProbe, c.Extra.LivenessProbe, c.Extra.StartupProbe
}
