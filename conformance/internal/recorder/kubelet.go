package recorder

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The recorder's kubelet. Every pod status it reports is one status write
// of the API server, at the instant of its timed event:
//
//   - start (pod-startup after binding): phase Running; Ready at once when no
//     container has a readiness or startup probe that delays it, else not
//     Ready yet (a second write follows at the probes' success);
//   - probes' success: Ready (see readyDelay);
//   - a crash-looping container's exit: restarted in the same write when no
//     back-off holds it, else waiting in CrashLoopBackOff until its restart
//     (one more write);
//   - the end of a Terminating pod's shutdown: the pod is removed (a delete
//     with grace period 0, as the kubelet's final delete).

// Crash-loop back-off, as the kubelet's container restart back-off
// (pkg/kubelet/kubelet.go: initial 10s, maximum 300s, an entry expiring
// when a container exits more than 600s after its last restart;
// client-go's util/flowcontrol Backoff, no jitter).
const (
	crashBackoffInitial = 10 * time.Second
	crashBackoffMax     = 300 * time.Second
	crashBackoffExpiry  = 600 * time.Second
)

// probeTicks returns a probe's period and the offset from the container's
// start of its first counting tick: probes run at start and every period
// after, and a probe earlier than initialDelaySeconds does not count.
func probeTicks(pr *corev1.Probe) (period, first int64) {
	period = int64(pr.PeriodSeconds)
	if period <= 0 {
		period = 10
	}
	delay := int64(pr.InitialDelaySeconds)
	k := int64(0)
	if delay > 0 {
		k = (delay + period - 1) / period
	}
	return period, k * period
}

// containerReadyDelay is how long after its start a container becomes
// Ready: the startup probe succeeds at its first counting tick; readiness
// ticks count from the first one at or after that, and successThreshold
// consecutive successes make the container Ready.
func containerReadyDelay(c *corev1.Container) time.Duration {
	var gate int64
	if sp := c.StartupProbe; sp != nil {
		_, gate = probeTicks(sp)
	}
	rp := c.ReadinessProbe
	if rp == nil {
		return time.Duration(gate) * time.Second
	}
	period, first := probeTicks(rp)
	k := first / period
	if k*period < gate {
		k = (gate + period - 1) / period
	}
	threshold := int64(rp.SuccessThreshold)
	if threshold < 1 {
		threshold = 1
	}
	return time.Duration((k+threshold-1)*period) * time.Second
}

// readyDelay is how long after its containers start a pod becomes Ready:
// when the last of its containers does (init containers are part of
// pod-startup).
func readyDelay(p *corev1.Pod) time.Duration {
	var d time.Duration
	for i := range p.Spec.Containers {
		d = max(d, containerReadyDelay(&p.Spec.Containers[i]))
	}
	return d
}

// kubeletEvent performs one timed kubelet event.
func (c *Cluster) kubeletEvent(t timer) {
	switch t.kind {
	case timerPodStart:
		c.startContainers(t.key)
	case timerPodReady:
		c.makeReady(t.key)
	case timerContainerExit:
		c.containersExit(t.key)
	case timerContainerRestart:
		c.restartContainers(t.key)
	case timerPodGone:
		c.removePod(t.key)
	}
}

// currentPod returns a copy of the stored pod.
func (c *Cluster) currentPod(name string) *corev1.Pod {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	cur, ok := c.srv.objs[resPods][name]
	if !ok {
		return nil
	}
	return cur.(*corev1.Pod).DeepCopy()
}

// kubeletPod returns what the kubelet keeps of a pod and a copy of the
// stored pod, or nils when either is gone: a pod deleted while a timer of
// its lifecycle was pending is no longer the kubelet's to report on.
func (c *Cluster) kubeletPod(name string) (*podState, *corev1.Pod) {
	st, p := c.pods[name], c.currentPod(name)
	if st == nil || p == nil {
		return nil, nil
	}
	return st, p
}

func (c *Cluster) writeStatus(p *corev1.Pod) bool {
	_, err := c.srv.client.CoreV1().Pods(p.Namespace).UpdateStatus(c.ctx, p, metav1.UpdateOptions{})
	return err == nil
}

// startContainers is the kubelet's report that a pod's containers started.
func (c *Cluster) startContainers(name string) {
	st, p := c.kubeletPod(name)
	if st == nil {
		return
	}
	now := c.clock.Now()
	delay := time.Duration(-1)
	if !st.neverReady && len(st.crashing) == 0 {
		delay = readyDelay(p)
	}
	ready := corev1.ConditionFalse
	if delay == 0 {
		ready = corev1.ConditionTrue
	}
	stamp := metav1.NewTime(now.Truncate(time.Second))
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: stamp},
		{Type: corev1.ContainersReady, Status: ready, LastTransitionTime: stamp},
		{Type: corev1.PodReady, Status: ready, LastTransitionTime: stamp},
	}
	p.Status.StartTime = &stamp
	if len(st.crashing) > 0 {
		p.Status.ContainerStatuses = containerStatuses(p, st, stamp, false)
	}
	if !c.writeStatus(p) {
		return
	}
	if delay > 0 {
		c.addTimer(now.Add(delay), timerPodReady, name)
	}
	if len(st.crashing) > 0 {
		c.addTimer(now.Add(st.startup), timerContainerExit, name)
	}
}

// makeReady is the kubelet's report that a pod's probes succeeded.
func (c *Cluster) makeReady(name string) {
	p := c.currentPod(name)
	if p == nil {
		return
	}
	stamp := metav1.NewTime(c.clock.Now().Truncate(time.Second))
	for i := range p.Status.Conditions {
		cond := &p.Status.Conditions[i]
		if cond.Type == corev1.ContainersReady || cond.Type == corev1.PodReady {
			cond.Status = corev1.ConditionTrue
			cond.LastTransitionTime = stamp
		}
	}
	c.writeStatus(p)
}

// containerStatuses reports a crash-looping pod's containers: the crashing
// ones with their restart count, running or waiting in CrashLoopBackOff.
func containerStatuses(p *corev1.Pod, st *podState, stamp metav1.Time, waiting bool) []corev1.ContainerStatus {
	var out []corev1.ContainerStatus
	started := p.Status.StartTime
	if started == nil {
		started = &stamp
	}
	for _, ctr := range p.Spec.Containers {
		cs := corev1.ContainerStatus{Name: ctr.Name, Image: ctr.Image}
		running := &corev1.ContainerStateRunning{StartedAt: *started}
		if st.crashing[ctr.Name] {
			cs.RestartCount = st.restarts
			running = &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(st.lastRestart.Truncate(time.Second))}
			if st.restarts == 0 {
				running.StartedAt = *started
			}
			if waiting || st.restarts > 0 {
				cs.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}
			}
		}
		if st.crashing[ctr.Name] && waiting {
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}
		} else {
			cs.State.Running = running
			started := true
			cs.Started = &started
		}
		out = append(out, cs)
	}
	return out
}

// containersExit is the crash-looping containers' exit. As the kubelet's
// back-off: with no back-off entry, or one whose last restart is more than
// 600s before this exit, they are restarted at once and the back-off starts
// at 10s; otherwise they wait the current back-off from the exit.
func (c *Cluster) containersExit(name string) {
	st, p := c.kubeletPod(name)
	if st == nil {
		return
	}
	now := c.clock.Now()
	stamp := metav1.NewTime(now.Truncate(time.Second))
	if st.backoff == 0 || now.Sub(st.lastRestart) > crashBackoffExpiry {
		st.backoff = crashBackoffInitial
		st.restarts++
		st.lastRestart = now
		p.Status.ContainerStatuses = containerStatuses(p, st, stamp, false)
		if c.writeStatus(p) {
			c.addTimer(now.Add(st.startup), timerContainerExit, name)
		}
		return
	}
	p.Status.ContainerStatuses = containerStatuses(p, st, stamp, true)
	if c.writeStatus(p) {
		c.addTimer(now.Add(st.backoff), timerContainerRestart, name)
	}
}

// restartContainers restarts crash-looping containers once their back-off
// has passed; the back-off doubles (at most 300s).
func (c *Cluster) restartContainers(name string) {
	st, p := c.kubeletPod(name)
	if st == nil {
		return
	}
	now := c.clock.Now()
	st.backoff = min(2*st.backoff, crashBackoffMax)
	st.restarts++
	st.lastRestart = now
	p.Status.ContainerStatuses = containerStatuses(p, st, metav1.NewTime(now.Truncate(time.Second)), false)
	if c.writeStatus(p) {
		c.addTimer(now.Add(st.startup), timerContainerExit, name)
	}
}

// terminating is told by the API server (under its lock) that a pod's
// graceful deletion began. The pod's containers stop after pod-shutdown,
// or at the end of its grace period if that is shorter; the kubelet then
// removes it. Nothing else happens to it meanwhile. It reports false when
// the pod is to go at once.
func (c *Cluster) terminating(p *corev1.Pod) bool {
	st := c.pods[p.Name]
	if st == nil || p.DeletionGracePeriodSeconds == nil {
		return false
	}
	d := min(c.PodShutdown, time.Duration(*p.DeletionGracePeriodSeconds)*time.Second)
	if d <= 0 {
		return false
	}
	c.dropTimers(p.Name)
	st.terminating = true
	c.addTimer(c.clock.Now().Add(d), timerPodGone, p.Name)
	return true
}

// removePod is the kubelet's final delete of a pod whose containers stopped.
func (c *Cluster) removePod(name string) {
	zero := int64(0)
	_ = c.srv.client.CoreV1().Pods(metav1.NamespaceDefault).Delete(c.ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
}

// dropTimers cancels the kubelet's pending events of a pod.
func (c *Cluster) dropTimers(name string) {
	rest := c.timers[:0]
	for _, t := range c.timers {
		if t.key != name {
			rest = append(rest, t)
		}
	}
	c.timers = rest
}

// forgetPod is told by the API server (under its lock) that a pod is gone:
// the kubelet has nothing left to do for it.
func (c *Cluster) forgetPod(name string) {
	c.dropTimers(name)
	delete(c.pods, name)
}
