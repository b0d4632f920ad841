package rollsim

import (
	"time"

	"github.com/rollsim/rollsim/internal/apiserver"
)

// NextWakeup returns the instant of the next timed event (a pod becoming
// Ready or available, a progress-deadline check), and false when none is
// pending.
func (c *Cluster) NextWakeup() (time.Time, bool) { return c.loop.NextWakeup() }

// Advance moves the clock forward by d, stopping at every timed event on
// the way, in time order; at each stop the controllers run until nothing
// changes. A clock stop by itself syncs nothing: only timed events do.
func (c *Cluster) Advance(d time.Duration) { c.loop.AdvanceTo(c.api.Now.Add(d)) }

// AdvanceTo moves the clock to t (if t is later than now) as Advance does.
func (c *Cluster) AdvanceTo(t time.Time) { c.loop.AdvanceTo(t) }

// Step moves the clock to the next timed event and handles every event
// due then. It returns false, leaving the clock alone, when none is pending.
func (c *Cluster) Step() bool {
	next, ok := c.loop.NextWakeup()
	if !ok {
		return false
	}
	c.loop.Fire(next)
	return true
}

// RunUntil steps from event to event until done returns true or the clock
// would pass now + limit (then it stops there): limit is how long to wait,
// as a timeout is. It reports whether done held.
func (c *Cluster) RunUntil(done func(*Cluster) bool, limit time.Duration) bool {
	if done == nil {
		c.Advance(limit) // nothing to wait for but the limit
		return false
	}
	end := c.api.Now.Add(limit)
	for !done(c) {
		next, ok := c.loop.NextWakeup()
		if !ok || next.After(end) {
			c.loop.AdvanceTo(end)
			return done(c)
		}
		c.loop.Fire(next)
	}
	return true
}

// PodEventsPending reports whether a pod is still to start, to become
// Ready or available, or to finish terminating: while one is, waiting can
// change a rollout even when no progress deadline is in force. A
// crash-looping container's exits and restarts go on forever and never
// make a pod Ready: they do not count.
func (c *Cluster) PodEventsPending() bool { return c.loop.PodEventsPending() }

// NextDeploymentSync returns when the Deployment controller will next sync
// the Deployment by itself, and false when it waits for nothing: the
// Deployment's waiting entry in the controller's work queue (a progress
// re-check, a rate-limited poll as its deadline nears, or the retry of a
// failed sync). Writes to the Deployment, its ReplicaSets or, under
// Recreate, the deletion of its pods sync it earlier.
func (c *Cluster) NextDeploymentSync(namespace, name string) (time.Time, bool) {
	d, ok := c.api.Deployments[apiserver.Key{Namespace: apiserver.Namespace(namespace), Name: name}]
	if !ok {
		return time.Time{}, false
	}
	return c.loop.NextDeploymentSync(d)
}
