package pod

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollsim/rollsim/meta"
)

// benchTemplates are a template of modeled fields only and one with
// probes, volumes, an init container, affinity and tolerations, as charts
// write them, both defaulted.
func benchTemplates() map[string]*Template {
	simple := &Template{Labels: map[string]string{"app": "web"}, Spec: Spec{Containers: []Container{{
		Name: "web", Image: "nginx:1.25", Ports: []Port{{Name: "http", ContainerPort: 80}},
		Requests: Resources{MilliCPU: 100, Memory: 128 << 20}, Limits: Resources{MilliCPU: 500, Memory: 256 << 20},
	}}}}
	full := simple.Clone()
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromString("http")}}}
	full.Spec.Containers[0].Extra = &corev1.Container{
		Args: []string{"-g", "daemon off;"}, ReadinessProbe: probe, LivenessProbe: probe.DeepCopy(),
		VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/nginx/conf.d"}},
	}
	full.Spec.Containers[0].Env = []EnvVar{{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
	full.Spec.Extra = &corev1.PodSpec{
		ServiceAccountName: "web",
		InitContainers:     []corev1.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"true"}}},
		Volumes:            []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "web"}}}}},
		Tolerations:        []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}},
		Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
			Weight: 100, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "kubernetes.io/hostname"},
		}}}},
	}
	simple.Default()
	full.Default()
	return map[string]*Template{"simple": simple, "full": &full}
}

func BenchmarkTemplate(b *testing.B) {
	sel := &meta.Selector{MatchLabels: map[string]string{"app": "web"}}
	for name, tpl := range benchTemplates() {
		other := tpl.Clone()
		b.Run("op=Hash/template="+name, func(b *testing.B) {
			for b.Loop() {
				tpl.Hash(nil)
			}
		})
		b.Run("op=EqualIgnoringHash/template="+name, func(b *testing.B) {
			for b.Loop() {
				tpl.EqualIgnoringHash(&other)
			}
		})
		b.Run("op=Clone/template="+name, func(b *testing.B) {
			for b.Loop() {
				tpl.Clone()
			}
		})
		b.Run("op=Validate/template="+name, func(b *testing.B) {
			for b.Loop() {
				ValidateTemplate(tpl, sel, "spec.template", nil)
			}
		})
	}
}
