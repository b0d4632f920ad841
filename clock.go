package rollsim

import (
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

type timerKind uint8

const (
	podStarts timerKind = iota
	podReady
	podAvailable
	podGone
	podExits
	podRestarts
	deploymentCheck
)

// timer is a wake-up at a fake-clock instant. Timers due at the same
// instant fire in the creation order of their objects.
type timer struct {
	at    time.Time
	order uint64
	kind  timerKind
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

func (c *Cluster) schedule(t timer) { c.timers.push(t) }

// NextWakeup returns the instant of the next timed event (a pod becoming
// Ready or available, a progress-deadline check), and false when none is
// pending.
func (c *Cluster) NextWakeup() (time.Time, bool) {
	for c.timers.Len() > 0 {
		if c.live(&c.timers[0]) {
			return c.timers[0].at, true
		}
		c.timers.pop()
	}
	return time.Time{}, false
}

// live reports whether a timer still has something to do.
func (c *Cluster) live(t *timer) bool {
	switch t.kind {
	case podStarts, podReady, podAvailable, podExits, podRestarts:
		return t.pod.InList() != nil
	case podGone:
		return c.pods[objKey{t.pod.Namespace, t.pod.Name}] == t.pod
	case deploymentCheck:
		at, ok := c.requeues.At(t.dep)
		return ok && at.Equal(t.at) && c.deployments[key(&t.dep.ObjectMeta)] == t.dep
	}
	return false
}

// Advance moves the clock forward by d, stopping at every timed event on
// the way, in time order; at each stop, and at the end, the controllers run
// until nothing changes.
func (c *Cluster) Advance(d time.Duration) {
	c.AdvanceTo(c.now.Add(d))
}

// AdvanceTo moves the clock to t (if t is later than now) as Advance does.
func (c *Cluster) AdvanceTo(t time.Time) {
	for {
		next, ok := c.NextWakeup()
		if !ok || next.After(t) {
			break
		}
		c.fire(next)
	}
	// A clock stop syncs nothing by itself: only timed events do.
	if t.After(c.now) {
		c.now = t
	}
}

// Step moves the clock to the next timed event and handles every event
// due then. It returns false, leaving the clock alone, when none is pending.
func (c *Cluster) Step() bool {
	next, ok := c.NextWakeup()
	if !ok {
		return false
	}
	c.fire(next)
	return true
}

// RunUntil steps from event to event until done returns true or the clock
// would pass limit (then it stops at limit). It reports whether done held.
func (c *Cluster) RunUntil(done func(*Cluster) bool, limit time.Duration) bool {
	if done == nil {
		c.Advance(limit) // nothing to wait for but the limit
		return false
	}
	end := c.now.Add(limit)
	for !done(c) {
		next, ok := c.NextWakeup()
		if !ok || next.After(end) {
			c.AdvanceTo(end)
			return done(c)
		}
		c.fire(next)
	}
	return true
}

// fire handles every timer due at instant at, then reconciles.
func (c *Cluster) fire(at time.Time) {
	if at.After(c.now) {
		c.now = at
	}
	for c.timers.Len() > 0 && !c.timers[0].at.After(at) {
		t := c.timers.pop()
		if !c.live(&t) {
			continue
		}
		switch t.kind {
		case podStarts:
			c.startPod(t.pod, t.rs)
		case podReady:
			c.podPassesProbes(t.pod, t.rs)
		case podGone:
			c.removePod(t.rs, t.pod)
		case podExits:
			c.containerExits(t.pod, t.rs)
		case podRestarts:
			c.containerRestarts(t.pod, t.rs)
		case podAvailable:
			c.podMayBeAvailable(t.pod, t.rs)
		case deploymentCheck:
			c.requeues.Remove(t.dep)
			c.dirtyDeploy.Add(t.dep)
		}
	}
	c.reconcile()
}

// NextDeploymentSync returns when the Deployment controller will next sync
// the Deployment by itself, and false when it waits for nothing: the
// Deployment's waiting entry in the controller's work queue (a progress
// re-check, a rate-limited poll as its deadline nears, or the retry of a
// failed sync). Writes to the Deployment, its ReplicaSets or, under
// Recreate, the deletion of its pods sync it earlier.
func (c *Cluster) NextDeploymentSync(namespace, name string) (time.Time, bool) {
	d, ok := c.deployments[objKey{nsOr(namespace), name}]
	if !ok {
		return time.Time{}, false
	}
	return c.requeues.At(d)
}
