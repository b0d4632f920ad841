package kubelet

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// fakeHost runs the kubelet's timers in order on a fake clock and logs
// what the kubelet asks of the cluster.
type fakeHost struct {
	now    time.Time
	timers []wake
	log    []string
}

type wake struct {
	at time.Time
	w  Wake
	p  *pod.Pod
}

func (h *fakeHost) Now() time.Time { return h.now }

func (h *fakeHost) Commit(p *pod.Pod) {
	h.log = append(h.log, fmt.Sprintf("%v commit %s ready=%v", h.now.Sub(time.Time{}), p.Status(), p.Ready))
}

func (h *fakeHost) After(at time.Time, w Wake, p *pod.Pod, _ *replicaset.ReplicaSet) {
	h.timers = append(h.timers, wake{at, w, p})
}

func (h *fakeHost) Available(*replicaset.ReplicaSet) {
	h.log = append(h.log, fmt.Sprintf("%v available", h.now.Sub(time.Time{})))
}

func (h *fakeHost) Remove(*pod.Pod, *replicaset.ReplicaSet) {
	h.log = append(h.log, fmt.Sprintf("%v removed", h.now.Sub(time.Time{})))
}

// run fires the timers in time order until none is left or the clock
// passes limit.
func (h *fakeHost) run(k *Kubelet, rs *replicaset.ReplicaSet, limit time.Duration) {
	for len(h.timers) > 0 {
		next := 0
		for i, t := range h.timers {
			if t.at.Before(h.timers[next].at) {
				next = i
			}
		}
		t := h.timers[next]
		if t.at.Sub(time.Time{}) > limit {
			return
		}
		h.timers = append(h.timers[:next], h.timers[next+1:]...)
		h.now = t.at
		k.Run(h, t.w, t.p, rs)
	}
}

func TestLifecycle(t *testing.T) {
	ready := &corev1.Container{ReadinessProbe: &corev1.Probe{InitialDelaySeconds: 5, PeriodSeconds: 5, SuccessThreshold: 1}}
	for _, tt := range []struct {
		name      string
		image     string
		extra     *corev1.Container
		minReady  int32
		deleteAt  time.Duration // 0: not deleted
		shutdown  time.Duration
		want      []string
		wantReady bool
	}{
		{name: "no probes: Ready and available when it starts", image: "ok",
			want:      []string{"1s commit Running ready=true", "1s available"},
			wantReady: true},
		{name: "a readiness probe makes it wait", image: "ok", extra: ready,
			want:      []string{"1s commit Running ready=false", "6s commit Running ready=true", "6s available"},
			wantReady: true},
		{name: "minReadySeconds delays availability", image: "ok", minReady: 10,
			want:      []string{"1s commit Running ready=true", "11s available"},
			wantReady: true},
		{name: "a broken image never becomes Ready", image: "broken",
			want: []string{"1s commit Running ready=false"}},
		{name: "a crash loop restarts at once, then after its back-off", image: "crash",
			want: []string{"1s commit Running ready=false", "2s commit Running ready=false",
				"3s commit CrashLoopBackOff ready=false", "13s commit Running ready=false", "14s commit CrashLoopBackOff ready=false"}},
		{name: "a deleted pod stays Terminating for its grace period", image: "ok", deleteAt: 2 * time.Second, shutdown: 20 * time.Second,
			want:      []string{"1s commit Running ready=true", "1s available", "2s commit Terminating ready=true", "22s removed"},
			wantReady: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := &Kubelet{Startup: time.Second, Shutdown: tt.shutdown}
			k.SetNeverReady("broken")
			k.SetCrashLoop("crash")
			rs := &replicaset.ReplicaSet{Spec: replicaset.Spec{Replicas: 1, MinReadySeconds: tt.minReady}}
			p := &pod.Pod{Spec: &pod.Spec{Containers: []pod.Container{{Name: "c", Image: tt.image, Extra: tt.extra}}}, Startup: k.StartupFor()}
			p.Name = "web-1"
			index(rs).Add(p, 0)
			h := &fakeHost{}
			p.Bound, p.BoundAt = true, h.now
			index(rs).Changed(p, false)
			Bound(h, p, rs)
			if tt.deleteAt > 0 {
				h.run(k, rs, tt.deleteAt)
				h.now = time.Time{}.Add(tt.deleteAt)
				grace := k.GracePeriod(p.Spec)
				require.Positive(t, grace)
				Terminate(h, p, rs, 30*time.Second, grace)
			}
			h.run(k, rs, 15*time.Second+tt.shutdown)
			assert.Equal(t, tt.want, h.log)
			assert.Equal(t, tt.wantReady, p.Ready)
		})
	}
}
