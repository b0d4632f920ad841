package pod

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"

	"github.com/rollsim/rollsim/meta"
)

// The in-place check of templates with only modeled fields finds what the
// check of their API objects finds, in the same order.
func TestValidateSimpleAgreesWithAPI(t *testing.T) {
	web := func(mod func(c *Container)) *Template {
		tpl := &Template{Labels: map[string]string{"app": "web"}, Spec: Spec{Containers: []Container{{Name: "web", Image: "nginx:1.25"}}}}
		mod(&tpl.Spec.Containers[0])
		return tpl
	}
	for name, tpl := range map[string]*Template{
		"valid": web(func(*Container) {}),
		"valid, with ports and resources": web(func(c *Container) {
			c.Ports = []Port{{Name: "http", ContainerPort: 80, HostPort: 8080}, {ContainerPort: 53, Protocol: "UDP"}}
			c.Requests, c.Limits = Resources{MilliCPU: 100, Memory: 1 << 20}, Resources{MilliCPU: 100}
		}),
		"no containers":  {Spec: Spec{}},
		"no name, image": web(func(c *Container) { c.Name, c.Image = "", "" }),
		"bad name":       web(func(c *Container) { c.Name = "Web.1" }),
		"ports": web(func(c *Container) {
			c.Ports = []Port{{ContainerPort: 0}, {Name: "x_y", ContainerPort: 70000, HostPort: -2, Protocol: "HTTP"}, {Name: "http", ContainerPort: 80}, {Name: "http", ContainerPort: 81}}
		}),
		"env":         web(func(c *Container) { c.Env = []EnvVar{{Name: ""}, {Name: "A=B"}, {Name: "OK", Value: "v"}} }),
		"pull policy": web(func(c *Container) { c.ImagePullPolicy = "Sometimes" }),
		"resources": web(func(c *Container) {
			c.Requests = Resources{MilliCPU: 2000, Memory: -1}
			c.Limits = Resources{MilliCPU: 1000}
		}),
		"restart policy": {Spec: Spec{RestartPolicy: "Never", Containers: []Container{{Name: "a", Image: "a"}, {Name: "a", Image: "b"}}}},
		"odd restart":    {Spec: Spec{RestartPolicy: "Sometimes", Containers: []Container{{Name: "a", Image: "a"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.True(t, tpl.simple())
			assert.Equal(t, validateAPI(tpl, "spec.template", nil), validateSimple(tpl, "spec.template", nil))
		})
	}
}

func TestValidateKeptFields(t *testing.T) {
	tpl := &Template{
		Labels: map[string]string{"app": "web"},
		Spec: Spec{
			Containers: []Container{{Name: "web", Image: "nginx", Extra: &corev1.Container{
				VolumeMounts:   []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
				LivenessProbe:  &corev1.Probe{},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}},
			}}},
			Extra: &corev1.PodSpec{DNSPolicy: "Bogus", Volumes: []corev1.Volume{{Name: "Data"}}},
		},
	}
	tpl.Default()
	errs := ValidateTemplate(tpl, &meta.Selector{MatchLabels: map[string]string{"app": "web"}}, "spec.template", nil)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		`spec.template.spec.volumes[0].name: Invalid value: "Data": ` + dnsLabelMsg,
		`spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"`,
		`spec.template.spec.containers[0].livenessProbe: Required value: must specify a handler type`,
		`spec.template.spec.dnsPolicy: Unsupported value: "Bogus": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`,
	}, got)
}
