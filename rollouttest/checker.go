package rollouttest

import (
	"errors"
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
)

// Checker follows one Deployment of a Cluster from step to step and checks
// every invariant at every rest point. It remembers what the invariants
// that span steps need (revision numbers seen, the pods running before a
// lowered surge ceiling) and tracks the preconditions of the availability
// floor and the surge ceiling, so that each is checked exactly when it
// must hold:
//
//   - Ownership, status and revisions (CheckOwnership, CheckStatus,
//     CheckRevisions) at every rest point.
//   - Revisions increasing: a ReplicaSet's revision never changes except
//     when it becomes current (replaces the last current one); it then
//     never goes down, and ends above the revision of every other
//     ReplicaSet live at the previous rest point. (Numbers of ReplicaSets
//     the history limit removed may come back, as upstream.)
//   - The history limit (CheckHistoryLimit) whenever the rollout is
//     complete.
//   - The surge ceiling (CheckSurgeCeiling) at every rest point, except
//     that after a step that lowered the ceiling (replicas or maxSurge
//     down, a switch to Recreate) the pods already running above it may
//     stay until they go: the count above the ceiling must never grow.
//   - The availability floor (CheckAvailabilityFloor) for a RollingUpdate
//     from the first rest point at which it holds, until a step deletes a
//     pod, changes spec.replicas or the strategy type, lowers the resolved
//     maxUnavailable, raises the minReadySeconds of one of the
//     Deployment's ReplicaSets, or leaves it paused with more pods before
//     the step than the surge ceiling allows after it; it is then checked
//     again from the next rest point at which it holds.
//
// Drive the cluster through Do, which applies an Op and checks after it
// and, while time passes, at every timed event on the way. When changing
// the cluster by other means, call Check after each change, Disrupted
// after deleting a pod, and NeverReady after marking an image never-ready.
type Checker struct {
	c               *rollsim.Cluster
	namespace, name string

	ops        []Op
	neverReady map[string]bool
	disrupted  bool
	checks     int

	prev       *deployment.Deployment // as at the previous rest point
	floorArmed bool
	minReady   map[string]int32 // by ReplicaSet UID, at the previous rest point
	slack      int32            // pods allowed above a lowered surge ceiling
	lastHigh   int32            // max(pods, Σ spec.replicas) at the previous rest point
	revisions  map[string]int64 // by ReplicaSet UID, at the previous rest point
	currentUID string           // of the last current ReplicaSet seen
}

// NewChecker returns a Checker of the named Deployment of c, which need
// not exist yet (Do of an Apply creates it).
func NewChecker(c *rollsim.Cluster, namespace, name string) *Checker {
	if namespace == "" {
		namespace = meta.DefaultNamespace
	}
	return &Checker{c: c, namespace: namespace, name: name, neverReady: map[string]bool{}, revisions: map[string]int64{}}
}

// Cluster returns the cluster the Checker watches.
func (k *Checker) Cluster() *rollsim.Cluster { return k.c }

// Ops returns the ops done so far through Do (and the time CheckCompletion
// let pass, as an Advance), for a replay.
func (k *Checker) Ops() []Op { return k.ops }

// Checks returns how many rest points have been checked.
func (k *Checker) Checks() int { return k.checks }

// Disrupted tells the Checker that a pod of the Deployment was deleted
// other than through Do: the availability floor is not checked until it
// holds again.
func (k *Checker) Disrupted() { k.disrupted = true }

// NeverReady tells the Checker that image was marked never-ready other
// than through Do, for the preconditions of CheckCompletion.
func (k *Checker) NeverReady(image string) { k.neverReady[image] = true }

// Do applies op to the Deployment and checks every invariant afterwards;
// an Advance is taken one timed event at a time with a check at each.
// It returns the violations found (joined), nil if none. That the cluster
// refused the op (an unknown revision, pausing a paused Deployment, an
// invalid spec ...) is no violation: a refused op changes nothing.
func (k *Checker) Do(op Op) error {
	if err := k.Perform(op); err != nil {
		return err
	}
	return k.Check()
}

// Perform is Do without the check at the end: it applies op, noting what
// the preconditions need, and checks only at the timed events an Advance
// stops at before its end. Call Check next; a state-machine test calls
// Perform in its actions and Check as its invariant.
func (k *Checker) Perform(op Op) error {
	k.ops = append(k.ops, op)
	switch op.Kind {
	case DeletePod:
		k.disrupted = true
	case NeverReady:
		k.neverReady[op.Image] = true
	case Advance:
		return k.advance(op.Duration)
	}
	_ = op.Apply(k.c, k.namespace, k.name)
	return nil
}

// advance moves the clock to now+d as Cluster.Advance does, checking at
// every timed event on the way.
func (k *Checker) advance(d time.Duration) error {
	end := k.c.Now().Add(d)
	for {
		next, ok := k.c.NextWakeup()
		if !ok || next.After(end) {
			break
		}
		k.c.Step()
		if err := k.Check(); err != nil {
			return err
		}
	}
	k.c.AdvanceTo(end)
	return nil
}

// Check checks every invariant whose preconditions hold now, and moves the
// Checker's memory on to this rest point. It returns the violations found
// (joined), nil if none, and nil while the Deployment does not exist.
func (k *Checker) Check() error {
	pods := k.c.Pods()
	v, err := newView(k.c, k.namespace, k.name, pods)
	if err != nil {
		if meta.IsNotFound(err) {
			k.forget()
			return nil
		}
		return err
	}
	k.checks++
	errs := []error{
		checkOwnership(k.c, pods),
		v.status(),
		v.revisions(),
		k.revisionsIncreasing(v),
		v.historyLimit(),
		k.availabilityFloor(v), // before surgeCeiling moves lastHigh on
		k.surgeCeiling(v),
	}
	k.disrupted = false
	k.prev = v.d
	return errors.Join(errs...)
}

// forget drops the memory of a Deployment that is gone.
func (k *Checker) forget() {
	k.prev, k.floorArmed, k.minReady, k.slack, k.lastHigh = nil, false, nil, 0, 0
	k.revisions, k.currentUID = map[string]int64{}, ""
}

func (k *Checker) surgeCeiling(v *view) error {
	c := ceiling(v.d)
	if k.prev != nil && c < ceiling(k.prev) {
		k.slack = max(k.slack, k.lastHigh)
	}
	err := v.surgeCeiling(max(c, k.slack))
	high := max(v.total, v.specSum)
	k.slack = min(k.slack, high)
	if k.slack <= c {
		k.slack = 0
	}
	k.lastHigh = high
	return err
}

func (k *Checker) availabilityFloor(v *view) error {
	d, p := v.d, k.prev
	if !rollingUpdate(d) {
		k.floorArmed = false
		return nil
	}
	minReady := map[string]int32{}
	raised := false
	for _, rs := range v.rss {
		minReady[rs.UID] = rs.Spec.MinReadySeconds
		if before, ok := k.minReady[rs.UID]; ok && rs.Spec.MinReadySeconds > before {
			raised = true
		}
	}
	k.minReady = minReady
	// A paused Deployment scales its ReplicaSets in proportion down to
	// the surge ceiling whenever they ask for more, available pods or not.
	pausedAboveCeiling := d.Spec.Paused && k.lastHigh > ceiling(d)
	if k.disrupted || raised || pausedAboveCeiling || p != nil && (d.DesiredReplicas() != p.DesiredReplicas() ||
		d.Spec.Strategy.Type != p.Spec.Strategy.Type || MustResolve(d).Unavailable < MustResolve(p).Unavailable) {
		k.floorArmed = false
	}
	var err error
	if k.floorArmed {
		err = v.availabilityFloor()
	}
	k.floorArmed = v.avail >= floor(d)
	return err
}

func (k *Checker) revisionsIncreasing(v *view) error {
	var err error
	cur := ""
	if v.current != nil {
		cur = v.current.UID
	}
	live := map[string]int64{}
	for _, rs := range v.rss {
		n := rs.Revision()
		live[rs.UID] = n
		before, seen := k.revisions[rs.UID]
		becameCurrent := rs.UID == cur && cur != k.currentUID
		switch {
		case err != nil || !seen:
		case !becameCurrent && n != before:
			err = v.violation(ErrRevisions, "ReplicaSet %s changed its revision from %d to %d without becoming current", rs.Name, before, n)
		case n < before:
			err = v.violation(ErrRevisions, "ReplicaSet %s became current again with revision %d, down from %d", rs.Name, n, before)
		}
	}
	if cur != "" && cur != k.currentUID && err == nil {
		n := v.current.Revision()
		for uid, other := range k.revisions {
			if uid != cur && other >= n {
				err = v.violation(ErrRevisions, "ReplicaSet %s became current with revision %d, not above revision %d that another ReplicaSet had at the previous rest point", v.current.Name, n, other)
				break
			}
		}
	}
	k.revisions = live
	if cur != "" {
		// A paused Deployment may wait without a current ReplicaSet; the
		// last one stays the reference for what "becoming current" means.
		k.currentUID = cur
	}
	return err
}

// CheckCompletion checks that the rollout finishes within limit, as the
// function CheckCompletion does, checking every invariant at each timed
// event on the way; the time it let pass is recorded among Ops as an
// Advance. Besides the preconditions CheckCompletion verifies, it knows
// the images marked never-ready through Do or NeverReady and reports a
// template running one as an error wrapping ErrPrecondition at once.
func (k *Checker) CheckCompletion(limit time.Duration) error {
	d, err := k.c.Deployment(k.namespace, k.name)
	if err != nil {
		return err
	}
	for _, ct := range d.Spec.Template.Spec.Containers {
		if k.neverReady[ct.Image] {
			return fmt.Errorf("%w: deployment %s/%s runs never-ready image %s", ErrPrecondition, k.namespace, k.name, ct.Image)
		}
	}
	start := k.c.Now()
	err = checkCompletion(k.c, k.namespace, k.name, limit, k.Check)
	if elapsed := k.c.Now().Sub(start); elapsed > 0 {
		k.ops = append(k.ops, Op{Kind: Advance, Duration: elapsed})
	}
	return err
}

// CheckReplay plays the Checker's Ops on a new cluster made from cfg, which
// must be the Config its cluster was made from, and checks that it ends
// exactly like the Checker's cluster (see the function CheckReplay).
func (k *Checker) CheckReplay(cfg rollsim.Config) error {
	return CheckReplay(k.c, cfg, k.namespace, k.name, k.ops)
}
