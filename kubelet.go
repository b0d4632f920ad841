package rollsim

import (
	"time"

	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// This file applies the kubelet's decisions (package internal/kubelet) to
// the store: containers starting, probes passing, pods becoming available,
// deleted pods running out their grace period.

// startPod starts a bound pod's containers: it is Running, and Ready at
// once unless its image is broken or its probes make it wait.
func (c *Cluster) startPod(p *pod.Pod, rs *replicaset.ReplicaSet) {
	p.Phase = pod.Running
	if c.kubelet.CrashLoops(p.Spec) {
		p.NeverReady = true
		rs.PodChanged(p, p.Ready)
		c.committed(write{typ: Modified, pod: p})
		c.schedule(timer{at: c.now.Add(p.Startup), order: p.CreationIndex, kind: podExits, pod: p, rs: rs})
		return
	}
	p.NeverReady = p.NeverReady || c.kubelet.NeverReady(p.Spec)
	wait := kubelet.ReadyAfter(p.Spec)
	if p.NeverReady || wait > 0 {
		rs.PodChanged(p, p.Ready)
		c.committed(write{typ: Modified, pod: p})
		if !p.NeverReady {
			c.schedule(timer{at: c.now.Add(wait), order: p.CreationIndex, kind: podReady, pod: p, rs: rs})
		}
		return
	}
	c.podPassesProbes(p, rs)
}

// podPassesProbes makes a started pod Ready.
func (c *Cluster) podPassesProbes(p *pod.Pod, rs *replicaset.ReplicaSet) {
	wasReady := p.Ready
	p.Ready = true
	// The API server keeps condition times to the second; availability
	// under minReadySeconds counts from the stored time.
	p.ReadyTime = c.now.Truncate(time.Second)
	rs.PodChanged(p, wasReady)
	c.committed(write{typ: Modified, pod: p})
	c.podMayBeAvailable(p, rs)
}

// containerExits is a crash-looping container exiting, pod-startup after
// it started: the kubelet starts it again at once the first time, after
// its back-off later.
func (c *Cluster) containerExits(p *pod.Pod, rs *replicaset.ReplicaSet) {
	p.LastExit = c.now
	wait := kubelet.BackOff(p.Restarts)
	if wait == 0 {
		c.containerRestarts(p, rs)
		return
	}
	p.CrashLooping = true
	c.committed(write{typ: Modified, pod: p})
	c.schedule(timer{at: c.now.Add(wait), order: p.CreationIndex, kind: podRestarts, pod: p, rs: rs})
}

// containerRestarts starts a crash-looping container again; it will exit
// pod-startup later.
func (c *Cluster) containerRestarts(p *pod.Pod, rs *replicaset.ReplicaSet) {
	before := p.Restarts
	p.Restarts++
	p.CrashLooping = false
	rs.PodRestarted(p, before)
	c.committed(write{typ: Modified, pod: p})
	c.schedule(timer{at: c.now.Add(p.Startup), order: p.CreationIndex, kind: podExits, pod: p, rs: rs})
}

// podMayBeAvailable marks a Ready pod available once it has been Ready for
// its ReplicaSet's minReadySeconds, or sets a timer for then.
func (c *Cluster) podMayBeAvailable(p *pod.Pod, rs *replicaset.ReplicaSet) {
	if !p.Ready || p.Available {
		return
	}
	if p.IsAvailable(rs.Spec.MinReadySeconds, c.now) {
		rs.SetAvailable(p)
		c.dirtyRS.Add(rs)
		return
	}
	c.schedule(timer{at: p.AvailableAt(rs.Spec.MinReadySeconds), order: p.CreationIndex, kind: podAvailable, pod: p, rs: rs})
}

// deletePod deletes a pod of rs as the API server does: a bound pod with a
// grace period keeps running out of it, Terminating, no longer active for
// rs but still holding its node's room; any other is gone at once.
func (c *Cluster) deletePod(rs *replicaset.ReplicaSet, p *pod.Pod) {
	grace := c.kubelet.GracePeriod(p.Spec)
	if grace <= 0 || !p.Bound || p.Terminating() {
		if !p.Terminating() {
			c.removePod(rs, p)
		}
		return
	}
	// The API server stores when the pod will be gone, to the
	// second; the kubelet removes it when its grace period ends.
	p.DeletionTimestamp = c.now.Add(grace).Truncate(time.Second)
	p.DeletionDeadline = c.now.Add(grace)
	p.DeletionGracePeriodSeconds = int64((grace + time.Second - 1) / time.Second)
	c.colocate(rs, p.NodeName, -1)
	rs.PodTerminating(p)
	c.committed(write{typ: Modified, pod: p})
	c.schedule(timer{at: p.DeletionDeadline, order: p.CreationIndex, kind: podGone, pod: p, rs: rs})
}

// PodEventsPending reports whether a pod is still to start, to become
// Ready or available, or to finish terminating: while one is, waiting can
// change a rollout even when no progress deadline is in force. A
// crash-looping container's exits and restarts go on forever and never
// make a pod Ready: they do not count.
func (c *Cluster) PodEventsPending() bool {
	for i := range c.timers {
		switch c.timers[i].kind {
		case deploymentCheck, podExits, podRestarts:
			continue
		}
		if c.live(&c.timers[i]) {
			return true
		}
	}
	return false
}
