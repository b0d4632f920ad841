package pod

import (
	"hash/fnv"
	"strconv"
	"strings"
	"testing"

	"github.com/davecgh/go-spew/spew"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// upstreamTemplate builds the v1 object the API server would store for t,
// with the defaults apps/v1 gives a Deployment's pod template.
func upstreamTemplate(t *testing.T, tpl *Template) corev1.PodTemplateSpec {
	var out corev1.PodTemplateSpec
	for k, v := range tpl.Labels {
		if k == TemplateHashLabel {
			continue
		}
		if out.Labels == nil {
			out.Labels = map[string]string{}
		}
		out.Labels[k] = v
	}
	if len(tpl.Annotations) > 0 {
		out.Annotations = tpl.Annotations
	}
	if len(tpl.Spec.NodeSelector) > 0 {
		out.Spec.NodeSelector = tpl.Spec.NodeSelector
	}
	quantities := func(r Resources) corev1.ResourceList {
		if r.IsZero() {
			return nil
		}
		l := corev1.ResourceList{}
		if r.MilliCPU != 0 {
			q, err := resource.ParseQuantity(resource.NewMilliQuantity(r.MilliCPU, resource.DecimalSI).String())
			require.NoError(t, err)
			l[corev1.ResourceCPU] = q
		}
		if r.Memory != 0 {
			q, err := resource.ParseQuantity(resource.NewQuantity(r.Memory, resource.BinarySI).String())
			require.NoError(t, err)
			l[corev1.ResourceMemory] = q
		}
		return l
	}
	for _, c := range tpl.Spec.Containers {
		oc := corev1.Container{
			Name:                     c.Name,
			Image:                    c.Image,
			TerminationMessagePath:   corev1.TerminationMessagePathDefault,
			TerminationMessagePolicy: corev1.TerminationMessageReadFile,
			ImagePullPolicy:          corev1.PullIfNotPresent,
			Resources:                corev1.ResourceRequirements{Limits: quantities(c.Limits), Requests: quantities(c.Requests)},
		}
		if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
			oc.ImagePullPolicy = corev1.PullAlways
		}
		for _, p := range c.Ports {
			proto := corev1.Protocol(p.Protocol)
			if proto == "" {
				proto = corev1.ProtocolTCP
			}
			oc.Ports = append(oc.Ports, corev1.ContainerPort{Name: p.Name, HostPort: p.HostPort, ContainerPort: p.ContainerPort, Protocol: proto})
		}
		for _, e := range c.Env {
			oc.Env = append(oc.Env, corev1.EnvVar{Name: e.Name, Value: e.Value})
		}
		out.Spec.Containers = append(out.Spec.Containers, oc)
	}
	grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
	out.Spec.RestartPolicy = corev1.RestartPolicyAlways
	out.Spec.TerminationGracePeriodSeconds = &grace
	out.Spec.DNSPolicy = corev1.DNSClusterFirst
	out.Spec.SecurityContext = &corev1.PodSecurityContext{}
	out.Spec.SchedulerName = corev1.DefaultSchedulerName
	return out
}

func hashTemplates() map[string]*Template {
	return map[string]*Template{
		"minimal": {Labels: map[string]string{"app": "httpd"}, Spec: Spec{Containers: []Container{{Name: "httpd", Image: "httpd:2.2.31"}}}},
		"hash label left out": {
			Labels: map[string]string{"app": "web", TemplateHashLabel: "abc"},
			Spec:   Spec{Containers: []Container{{Name: "web", Image: "web"}}},
		},
		"everything": {
			Labels:      map[string]string{"app": "web", "tier": "front"},
			Annotations: map[string]string{"kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:05Z"},
			Spec: Spec{
				NodeSelector: map[string]string{"disk": "ssd"},
				Containers: []Container{
					{
						Name: "web", Image: "registry:5000/web:1.0",
						Ports:    []Port{{Name: "http", ContainerPort: 80, HostPort: 8080}, {ContainerPort: 53, Protocol: "UDP"}},
						Env:      []EnvVar{{Name: "A", Value: "b c"}},
						Requests: Resources{MilliCPU: 250, Memory: 512 << 20},
						Limits:   Resources{MilliCPU: 1000, Memory: 1_000_000_000},
					},
					{Name: "side", Image: "side:latest", Requests: Resources{MilliCPU: 1500}},
				},
			},
		},
	}
}

func TestHashTextMatchesGoSpew(t *testing.T) {
	printer := spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}
	for name, tpl := range hashTemplates() {
		t.Run(name, func(t *testing.T) {
			var got strings.Builder
			tpl.writeSpew(&got)
			want := printer.Sprintf("%#v", upstreamTemplate(t, tpl))
			require.Equal(t, want, got.String())
		})
	}
}

// The slow path, for templates with fields the fast one does not write,
// gives the fast path's text wherever both apply.
func TestHashSlowPathAgreesWithFast(t *testing.T) {
	for name, tpl := range hashTemplates() {
		t.Run(name, func(t *testing.T) {
			var fast strings.Builder
			tpl.writeSpew(&fast)
			slow := spewConfig.Sprintf("%#v", tpl.stored())
			require.Equal(t, fast.String(), slow)
			defaulted := tpl.Clone()
			defaulted.Default()
			assert.Equal(t, tpl.Hash(nil), defaulted.Hash(nil), "defaults written out hash as implied ones")
		})
	}
}

func TestHashSlowPath(t *testing.T) {
	grace := int64(30)
	base := func() *Template {
		return &Template{Labels: map[string]string{"app": "web"}, Spec: Spec{Containers: []Container{{Name: "web", Image: "web:1"}}}}
	}
	plain := base().Hash(nil)
	explicit := base()
	explicit.Spec.Extra = &corev1.PodSpec{TerminationGracePeriodSeconds: &grace, DNSPolicy: corev1.DNSClusterFirst}
	explicit.Spec.Containers[0].Extra = &corev1.Container{TerminationMessagePolicy: corev1.TerminationMessageReadFile}
	assert.Equal(t, plain, explicit.Hash(nil), "a default written out hashes as left out")
	assert.True(t, base().EqualIgnoringHash(explicit))

	probe := base()
	probe.Spec.Containers[0].Extra = &corev1.Container{ReadinessProbe: &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(80)}},
	}}
	assert.NotEqual(t, plain, probe.Hash(nil))
	assert.False(t, base().EqualIgnoringHash(probe))

	// Upstream's text: go-spew of the object the API server stores.
	want := upstreamTemplate(t, base())
	want.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(80), Scheme: corev1.URISchemeHTTP}},
		TimeoutSeconds:   1,
		PeriodSeconds:    10,
		SuccessThreshold: 1,
		FailureThreshold: 3,
	}
	h := fnv.New32a()
	printer := spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}
	printer.Fprintf(h, "%#v", want)
	assert.Equal(t, SafeEncode(strconv.FormatUint(uint64(h.Sum32()), 10)), probe.Hash(nil))
}

func TestHashIsUpstreams(t *testing.T) {
	// The name upstream gives the classic lesson's first ReplicaSet
	// (conformance/testdata/corpus/classic-rolling-update/golden.trace).
	httpd := &Template{Labels: map[string]string{"app": "httpd"}, Spec: Spec{Containers: []Container{{Name: "httpd", Image: "httpd:2.2.31", Ports: []Port{{ContainerPort: 80}}}}}}
	assert.Equal(t, "57f7fd4cc7", httpd.Hash(nil))
	one := int32(1)
	assert.NotEqual(t, httpd.Hash(nil), httpd.Hash(&one), "the collision count changes the hash")
}

// fnv32a is hash/fnv's 32-bit FNV-1a, fed in pieces or at once.
func TestFNV32a(t *testing.T) {
	for _, s := range []string{"", "a", "pod-template-hash", strings.Repeat("spew ", 999)} {
		h := fnv.New32a()
		h.Write([]byte(s))
		h.Write([]byte("tail"))
		assert.Equal(t, h.Sum32(), fnv32a(fnv32a(fnvOffset32, s), "tail"), "%.20q", s)
	}
}

// API and TemplateFromAPI convert losslessly: a template and its round
// trip are the same template, with the same hash.
func TestAPIRoundTrip(t *testing.T) {
	probe := hashTemplates()["everything"].Clone()
	probe.Spec.Containers[0].Extra = &corev1.Container{
		Args:           []string{"-v"},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}},
		Resources:      corev1.ResourceRequirements{Limits: corev1.ResourceList{"example.com/gpu": resource.MustParse("1")}},
	}
	probe.Spec.Containers[0].Env = append(probe.Spec.Containers[0].Env, EnvVar{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}})
	probe.Spec.Extra = &corev1.PodSpec{Volumes: []corev1.Volume{{Name: "v"}}, ServiceAccountName: "sa"}
	probe.Meta = &metav1.ObjectMeta{Name: "web"}
	templates := hashTemplates()
	templates["kept fields"] = &probe
	for name, tpl := range templates {
		t.Run(name, func(t *testing.T) {
			tpl.Default()
			api := tpl.API()
			back, err := TemplateFromAPI(&api)
			require.NoError(t, err)
			assert.True(t, back.EqualIgnoringHash(tpl))
			assert.True(t, tpl.EqualIgnoringHash(&back))
			assert.Equal(t, tpl.Hash(nil), back.Hash(nil))
			again := back.API()
			assert.Equal(t, spewConfig.Sprintf("%#v", api), spewConfig.Sprintf("%#v", again))
		})
	}

	huge := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}, {Name: "b", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("20E")},
	}}}}}
	_, err := TemplateFromAPI(&huge)
	assert.EqualError(t, err, "spec.containers[1].resources.requests[memory]: quantity out of range")
	assert.ErrorIs(t, err, ErrQuantityOutOfRange)
}
