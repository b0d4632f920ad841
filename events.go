package rollsim

import (
	"fmt"
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
// Config.MaxEvents when that is set). The slice is the cluster's: read it
// before the next change.
func (c *Cluster) Events() []Event {
	all := c.events.flatten()
	if c.maxEvents > 0 && len(all) > c.maxEvents {
		return all[len(all)-c.maxEvents:]
	}
	return all
}

// EventCount returns how many events were ever recorded, including those
// dropped from the log.
func (c *Cluster) EventCount() int { return c.events.dropped + c.events.n }

// eventChunk is how many events one block of the log holds at most.
const eventChunk = 1024

// eventLog holds events in fixed-size blocks, so that a growing log never
// copies what it holds; Events joins the blocks when asked (and keeps the
// result until the next event).
type eventLog struct {
	chunks  [][]Event
	n       int
	dropped int
	flat    []Event
}

// add appends e, dropping the oldest block once the others hold at least
// keep events (keep 0 keeps everything).
func (l *eventLog) add(e Event, keep int) {
	if k := len(l.chunks); k == 0 || len(l.chunks[k-1]) == cap(l.chunks[k-1]) {
		// Blocks start small, for the many short-lived clusters of a
		// property test, and double up to eventChunk.
		size := 16
		if k > 0 {
			size = min(eventChunk, 2*cap(l.chunks[k-1]))
		}
		l.chunks = append(l.chunks, make([]Event, 0, size))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, e)
	l.n++
	l.flat = nil
	if keep > 0 && l.n-len(l.chunks[0]) >= keep {
		l.dropped += len(l.chunks[0])
		l.n -= len(l.chunks[0])
		l.chunks[0] = nil
		l.chunks = l.chunks[1:]
	}
}

func (l *eventLog) flatten() []Event {
	if l.flat == nil && l.n > 0 {
		l.flat = make([]Event, 0, l.n)
		for _, ch := range l.chunks {
			l.flat = append(l.flat, ch...)
		}
	}
	return l.flat
}

// Observe registers f to be called with every event as it is recorded.
// f runs in the middle of a controller's sync: it may read the cluster,
// but must not change it or move its clock.
func (c *Cluster) Observe(f func(Event)) {
	if f != nil {
		c.observers = append(c.observers, f)
	}
}

// source names the component that records events about a kind.
func source(kind string) string {
	switch kind {
	case "Deployment":
		return "deployment-controller"
	case "ReplicaSet":
		return "replicaset-controller"
	case "Pod":
		return "default-scheduler"
	}
	return ""
}

// Event records an event about an object; controllers call it through
// their Env.
func (c *Cluster) Event(obj *meta.ObjectMeta, kind, typ, reason, message string) {
	e := Event{Time: c.api.Now, Type: typ, Reason: reason, Message: message, Kind: kind, Namespace: obj.Namespace, Name: obj.Name, Source: source(kind)}
	c.events.add(e, c.maxEvents)
	if c.api.DebugOn() {
		c.api.Debug("event", "kind", kind, "name", obj.Name, "type", typ, "reason", reason, "message", message)
	}
	for _, f := range c.observers {
		f(e)
	}
}
