// Package kubelet decides the lifecycle of the simulated pods, as the
// kubelet on a node lives it: how long a bound pod takes to start its
// containers, when probes make it Ready, how long a deleted pod stays
// Terminating, and when a crash-looping container starts again. Its
// decisions are pure functions of a pod's spec and the settings; the
// lifecycle (lifecycle.go) applies them to stored pods through a Host,
// the control loop, which commits the writes they bring and wakes the
// kubelet at the instants they name.
package kubelet

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollsim/rollsim/pod"
)

// Kubelet holds the settings every node's kubelet shares: the scenario
// format's `config` lines and the matching Config fields.
type Kubelet struct {
	// Startup is how long a pod bound from now on takes to start its
	// containers.
	Startup time.Duration
	// Jitter, when positive, spreads each new pod's start-up uniformly
	// over [Startup−Jitter, Startup+Jitter], drawn with Draw.
	Jitter time.Duration
	// Draw returns a uniformly distributed uint64 from the cluster's seed.
	Draw func() uint64
	// Shutdown is how long a deleted pod stays Terminating (at most its
	// terminationGracePeriodSeconds); 0 removes deleted pods at once.
	Shutdown time.Duration

	neverReady map[string]bool
	crashLoop  map[string]bool
}

// SetNeverReady marks image broken: its containers start but never pass
// their readiness check.
func (k *Kubelet) SetNeverReady(image string) {
	if k.neverReady == nil {
		k.neverReady = map[string]bool{}
	}
	k.neverReady[image] = true
}

// SetCrashLoop marks image as one whose containers exit once started and
// are restarted with the kubelet's back-off, never Ready.
func (k *Kubelet) SetCrashLoop(image string) {
	if k.crashLoop == nil {
		k.crashLoop = map[string]bool{}
	}
	k.crashLoop[image] = true
}

// StartupFor returns the start-up delay of a pod created now: Startup, or
// with Jitter a draw around it (never below zero).
func (k *Kubelet) StartupFor() time.Duration {
	if k.Jitter <= 0 || k.Draw == nil {
		return k.Startup
	}
	span := uint64(2*k.Jitter) + 1
	d := k.Startup - k.Jitter + time.Duration(k.Draw()%span)
	return max(d, 0)
}

// NeverReady reports whether a pod of spec never becomes Ready: one of its
// containers runs a broken image.
func (k *Kubelet) NeverReady(spec *pod.Spec) bool {
	for i := range spec.Containers {
		if k.neverReady[spec.Containers[i].Image] {
			return true
		}
	}
	return false
}

// CrashLoops reports whether a pod of spec has a container that exits once
// started.
func (k *Kubelet) CrashLoops(spec *pod.Spec) bool {
	for i := range spec.Containers {
		if k.crashLoop[spec.Containers[i].Image] {
			return true
		}
	}
	return false
}

// ReadyAfter returns how long after its containers start a pod of spec is
// Ready: when the last of its containers is. A container without probes
// is Ready when it starts; see ContainerReadyAfter for probes.
func ReadyAfter(spec *pod.Spec) time.Duration {
	var ready time.Duration
	for i := range spec.Containers {
		readiness, _, startup := spec.Containers[i].Probes()
		ready = max(ready, ContainerReadyAfter(readiness, startup))
	}
	return ready
}

// ContainerReadyAfter returns how long after it starts a container with
// these probes is Ready. A probe runs at the start and every periodSeconds
// after; a run earlier than initialDelaySeconds after the start does not
// count. The startup probe succeeds at its first counting run and gates
// the readiness probe, whose runs count only from the first at or after
// that success; the readiness probe makes the container Ready at its
// successThreshold-th counting run. Without a readiness probe the container
// is Ready when the startup probe succeeds, or at once without either.
func ContainerReadyAfter(readiness, startup *corev1.Probe) time.Duration {
	var gate time.Duration
	if startup != nil {
		gate = firstTick(startup, 0)
	}
	if readiness == nil {
		return gate
	}
	period := periodOf(readiness)
	first := firstTick(readiness, gate)
	return first + time.Duration(max(readiness.SuccessThreshold, 1)-1)*period
}

// firstTick returns the offset of the probe's first counting run: the
// first multiple of its period at or after both its initial delay and
// notBefore.
func firstTick(p *corev1.Probe, notBefore time.Duration) time.Duration {
	period := periodOf(p)
	from := max(time.Duration(p.InitialDelaySeconds)*time.Second, notBefore)
	k := (from + period - 1) / period
	return k * period
}

func periodOf(p *corev1.Probe) time.Duration {
	if p.PeriodSeconds <= 0 {
		return 10 * time.Second
	}
	return time.Duration(p.PeriodSeconds) * time.Second
}

// GracePeriod returns how long a pod of spec deleted now stays
// Terminating: the shorter of Shutdown and its
// terminationGracePeriodSeconds; 0 means gone at once.
func (k *Kubelet) GracePeriod(spec *pod.Spec) time.Duration {
	return k.GraceWithin(time.Duration(spec.TerminationGracePeriodSeconds()) * time.Second)
}

// GraceWithin is how long a deleted pod stays Terminating when its delete
// gives it grace: its containers take Shutdown to stop, and the kubelet
// kills them when grace runs out.
func (k *Kubelet) GraceWithin(grace time.Duration) time.Duration {
	if k.Shutdown <= 0 {
		return 0
	}
	return max(min(k.Shutdown, grace), 0)
}

// The kubelet's back-off of a crash-looping container: the first restart
// comes as soon as the container has exited; each later one waits
// initialBackOff, doubled at every restart, at most maxBackOff.
const (
	initialBackOff = 10 * time.Second
	maxBackOff     = 5 * time.Minute
)

// BackOff returns how long after a crash-looping container exits the
// kubelet starts it again, given how many times it was restarted
// before.
func BackOff(restarts int32) time.Duration {
	if restarts <= 0 {
		return 0
	}
	d := initialBackOff
	for i := int32(1); i < restarts && d < maxBackOff; i++ {
		d *= 2
	}
	return min(d, maxBackOff)
}
