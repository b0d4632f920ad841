package controlloop

import (
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// deploymentCheck is the timer of a Deployment's waiting entry in its
// controller's work queue; the kubelet's timers come before it.
const deploymentCheck = kubelet.NumWakes

// timer is a wake-up at a fake-clock instant. Timers due at the same
// instant fire in the creation order of their objects.
type timer struct {
	at    time.Time
	order uint64
	kind  kubelet.Wake
	pod   *pod.Pod
	rs    *replicaset.ReplicaSet
	dep   *deployment.Deployment
}

// timerQueue is a binary min-heap of timers, typed so that pushing and
// popping allocate nothing.
type timerQueue []timer

func (q timerQueue) Len() int { return len(q) }

func (q timerQueue) less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	if q[i].order != q[j].order {
		return q[i].order < q[j].order
	}
	return q[i].kind < q[j].kind
}

func (q *timerQueue) push(t timer) {
	*q = append(*q, t)
	h := *q
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (q *timerQueue) pop() timer {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = timer{}
	h = h[:last]
	for i := 0; ; {
		l, r, least := 2*i+1, 2*i+2, i
		if l < len(h) && h.less(l, least) {
			least = l
		}
		if r < len(h) && h.less(r, least) {
			least = r
		}
		if least == i {
			break
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
	*q = h
	return top
}

// NextWakeup returns the instant of the next timed event, and false when
// none is pending.
func (l *Loop) NextWakeup() (time.Time, bool) {
	for l.timers.Len() > 0 {
		if l.live(&l.timers[0]) {
			return l.timers[0].at, true
		}
		l.timers.pop()
	}
	return time.Time{}, false
}

// live reports whether a timer still has something to do.
func (l *Loop) live(t *timer) bool {
	switch t.kind {
	case kubelet.Gone:
		return l.api.Pods[apiserver.Key{Namespace: t.pod.Namespace, Name: t.pod.Name}] == t.pod
	case deploymentCheck:
		at, ok := l.requeues.At(t.dep)
		return ok && at.Equal(t.at) && l.api.Deployments[apiserver.KeyOf(&t.dep.ObjectMeta)] == t.dep
	}
	return t.pod.InList() != nil
}

// AdvanceTo moves the clock to t (if t is later than now), stopping at
// every timed event on the way, in time order; at each stop the
// controllers run until nothing changes. A clock stop by itself syncs
// nothing.
func (l *Loop) AdvanceTo(t time.Time) {
	for {
		next, ok := l.NextWakeup()
		if !ok || next.After(t) {
			break
		}
		l.Fire(next)
	}
	if t.After(l.api.Now) {
		l.api.Now = t
	}
}

// Fire moves the clock to at, handles every timer due then, and
// reconciles.
func (l *Loop) Fire(at time.Time) {
	if at.After(l.api.Now) {
		l.api.Now = at
	}
	for l.timers.Len() > 0 && !l.timers[0].at.After(at) {
		t := l.timers.pop()
		if !l.live(&t) {
			continue
		}
		if t.kind == deploymentCheck {
			l.requeues.Remove(t.dep)
			l.dirtyDeploy.Add(t.dep)
			continue
		}
		l.Kubelet.Run(kubeletHost{l}, t.kind, t.pod, t.rs)
	}
	l.Reconcile()
}

// PodEventsPending reports whether a pod is still to start, to become
// Ready or available, or to finish terminating. A crash-looping
// container's exits and restarts go on forever and never make a pod
// Ready: they do not count.
func (l *Loop) PodEventsPending() bool {
	for i := range l.timers {
		switch l.timers[i].kind {
		case deploymentCheck, kubelet.Exits, kubelet.Restarts:
			continue
		}
		if l.live(&l.timers[i]) {
			return true
		}
	}
	return false
}

// NextDeploymentSync returns when the Deployment controller will next
// sync a Deployment by itself: its waiting entry in the work queue.
func (l *Loop) NextDeploymentSync(d *deployment.Deployment) (time.Time, bool) {
	return l.requeues.At(d)
}
