package pod

import (
	"maps"
	"reflect"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TemplateHashLabel is the label the Deployment controller adds to a
// ReplicaSet's selector and pod template to tell its revisions apart.
const TemplateHashLabel = "pod-template-hash"

// Template describes the pods a ReplicaSet creates (a PodTemplateSpec).
type Template struct {
	// Labels are copied to every pod.
	Labels map[string]string
	// Annotations are copied to every pod.
	Annotations map[string]string
	// Meta holds the rest of the template's metadata (its name, say), nil
	// when there is none; its Labels and Annotations are not used.
	Meta *metav1.ObjectMeta
	// Spec is the pods' spec.
	Spec Spec
}

// Spec is a pod's spec: the fields the simulator models, and the rest kept
// as they are for display and for conversion back to the API's types.
type Spec struct {
	// Containers run in the pod; at least one.
	Containers []Container
	// RestartPolicy is "Always" for pods of a Deployment.
	RestartPolicy string
	// NodeSelector restricts the nodes the pod may be bound to.
	NodeSelector map[string]string
	// Extra holds every other field of the pod spec (volumes, init
	// containers, affinity, tolerations, terminationGracePeriodSeconds,
	// ...) as the API's type; its Containers, RestartPolicy and
	// NodeSelector are not used. Nil means all of them unset, which
	// defaulting leaves nil: see API for what they then hold. Once a
	// template is defaulted, a non-nil Extra holds its defaults too.
	Extra *corev1.PodSpec
}

// Container is one container of a pod.
type Container struct {
	// Name is unique within the pod.
	Name string
	// Image is the container image, such as "httpd:2.4.16".
	Image string
	// Ports the container exposes.
	Ports []Port
	// Env holds environment variables, in order.
	Env []EnvVar
	// Requests are the resources the scheduler reserves for the container.
	Requests Resources
	// Limits cap the container's resources; they take no part in scheduling.
	Limits Resources
	// ImagePullPolicy is Always, IfNotPresent or Never. Defaulting sets it
	// from the image once, when unset, as the API server does: a later
	// change of image keeps it.
	ImagePullPolicy string
	// Extra holds every other field of the container (command, args,
	// probes, volume mounts, security context, resources other than cpu
	// and memory, ...) as the API's type, or is nil when they are all
	// unset. Its Name, Image, Ports, Env, ImagePullPolicy and the cpu and
	// memory of its Resources are not used: they are the fields above.
	Extra *corev1.Container
}

// Port is a container port.
type Port struct {
	// Name is optional.
	Name string
	// ContainerPort is the port number inside the container.
	ContainerPort int32
	// HostPort is the port on the node, 0 for none.
	HostPort int32
	// Protocol is TCP, UDP or SCTP.
	Protocol string
	// HostIP is the node address a host port binds to, "" for all.
	HostIP string
}

// EnvVar is one environment variable, with a literal value or one taken
// from elsewhere.
type EnvVar struct {
	// Name of the variable.
	Name string
	// Value of the variable.
	Value string
	// ValueFrom names the variable's source (a field of the pod, a key of
	// a ConfigMap or Secret, ...), or is nil for a literal Value.
	ValueFrom *corev1.EnvVarSource
}

// Resources is an amount of compute resources.
type Resources struct {
	// MilliCPU is CPU in thousandths of a core.
	MilliCPU int64
	// Memory is in bytes.
	Memory int64
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{MilliCPU: r.MilliCPU + o.MilliCPU, Memory: r.Memory + o.Memory}
}

// IsZero reports whether no resource is set.
func (r Resources) IsZero() bool { return r.MilliCPU == 0 && r.Memory == 0 }

// Requests returns the sum of the containers' requests.
func (s *Spec) Requests() Resources {
	var total Resources
	for _, c := range s.Containers {
		total = total.Add(c.Requests)
	}
	return total
}

// Clone returns a deep copy of t.
func (t Template) Clone() Template {
	t.Labels = maps.Clone(t.Labels)
	t.Annotations = maps.Clone(t.Annotations)
	t.Meta = t.Meta.DeepCopy()
	t.Spec.NodeSelector = maps.Clone(t.Spec.NodeSelector)
	t.Spec.Extra = t.Spec.Extra.DeepCopy()
	cs := make([]Container, len(t.Spec.Containers))
	for i, c := range t.Spec.Containers {
		c.Ports = slices.Clone(c.Ports)
		c.Env = slices.Clone(c.Env)
		for j := range c.Env {
			c.Env[j].ValueFrom = c.Env[j].ValueFrom.DeepCopy()
		}
		c.Extra = c.Extra.DeepCopy()
		cs[i] = c
	}
	t.Spec.Containers = cs
	return t
}

// simple reports whether t has only the fields the simulator models, each
// of its other fields unset: such a template takes the fast paths of
// comparison and hashing.
func (t *Template) simple() bool {
	if t.Meta != nil || t.Spec.Extra != nil {
		return false
	}
	for i := range t.Spec.Containers {
		c := &t.Spec.Containers[i]
		if c.Extra != nil {
			return false
		}
		for j := range c.Env {
			if c.Env[j].ValueFrom != nil {
				return false
			}
		}
	}
	return true
}

// Image returns the first container's image, or "".
func (t *Template) Image() string {
	if len(t.Spec.Containers) == 0 {
		return ""
	}
	return t.Spec.Containers[0].Image
}

// EqualIgnoringHash reports whether two templates are the same apart from
// the pod-template-hash label, the test the Deployment controller uses to
// find the ReplicaSet of its current template. Nil and empty maps are equal.
func (t *Template) EqualIgnoringHash(o *Template) bool {
	// The spec first: it tells revisions apart most often, and cheapest.
	if !specEqual(&t.Spec, &o.Spec) || !labelsEqualIgnoringHash(t.Labels, o.Labels) || !maps.Equal(t.Annotations, o.Annotations) {
		return false
	}
	if t.simple() && o.simple() || t.keptEqual(o) {
		return true
	}
	// The fields kept as the API's types compare as the controller
	// compares them, semantically (a nil list equals an empty one, a
	// quantity equals itself written otherwise), once defaulted, so that
	// an unset field equals its default written out.
	a, b := t.API(), o.API()
	delete(a.Labels, TemplateHashLabel)
	delete(b.Labels, TemplateHashLabel)
	return equality.Semantic.DeepEqual(a, b)
}

func labelsEqualIgnoringHash(a, b map[string]string) bool {
	n := 0
	for k, v := range a {
		if k == TemplateHashLabel {
			continue
		}
		n++
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	m := len(b)
	if _, ok := b[TemplateHashLabel]; ok {
		m--
	}
	return n == m
}

func specEqual(a, b *Spec) bool {
	if a.RestartPolicy != b.RestartPolicy || !maps.Equal(a.NodeSelector, b.NodeSelector) || len(a.Containers) != len(b.Containers) {
		return false
	}
	for i := range a.Containers {
		x, y := &a.Containers[i], &b.Containers[i]
		if x.Name != y.Name || x.Image != y.Image || x.Requests != y.Requests || x.Limits != y.Limits ||
			x.ImagePullPolicy != y.ImagePullPolicy && x.EffectivePullPolicy() != y.EffectivePullPolicy() ||
			!slices.Equal(x.Ports, y.Ports) ||
			!slices.EqualFunc(x.Env, y.Env, envEqual) {
			return false
		}
	}
	return true
}

// keptEqual reports whether the fields t and o keep as the API's types
// are identical as they stand: then they are the same defaulted too. Not
// being identical, they may still be the same once defaulted, or
// semantically (a list written empty, a quantity written otherwise).
func (t *Template) keptEqual(o *Template) bool {
	// reflect's exact comparison is several times faster than the
	// semantic one, and enough for the usual case, a template and its
	// copy.
	if !reflect.DeepEqual(t.Meta, o.Meta) || !reflect.DeepEqual(t.Spec.Extra, o.Spec.Extra) {
		return false
	}
	for i := range t.Spec.Containers {
		if !reflect.DeepEqual(t.Spec.Containers[i].Extra, o.Spec.Containers[i].Extra) {
			return false
		}
	}
	return true
}

// envEqual compares literal values here and sources semantically.
func envEqual(a, b EnvVar) bool {
	if a.Name != b.Name || a.Value != b.Value {
		return false
	}
	if a.ValueFrom == nil || b.ValueFrom == nil {
		return a.ValueFrom == b.ValueFrom
	}
	return equality.Semantic.DeepEqual(a.ValueFrom, b.ValueFrom)
}

// nameAlphabet holds the characters of generated names: no vowels, no
// look-alike digits, as in Kubernetes.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// NameAlphabetLen is the number of characters generated names draw from.
const NameAlphabetLen = len(nameAlphabet)

// SafeEncode maps each byte of s onto the generated-name alphabet, as
// Kubernetes does with the decimal digits of a template hash.
func SafeEncode(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = nameAlphabet[int(c)%len(nameAlphabet)]
	}
	return string(b)
}

// RandomSuffix returns n characters of the generated-name alphabet drawn
// from next, which returns a uniformly distributed uint64.
func RandomSuffix(n int, next func() uint64) string {
	var buf [16]byte // short suffixes are built on the stack
	b := buf[:0]
	if n > len(buf) {
		b = make([]byte, 0, n)
	}
	b = b[:n]
	for i := range b {
		b[i] = nameAlphabet[next()%uint64(len(nameAlphabet))]
	}
	return string(b)
}
