package rollsim

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/rollsim/rollsim/meta"
)

// Event is a Kubernetes-style event: something a controller did or saw.
type Event struct {
	// Time is the fake-clock instant it happened.
	Time time.Time
	// Type is "Normal" or "Warning".
	Type string
	// Reason is a one-word cause, such as ScalingReplicaSet.
	Reason string
	// Message is the detail, as upstream words it.
	Message string
	// Kind, Namespace and Name identify the object it is about.
	Kind, Namespace, Name string
	// Source is the component that recorded it, such as "deployment-controller".
	Source string
}

// String renders the event as "Normal ScalingReplicaSet Scaled up ...".
func (e Event) String() string { return fmt.Sprintf("%s %s %s", e.Type, e.Reason, e.Message) }

// Events returns the recorded events, oldest first (the most recent
// Config.MaxEvents when that is set).
func (c *Cluster) Events() []Event {
	if c.maxEvents > 0 && len(c.events) > c.maxEvents {
		return c.events[len(c.events)-c.maxEvents:]
	}
	return c.events
}

// EventCount returns how many events were ever recorded, including those
// dropped from the log.
func (c *Cluster) EventCount() int { return c.dropped + len(c.events) }

// debugOn reports whether the logger takes debug lines, so that callers
// build a line's arguments (which allocates) only when it does.
func (c *Cluster) debugOn() bool { return c.log.Enabled(context.Background(), slog.LevelDebug) }

// Observe registers f to be called with every event as it is recorded.
func (c *Cluster) Observe(f func(Event)) { c.observers = append(c.observers, f) }

var sources = map[string]string{
	"Deployment": "deployment-controller",
	"ReplicaSet": "replicaset-controller",
	"Pod":        "default-scheduler",
}

// Event records an event about an object; controllers call it through
// their Env.
func (c *Cluster) Event(obj *meta.ObjectMeta, kind, typ, reason, message string) {
	e := Event{Time: c.now, Type: typ, Reason: reason, Message: message, Kind: kind, Namespace: obj.Namespace, Name: obj.Name, Source: sources[kind]}
	if c.maxEvents > 0 && len(c.events) >= 2*c.maxEvents {
		// The log keeps up to twice MaxEvents and Events shows the last
		// MaxEvents of them: dropping the older half at once costs O(1)
		// per event, where dropping one event at a time costs
		// O(MaxEvents).
		n := copy(c.events, c.events[len(c.events)-c.maxEvents+1:])
		clear(c.events[n:])
		c.dropped += len(c.events) - n
		c.events = c.events[:n]
	}
	if len(c.events) == cap(c.events) && c.maxEvents == 0 {
		// Double the log: append grows a large slice by a quarter at a
		// time, copying every event (and its eight pointers) about five
		// times over; doubling copies each about twice.
		grown := make([]Event, len(c.events), max(2*cap(c.events), 256))
		copy(grown, c.events)
		c.events = grown
	}
	c.events = append(c.events, e)
	if c.debugOn() {
		c.debug("event", "kind", kind, "name", obj.Name, "type", typ, "reason", reason, "message", message)
	}
	for _, f := range c.observers {
		f(e)
	}
}
