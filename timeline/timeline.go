// Package timeline records a run of the simulator as a picture-ready
// model and draws it: per Deployment, its ReplicaSets' pods over fake time
// by state, the surge ceiling and availability floor the controller
// enforces, and each command and event as a marker on the time axis.
//
// A Recorder is fed by the cluster's watch of every committed write and
// its events, so it sees every state a run passes through without the
// run's code knowing it is recorded. SVG and HTML render the model;
// their output depends only on the run, byte for byte.
package timeline

import (
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scenario"
)

// Counts are how many of a ReplicaSet's pods are in each state. The
// states do not overlap: a pod is counted once, in the first that fits
// of Terminating, Pending, Starting, Ready and Available.
type Counts struct {
	// Pending pods are not bound to a node yet.
	Pending int
	// Starting pods are bound but not Ready.
	Starting int
	// Ready pods are Ready but not yet for minReadySeconds, so not
	// available.
	Ready int
	// Available pods are Ready for minReadySeconds: the ones the
	// availability floor counts.
	Available int
	// Terminating pods were deleted and run out their grace period,
	// still holding their node.
	Terminating int
}

// Total is the number of pods in any state.
func (c Counts) Total() int { return c.Pending + c.Starting + c.Ready + c.Available + c.Terminating }

// Sample is a ReplicaSet's pod counts from one instant until the next
// sample (or the end of the run).
type Sample struct {
	// At is the instant, as an offset from the start of the fake clock.
	At time.Duration
	Counts
}

// Limits are the bounds a Deployment's spec puts on a rollout from one
// instant on, resolved as the controller resolves them.
type Limits struct {
	// At is the instant the spec took effect.
	At time.Duration
	// Replicas is the desired number of pods.
	Replicas int
	// MaxSurge and MaxUnavailable are the spec's values resolved against
	// Replicas (surge rounded up, unavailable down; 0 under Recreate).
	MaxSurge, MaxUnavailable int
	// Recreate reports the Recreate strategy, which has no floor.
	Recreate bool
	// Strategy describes the strategy as a person writes it:
	// "RollingUpdate 25%/25%" or "Recreate".
	Strategy string
}

// Ceiling is the most pods the controller lets the Deployment have
// (terminating pods aside): replicas + maxSurge.
func (l Limits) Ceiling() int { return l.Replicas + l.MaxSurge }

// Floor is the fewest available pods a rolling update keeps:
// replicas − maxUnavailable (0 under Recreate).
func (l Limits) Floor() int {
	if l.Recreate {
		return 0
	}
	return l.Replicas - l.MaxUnavailable
}

// ReplicaSet is one ReplicaSet's part of a timeline.
type ReplicaSet struct {
	// Name is the ReplicaSet's name.
	Name string
	// Revisions are the revision numbers it had, in order: a rollback
	// gives an old ReplicaSet a new one.
	Revisions []int64
	// Image is its pod template's first container image.
	Image string
	// Samples are its pod counts over time, one per instant they changed.
	Samples []Sample
}

// Deployment is one Deployment's part of a timeline: a panel of the
// picture.
type Deployment struct {
	// Namespace and Name identify the Deployment.
	Namespace, Name string
	// Limits are its resolved bounds, one per change of the spec that
	// moved them.
	Limits []Limits
	// ReplicaSets are its ReplicaSets in the order they were created.
	ReplicaSets []*ReplicaSet
	// Events are the events about it, its ReplicaSets and their pods.
	Events []Event
}

// Event is a Kubernetes event placed on the time axis.
type Event struct {
	// At is the instant it was recorded.
	At time.Duration
	// Type, Reason and Message are the event's.
	Type, Reason, Message string
	// Object names what it is about, as kind/name in lower case.
	Object string
}

// Command is one command of a run and the fake time it took.
type Command struct {
	// Text is the command as the transcript shows it.
	Text string
	// Start and End are the instants it began and ended.
	Start, End time.Duration
	// Failed reports that it printed an error.
	Failed bool
}

// Timeline is a recorded run.
type Timeline struct {
	// End is the last instant of the run.
	End time.Duration
	// Commands are the run's commands in order (none when the run was
	// driven through the Go API rather than a scenario).
	Commands []Command
	// Deployments are the panels, in the order the Deployments were
	// created.
	Deployments []*Deployment
}

// Recorder builds a Timeline from a cluster's watch and events. It is a
// scenario.Observer, so a scenario run records itself when given one in
// its Options.
type Recorder struct {
	c        *rollsim.Cluster
	tl       Timeline
	now      time.Duration
	deps     map[string]*depState // by UID
	rss      map[string]*rsState  // by UID
	rsByName map[string]*rsState  // by namespace/name, for events
	podRS    map[string]*rsState  // by pod namespace/name, for events
	byTrack  map[*ReplicaSet]*rsState
	stops    []func()
}

type depState struct {
	out *Deployment
}

type rsState struct {
	out      *ReplicaSet
	dep      *depState
	minReady int32
	pods     map[string]*pod.Pod
}

var _ scenario.Observer = (*Recorder)(nil)

// NewRecorder returns a recorder that is not yet watching: Start it on a
// cluster, or hand it to a scenario run as its Observer.
func NewRecorder() *Recorder {
	return &Recorder{
		deps: map[string]*depState{}, rss: map[string]*rsState{},
		rsByName: map[string]*rsState{}, podRS: map[string]*rsState{}, byTrack: map[*ReplicaSet]*rsState{},
	}
}

// Record returns a recorder watching c from now on.
func Record(c *rollsim.Cluster) *Recorder {
	r := NewRecorder()
	r.Start(c)
	return r
}

// Start watches c's writes and events from now on.
func (r *Recorder) Start(c *rollsim.Cluster) {
	r.c = c
	r.now = offset(c.Now())
	r.stops = append(r.stops, c.Watch(r.write))
	c.Observe(r.event)
}

// Exec records a command of a scenario run.
func (r *Recorder) Exec(ln scenario.Line, start, end time.Time, failed bool) {
	text := ln.Text
	if w := ln.Words[0]; w != "sleep" && w != "config" {
		text = "kubectl " + text
	}
	r.Command(text, start, end, failed)
}

// Command records a command run through the Go API, to be shown as a
// marker like a scenario's.
func (r *Recorder) Command(text string, start, end time.Time, failed bool) {
	r.tl.Commands = append(r.tl.Commands, Command{Text: text, Start: offset(start), End: offset(end), Failed: failed})
}

// Timeline returns what was recorded up to the cluster's current instant.
// The recorder goes on recording; a later call returns a longer timeline.
func (r *Recorder) Timeline() *Timeline {
	end := r.now
	if r.c != nil {
		end = max(end, offset(r.c.Now()))
	}
	r.flush()
	tl := r.tl
	tl.End = end
	tl.Commands = append([]Command(nil), r.tl.Commands...)
	tl.Deployments = make([]*Deployment, len(r.tl.Deployments))
	for i, d := range r.tl.Deployments {
		cp := *d
		cp.Limits = append([]Limits(nil), d.Limits...)
		cp.Events = append([]Event(nil), d.Events...)
		cp.ReplicaSets = make([]*ReplicaSet, len(d.ReplicaSets))
		for j, rs := range d.ReplicaSets {
			c := *rs
			c.Revisions = append([]int64(nil), rs.Revisions...)
			c.Samples = append([]Sample(nil), rs.Samples...)
			cp.ReplicaSets[j] = &c
		}
		tl.Deployments[i] = &cp
	}
	return &tl
}

// Stop ends the watch; the events observer stays registered but records
// nothing more.
func (r *Recorder) Stop() {
	for _, s := range r.stops {
		s()
	}
	r.stops = nil
	r.c = nil
}

func offset(t time.Time) time.Duration { return t.Sub(rollsim.Epoch()) }

// write takes one committed write. Samples are taken when the clock moves
// on, so that each instant shows the state its last write left: the
// controllers' steps within one instant take no time and cannot be seen.
func (r *Recorder) write(e rollsim.WatchEvent) {
	if r.c == nil {
		return
	}
	if t := offset(e.Time); t != r.now {
		r.flush()
		r.now = t
	}
	switch {
	case e.Deployment != nil:
		r.deployment(e.Deployment)
	case e.ReplicaSet != nil:
		r.replicaSet(e.Type, e.ReplicaSet)
	case e.Pod != nil:
		r.pod(e.Type, e.Pod)
	}
}

func (r *Recorder) deployment(d *deployment.Deployment) {
	ds := r.deps[d.UID]
	if ds == nil {
		ds = &depState{out: &Deployment{Namespace: d.Namespace, Name: d.Name}}
		r.deps[d.UID] = ds
		r.tl.Deployments = append(r.tl.Deployments, ds.out)
	}
	l := limitsOf(d)
	l.At = r.now
	ls := ds.out.Limits
	switch n := len(ls); {
	case n > 0 && ls[n-1].At == r.now:
		// A later write of the same instant is what the instant shows.
		ls[n-1] = l
	case n == 0 || !sameLimits(ls[n-1], l):
		ds.out.Limits = append(ls, l)
	}
}

func sameLimits(a, b Limits) bool {
	a.At = b.At
	return a == b
}

// limitsOf resolves a Deployment's bounds as the controller does.
func limitsOf(d *deployment.Deployment) Limits {
	l := Limits{
		Replicas:       int(d.DesiredReplicas()),
		MaxSurge:       int(deployment.MaxSurge(d)),
		MaxUnavailable: int(deployment.MaxUnavailable(d)),
		Recreate:       d.Spec.Strategy.Type == deployment.Recreate,
		Strategy:       d.Spec.Strategy.Type,
	}
	if ru := d.Spec.Strategy.RollingUpdate; !l.Recreate && ru != nil && ru.MaxSurge != nil && ru.MaxUnavailable != nil {
		l.Strategy += " " + ru.MaxSurge.String() + "/" + ru.MaxUnavailable.String()
	}
	return l
}

func (r *Recorder) replicaSet(typ rollsim.WatchEventType, rs *replicaset.ReplicaSet) {
	st := r.rss[rs.UID]
	if st == nil {
		if rs.Owner == nil || typ == rollsim.Deleted {
			return
		}
		ds := r.deps[rs.Owner.UID]
		if ds == nil {
			return
		}
		st = &rsState{out: &ReplicaSet{Name: rs.Name}, dep: ds, pods: map[string]*pod.Pod{}}
		r.rss[rs.UID] = st
		r.rsByName[rs.Namespace+"/"+rs.Name] = st
		r.byTrack[st.out] = st
		ds.out.ReplicaSets = append(ds.out.ReplicaSets, st.out)
	}
	st.minReady = rs.Spec.MinReadySeconds
	st.out.Image = rs.Image()
	if rev := rs.Revision(); rev > 0 {
		if n := len(st.out.Revisions); n == 0 || st.out.Revisions[n-1] != rev {
			st.out.Revisions = append(st.out.Revisions, rev)
		}
	}
}

func (r *Recorder) pod(typ rollsim.WatchEventType, p *pod.Pod) {
	if p.Owner == nil {
		return
	}
	st := r.rss[p.Owner.UID]
	if st == nil {
		return
	}
	if typ == rollsim.Deleted {
		delete(st.pods, p.UID)
		return
	}
	st.pods[p.UID] = p
	r.podRS[p.Namespace+"/"+p.Name] = st
}

// flush takes the samples of the instant the recorder is at.
func (r *Recorder) flush() {
	at := rollsim.Epoch().Add(r.now)
	for _, d := range r.tl.Deployments {
		for _, rs := range d.ReplicaSets {
			c := r.byTrack[rs].counts(at)
			n := len(rs.Samples)
			switch {
			case n > 0 && rs.Samples[n-1].At == r.now:
				rs.Samples[n-1].Counts = c
			case n > 0 && rs.Samples[n-1].Counts == c:
			case n == 0 && c == Counts{}:
			default:
				rs.Samples = append(rs.Samples, Sample{At: r.now, Counts: c})
			}
		}
	}
}

func (st *rsState) counts(at time.Time) Counts {
	var c Counts
	for _, p := range st.pods {
		switch {
		case p.Terminating():
			c.Terminating++
		case !p.Bound:
			c.Pending++
		case !p.Ready:
			c.Starting++
		case p.IsAvailable(st.minReady, at):
			c.Available++
		default:
			c.Ready++
		}
	}
	return c
}

// event files a Kubernetes event under the Deployment it concerns.
func (r *Recorder) event(e rollsim.Event) {
	if r.c == nil {
		return
	}
	var ds *Deployment
	switch e.Kind {
	case "Deployment":
		for _, d := range r.tl.Deployments {
			if d.Namespace == e.Namespace && d.Name == e.Name {
				ds = d
			}
		}
	case "ReplicaSet":
		if st := r.rsByName[e.Namespace+"/"+e.Name]; st != nil {
			ds = st.dep.out
		}
	case "Pod":
		if st := r.podRS[e.Namespace+"/"+e.Name]; st != nil {
			ds = st.dep.out
		}
	}
	if ds == nil {
		return
	}
	kind := map[string]string{"Deployment": "deployment", "ReplicaSet": "rs", "Pod": "pod"}[e.Kind]
	ds.Events = append(ds.Events, Event{At: offset(e.Time), Type: e.Type, Reason: e.Reason, Message: e.Message, Object: kind + "/" + e.Name})
}

// FormatTime writes an instant as the transcript does: the offset from
// the start of the fake clock, such as 31.005s or 1m0s.
func FormatTime(d time.Duration) string { return d.String() }
