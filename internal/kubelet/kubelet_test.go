package kubelet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"

	"github.com/rollsim/rollsim/pod"
)

func probe(initialDelay, period, success int32) *corev1.Probe {
	return &corev1.Probe{InitialDelaySeconds: initialDelay, PeriodSeconds: period, SuccessThreshold: success}
}

func TestContainerReadyAfter(t *testing.T) {
	for _, tt := range []struct {
		name               string
		readiness, startup *corev1.Probe
		want               time.Duration
	}{
		{name: "no probes: ready when it starts", want: 0},
		{name: "readiness, no delay: the run at start counts", readiness: probe(0, 10, 1), want: 0},
		{name: "initial delay on a run", readiness: probe(20, 10, 1), want: 20 * time.Second},
		{name: "initial delay between runs: the next run", readiness: probe(15, 10, 1), want: 20 * time.Second},
		{name: "three successes", readiness: probe(5, 5, 3), want: 15 * time.Second},
		{name: "three successes from the start", readiness: probe(0, 4, 3), want: 8 * time.Second},
		{name: "startup alone", startup: probe(7, 3, 1), want: 9 * time.Second},
		{name: "startup gates readiness", startup: probe(12, 5, 1), readiness: probe(0, 10, 1), want: 20 * time.Second},
		{name: "readiness delay beyond the gate", startup: probe(0, 5, 1), readiness: probe(30, 10, 2), want: 40 * time.Second},
		{name: "gate on a readiness run", startup: probe(10, 5, 1), readiness: probe(0, 10, 1), want: 10 * time.Second},
		{name: "default period", readiness: &corev1.Probe{InitialDelaySeconds: 1, SuccessThreshold: 1}, want: 10 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ContainerReadyAfter(tt.readiness, tt.startup))
		})
	}
}

// A pod is Ready when its slowest container is.
func TestReadyAfterTakesTheSlowestContainer(t *testing.T) {
	spec := &pod.Spec{Containers: []pod.Container{
		{Name: "fast", Image: "a"},
		{Name: "slow", Image: "b", Extra: &corev1.Container{ReadinessProbe: probe(25, 10, 1)}},
		{Name: "mid", Image: "c", Extra: &corev1.Container{StartupProbe: probe(5, 5, 1)}},
	}}
	assert.Equal(t, 30*time.Second, ReadyAfter(spec))
}

func TestGracePeriod(t *testing.T) {
	short := int64(5)
	spec := &pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}
	withGrace := &pod.Spec{Containers: spec.Containers, Extra: &corev1.PodSpec{TerminationGracePeriodSeconds: &short}}
	k := Kubelet{}
	assert.Zero(t, k.GracePeriod(spec), "no pod-shutdown: gone at once")
	k.Shutdown = 20 * time.Second
	assert.Equal(t, 20*time.Second, k.GracePeriod(spec), "under the default 30s grace period")
	assert.Equal(t, 5*time.Second, k.GracePeriod(withGrace), "the pod's own shorter grace period")
	k.Shutdown = time.Minute
	assert.Equal(t, 30*time.Second, k.GracePeriod(spec), "capped by the default grace period")
}

func TestStartupJitter(t *testing.T) {
	seq := uint64(0)
	k := Kubelet{Startup: 2 * time.Second}
	assert.Equal(t, 2*time.Second, k.StartupFor(), "no jitter")
	k.Jitter = 500 * time.Millisecond
	k.Draw = func() uint64 { seq += 0x9e3779b97f4a7c15; return seq }
	seen := map[time.Duration]bool{}
	for range 1000 {
		d := k.StartupFor()
		assert.GreaterOrEqual(t, d, 1500*time.Millisecond)
		assert.LessOrEqual(t, d, 2500*time.Millisecond)
		seen[d] = true
	}
	assert.Greater(t, len(seen), 900, "the draws spread over the range")
}

func TestImagesMarked(t *testing.T) {
	var k Kubelet
	spec := &pod.Spec{Containers: []pod.Container{{Name: "side", Image: "side:1"}, {Name: "web", Image: "web:broken"}}}
	assert.False(t, k.NeverReady(spec))
	assert.False(t, k.CrashLoops(spec))
	k.SetNeverReady("web:broken")
	k.SetCrashLoop("side:1")
	assert.True(t, k.NeverReady(spec), "any container's image counts")
	assert.True(t, k.CrashLoops(spec))
}

func TestBackOff(t *testing.T) {
	var got []time.Duration
	for n := int32(0); n < 8; n++ {
		got = append(got, BackOff(n))
	}
	assert.Equal(t, []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second,
		160 * time.Second, 300 * time.Second, 300 * time.Second}, got)
	assert.Equal(t, 300*time.Second, BackOff(1000), "no overflow")
}
