// Package plan answers the questions asked before a rollout: how long it
// will take and how much room it needs. It plays a Deployment's update
// under each of several strategies, each on a fresh cluster of its own,
// and measures the run from its timeline.
package plan

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/scheduler"
	"github.com/rollsim/rollsim/timeline"
)

// Strategy is one way to roll the update out.
type Strategy struct {
	// Name is the strategy as written on the command line: "25%/25%"
	// (maxSurge/maxUnavailable) or "Recreate".
	Name string
	// Recreate selects the Recreate strategy; MaxSurge and MaxUnavailable
	// are then unused.
	Recreate bool
	// MaxSurge and MaxUnavailable are the rolling update's bounds.
	MaxSurge, MaxUnavailable *deployment.IntOrPercent
}

// DefaultStrategies are the strategies a plan compares when none are
// named: Kubernetes' default, surge only, unavailability only, Recreate.
const DefaultStrategies = "25%/25%,1/0,0/1,Recreate"

// ParseStrategies reads a comma-separated list of strategies, each
// MAXSURGE/MAXUNAVAILABLE (a count or a percentage) or Recreate.
func ParseStrategies(list string) ([]Strategy, error) {
	var out []Strategy
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if strings.EqualFold(s, "Recreate") {
			out = append(out, Strategy{Name: "Recreate", Recreate: true})
			continue
		}
		surge, unavail, ok := strings.Cut(s, "/")
		if !ok {
			return nil, fmt.Errorf("strategy %q: want MAXSURGE/MAXUNAVAILABLE (such as 25%%/25%% or 1/0) or Recreate", s)
		}
		ms, err := deployment.ParseIntOrPercent(surge)
		if err != nil {
			return nil, fmt.Errorf("strategy %q: maxSurge: %v", s, err)
		}
		mu, err := deployment.ParseIntOrPercent(unavail)
		if err != nil {
			return nil, fmt.Errorf("strategy %q: maxUnavailable: %v", s, err)
		}
		if strings.HasPrefix(surge, "-") || strings.HasPrefix(unavail, "-") {
			return nil, fmt.Errorf("strategy %q: maxSurge and maxUnavailable cannot be negative", s)
		}
		out = append(out, Strategy{Name: s, MaxSurge: ms, MaxUnavailable: mu})
	}
	return out, nil
}

// Input is the update to plan.
type Input struct {
	// Deployment is the Deployment as first applied; its strategy is
	// replaced by each strategy planned.
	Deployment *deployment.Deployment
	// Nodes, when any, give the cluster its room; without nodes every pod
	// is placed at once.
	Nodes []*scheduler.Node
	// Image is the first container's new image; empty means a restart
	// (`kubectl rollout restart`), which rolls out the same image.
	Image string
	// Seed seeds each cluster; 0 means 1.
	Seed uint64
}

// Result is what one strategy's rollout took.
type Result struct {
	// Strategy is the strategy played.
	Strategy Strategy
	// Completed reports that the rollout finished, and so inside its
	// progress deadline.
	Completed bool
	// DeadlineExceeded reports that it stopped making progress for longer
	// than progressDeadlineSeconds.
	DeadlineExceeded bool
	// Duration is the fake time from the update until the rollout
	// completed, or until it was given up (deadline or wait limit).
	Duration time.Duration
	// PeakPods is the most pods the Deployment had at once, in any state:
	// pending and terminating pods need room too.
	PeakPods int
	// PeakExtra is the most pods over the desired replicas at once.
	PeakExtra int
	// MinAvailable and MinReady are the fewest available and Ready pods
	// at any instant of the rollout.
	MinAvailable, MinReady int
	// Stall says where an unfinished rollout stopped: its last progress
	// and what its pods waited for.
	Stall string
	// Timeline is the whole run, the first rollout included.
	Timeline *timeline.Timeline
}

// maxWait bounds the wait for a rollout without a progress deadline,
// which would otherwise wait for ever on a stall.
const maxWait = 24 * time.Hour

// Plan plays the update under each strategy and returns one result per
// strategy, in order. An error means the input could not be played at
// all: the Deployment is refused, its first rollout does not complete, or
// the update changes nothing.
func Plan(in Input, strategies []Strategy) ([]Result, error) {
	if in.Deployment == nil {
		return nil, errors.New("plan: no Deployment")
	}
	var out []Result
	for _, s := range strategies {
		r, err := play(in, s)
		if err != nil {
			return nil, fmt.Errorf("strategy %s: %w", s.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func play(in Input, s Strategy) (Result, error) {
	seed := in.Seed
	if seed == 0 {
		seed = 1
	}
	c := rollsim.New(rollsim.Config{Seed: seed})
	for _, n := range in.Nodes {
		if _, err := c.ApplyNode(n.Clone()); err != nil {
			return Result{}, err
		}
	}
	d := in.Deployment.Clone()
	if s.Recreate {
		d.Spec.Strategy = deployment.Strategy{Type: deployment.Recreate}
	} else {
		d.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate,
			RollingUpdate: &deployment.RollingUpdateParams{MaxSurge: s.MaxSurge, MaxUnavailable: s.MaxUnavailable}}
	}
	rec := timeline.Record(c)
	defer rec.Stop()
	apply := c.Now()
	if _, err := c.Apply(d); err != nil {
		return Result{}, err
	}
	if _, _, err := c.WaitForRollout(d.Namespace, d.Name, kubectl.WaitOptions{Timeout: maxWait}); err != nil {
		return Result{}, fmt.Errorf("the first rollout does not complete: %w", err)
	}
	rec.Command(fmt.Sprintf("apply deployment/%s and wait for its first rollout", d.Name), apply, c.Now(), false)

	start := c.Now()
	text := "kubectl rollout restart deployment/" + d.Name
	if in.Image != "" {
		container := d.Spec.Template.Spec.Containers[0].Name
		changed, err := c.SetImage(d.Namespace, d.Name, container, in.Image)
		if err != nil {
			return Result{}, err
		}
		if !changed {
			return Result{}, fmt.Errorf("the image is already %s: nothing to roll out", in.Image)
		}
		text = fmt.Sprintf("kubectl set image deployment/%s %s=%s", d.Name, container, in.Image)
	} else if err := c.Restart(d.Namespace, d.Name); err != nil {
		return Result{}, err
	}
	rec.Command(text, start, start, false)

	var last kubectl.RolloutStatus
	st, took, err := c.WaitForRollout(d.Namespace, d.Name, kubectl.WaitOptions{Timeout: maxWait, OnStatus: func(s kubectl.RolloutStatus) { last = s }})
	rec.Command("kubectl rollout status deployment/"+d.Name, start, c.Now(), err != nil)
	r := Result{Strategy: s, Completed: err == nil && st.Done, Duration: took, Timeline: rec.Timeline()}
	var werr *kubectl.WaitError
	r.DeadlineExceeded = errors.As(err, &werr) && werr.Status.Failed
	measure(&r, d.Name, start.Sub(rollsim.Epoch()))
	if !r.Completed {
		r.Stall = stall(c, &r, last, d.Name, start.Sub(rollsim.Epoch()))
	}
	return r, nil
}

// measure takes the peaks and minimums over the rollout's instants, from
// the update on.
func measure(r *Result, name string, from time.Duration) {
	d := panelOf(r.Timeline, name)
	first := true
	for _, t := range instantsFrom(d, from, r.Timeline.End) {
		var total, avail, ready int
		for _, rs := range d.ReplicaSets {
			c := rs.CountsAt(t)
			total += c.Total()
			avail += c.Available
			ready += c.Available + c.Ready
		}
		l, _ := d.LimitsAt(t)
		replicas := l.Replicas
		if first {
			r.MinAvailable, r.MinReady = avail, ready
			first = false
		}
		r.PeakPods = max(r.PeakPods, total)
		r.PeakExtra = max(r.PeakExtra, total-replicas)
		r.MinAvailable = min(r.MinAvailable, avail)
		r.MinReady = min(r.MinReady, ready)
	}
}

// stall describes where an unfinished rollout stopped: the instant of its
// last change, kubectl's last word on it, and why pods wait.
func stall(c *rollsim.Cluster, r *Result, last kubectl.RolloutStatus, name string, from time.Duration) string {
	d := panelOf(r.Timeline, name)
	at := from
	for _, rs := range d.ReplicaSets {
		for _, s := range rs.Samples {
			if s.At > at && s.At < r.Timeline.End {
				at = s.At
			}
		}
	}
	msg := last.Message
	if _, after, ok := strings.Cut(msg, "rollout to finish: "); ok {
		msg = strings.TrimSuffix(after, "...")
	}
	parts := []string{fmt.Sprintf("at [%s]", timeline.FormatTime(at))}
	if msg != "" {
		parts = append(parts, msg)
	}
	pending := 0
	for _, rs := range d.ReplicaSets {
		pending += rs.CountsAt(r.Timeline.End).Pending
	}
	if pending > 0 {
		why := ""
		for _, e := range d.Events {
			if e.Type == "Warning" && e.At >= from {
				why = ": " + e.Message
			}
		}
		parts = append(parts, fmt.Sprintf("%d pod(s) Pending%s", pending, why))
	}
	if !r.DeadlineExceeded {
		parts = append(parts, "no progress deadline to end the wait")
	}
	return strings.Join(parts, "; ")
}

func panelOf(tl *timeline.Timeline, name string) *timeline.Deployment {
	for _, d := range tl.Deployments {
		if d.Name == name {
			return d
		}
	}
	return &timeline.Deployment{}
}

// instantsFrom lists the instants at which d changed from from on, from
// itself included.
func instantsFrom(d *timeline.Deployment, from, end time.Duration) []time.Duration {
	seen := map[time.Duration]bool{from: true}
	ts := []time.Duration{from}
	add := func(t time.Duration) {
		if t > from && t <= end && !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	for _, rs := range d.ReplicaSets {
		for _, s := range rs.Samples {
			add(s.At)
		}
	}
	for _, l := range d.Limits {
		add(l.At)
	}
	slices.Sort(ts)
	return ts
}

// WriteTable prints results as a table, one row per strategy.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "STRATEGY\tTIME\tPEAK PODS\tPEAK EXTRA\tMIN AVAILABLE\tMIN READY\tIN DEADLINE\tSTALLS")
	for _, r := range results {
		in, stalls := "yes", "-"
		if !r.Completed {
			in, stalls = "no", r.Stall
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", r.Strategy.Name, timeline.FormatTime(r.Duration), r.PeakPods, r.PeakExtra, r.MinAvailable, r.MinReady, in, stalls)
	}
	return tw.Flush()
}
