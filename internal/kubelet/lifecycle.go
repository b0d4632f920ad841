package kubelet

import (
	"time"

	"github.com/rollsim/rollsim/internal/podindex"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// Wake names what the kubelet does when a pod's timer comes due. Timers
// due at the same instant run in the order of their pods' creation, then
// in this order.
type Wake uint8

// The kubelet's timers.
const (
	Start          Wake = iota // a bound pod's containers start
	ProbesPass                 // its probes make it Ready
	MayBeAvailable             // it has been Ready for minReadySeconds
	Gone                       // a Terminating pod's grace period ends
	Exits                      // a crash-looping container exits
	Restarts                   // and its back-off ends
	NumWakes
)

// Host is what the kubelet asks of the cluster whose pods it runs.
type Host interface {
	// Now is the fake clock's reading.
	Now() time.Time
	// Commit writes the kubelet's change to a stored pod's status.
	Commit(p *pod.Pod)
	// After asks for w of p to run at instant at.
	After(at time.Time, w Wake, p *pod.Pod, rs *replicaset.ReplicaSet)
	// Available tells rs's controller that one of its pods became
	// available, which is no write but changes its status.
	Available(rs *replicaset.ReplicaSet)
	// Remove deletes a pod whose grace period has ended.
	Remove(p *pod.Pod, rs *replicaset.ReplicaSet)
}

// index returns the pod index of rs, which the kubelet keeps up to date
// with what it does to the pods.
func index(rs *replicaset.ReplicaSet) *podindex.Index { return rs.PodIndex(podindex.Token{}) }

// Run does w to p, a pod of rs, at the instant its timer came due.
func (k *Kubelet) Run(h Host, w Wake, p *pod.Pod, rs *replicaset.ReplicaSet) {
	switch w {
	case Start:
		k.start(h, p, rs)
	case ProbesPass:
		passProbes(h, p, rs)
	case MayBeAvailable:
		MayBecomeAvailable(h, p, rs)
	case Gone:
		h.Remove(p, rs)
	case Exits:
		exit(h, p, rs)
	case Restarts:
		restart(h, p, rs)
	}
}

// Bound starts the countdown to a newly bound pod's containers starting.
func Bound(h Host, p *pod.Pod, rs *replicaset.ReplicaSet) {
	h.After(p.ReadyAt(), Start, p, rs)
}

// start starts a bound pod's containers: it is Running, and Ready at once
// unless its image is broken or its probes make it wait.
func (k *Kubelet) start(h Host, p *pod.Pod, rs *replicaset.ReplicaSet) {
	p.Phase = pod.Running
	if k.CrashLoops(p.Spec) {
		p.NeverReady = true
		index(rs).Changed(p, p.Ready)
		h.Commit(p)
		h.After(h.Now().Add(p.Startup), Exits, p, rs)
		return
	}
	p.NeverReady = p.NeverReady || k.NeverReady(p.Spec)
	wait := ReadyAfter(p.Spec)
	if p.NeverReady || wait > 0 {
		index(rs).Changed(p, p.Ready)
		h.Commit(p)
		if !p.NeverReady {
			h.After(h.Now().Add(wait), ProbesPass, p, rs)
		}
		return
	}
	passProbes(h, p, rs)
}

// passProbes makes a started pod Ready.
func passProbes(h Host, p *pod.Pod, rs *replicaset.ReplicaSet) {
	wasReady := p.Ready
	p.Ready = true
	// The API server keeps condition times to the second; availability
	// under minReadySeconds counts from the stored time.
	p.ReadyTime = h.Now().Truncate(time.Second)
	index(rs).Changed(p, wasReady)
	h.Commit(p)
	MayBecomeAvailable(h, p, rs)
}

// exit is a crash-looping container exiting, pod-startup after it
// started: it starts again at once the first time, after its back-off
// later.
func exit(h Host, p *pod.Pod, rs *replicaset.ReplicaSet) {
	p.LastExit = h.Now()
	wait := BackOff(p.Restarts)
	if wait == 0 {
		restart(h, p, rs)
		return
	}
	p.CrashLooping = true
	h.Commit(p)
	h.After(h.Now().Add(wait), Restarts, p, rs)
}

// restart starts a crash-looping container again; it will exit
// pod-startup later.
func restart(h Host, p *pod.Pod, rs *replicaset.ReplicaSet) {
	before := p.Restarts
	p.Restarts++
	p.CrashLooping = false
	index(rs).Restarted(p, before)
	h.Commit(p)
	h.After(h.Now().Add(p.Startup), Exits, p, rs)
}

// Shorten gives a Terminating pod a shorter grace period, as a second
// delete does: the API server moves the stored deletion time back by the
// difference and stores the new grace period; the pod is now gone at,
// when its containers have stopped within it.
func Shorten(h Host, p *pod.Pod, rs *replicaset.ReplicaSet, at time.Time, grace time.Duration) {
	was := time.Duration(p.DeletionGracePeriodSeconds) * time.Second
	p.DeletionGracePeriodSeconds = seconds(grace)
	p.DeletionTimestamp = p.DeletionTimestamp.Add(time.Duration(p.DeletionGracePeriodSeconds)*time.Second - was)
	moved := at.Before(p.DeletionDeadline)
	p.DeletionDeadline = at
	h.Commit(p)
	if moved {
		h.After(at, Gone, p, rs)
	}
}

// seconds is a duration in whole seconds, rounded up, as a grace period
// is stored.
func seconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }

// MayBecomeAvailable marks a Ready pod available once it has been Ready
// for its ReplicaSet's minReadySeconds, or sets a timer for then.
func MayBecomeAvailable(h Host, p *pod.Pod, rs *replicaset.ReplicaSet) {
	if !p.Ready || p.Available {
		return
	}
	if p.IsAvailable(rs.Spec.MinReadySeconds, h.Now()) {
		index(rs).SetAvailable(p)
		h.Available(rs)
		return
	}
	h.After(p.AvailableAt(rs.Spec.MinReadySeconds), MayBeAvailable, p, rs)
}

// Terminate starts a deleted pod's grace period: the API server stores
// the grace period it was given and its end, to the second; the pod
// stays, Terminating, for stop, the time its containers take to stop
// within it.
func Terminate(h Host, p *pod.Pod, rs *replicaset.ReplicaSet, grace, stop time.Duration) {
	now := h.Now()
	p.DeletionGracePeriodSeconds = seconds(grace)
	p.DeletionTimestamp = now.Add(time.Duration(p.DeletionGracePeriodSeconds) * time.Second).Truncate(time.Second)
	p.DeletionDeadline = now.Add(stop)
	index(rs).StartTerminating(p)
	h.Commit(p)
	h.After(p.DeletionDeadline, Gone, p, rs)
}
