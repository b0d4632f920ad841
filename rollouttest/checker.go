package rollouttest

import (
	"errors"
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
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
//   - A paused Deployment not rolling, Recreate not overlapping, and the
//     progress deadline, at every rest point where their preconditions
//     hold (see docs/property-testing.md); undo and proportional scaling
//     in Perform, around the op that asks for them.
//   - The Budget at every check point.
//
// All limits (maxSurge, maxUnavailable, completion) are the kit's own
// (Resolve, Complete), never the controller's. Coverage tells how often
// each invariant was checked, and how often its preconditions kept it
// from being checked.
//
// Drive the cluster through Do, which applies an Op and checks after it
// and, while time passes, at every timed event on the way. When changing
// the cluster by other means, call Check after each change, Disrupted
// after deleting a pod, and NeverReady after marking an image never-ready.
type Checker struct {
	c               *rollsim.Cluster
	namespace, name string

	// Budget bounds the cluster's work between check points and over the
	// run (DefaultBudget() unless changed): a control loop that never
	// settles then fails with ErrRunaway instead of running for ever.
	Budget Budget
	// Undo performs an Undo op; nil means rollsim.Cluster.Undo, which
	// does what `kubectl rollout undo` does. Set it to check a rollback
	// of your own (a plugin, an operator's undo) against the undo
	// invariant; CheckReplay plays the Checker's ops with it too.
	Undo func(c *rollsim.Cluster, namespace, name string, toRevision int64) error
	// Sparse says that the Checker sees only some rest points: the
	// cluster is driven by other means (a scenario runner that moves the
	// clock itself) and Check is called after each command. The one check
	// that must see every rest point, that a rollout stalled past its
	// progress deadline says so, is then left out: a change between two
	// check points would go unseen. The other progress-deadline check
	// then dates a progress it sees to the previous check point.
	Sparse bool

	ops        []Op
	neverReady map[string]bool
	disrupted  bool
	checks     int
	coverage   Coverage
	extra      []namedCheck

	prev       *restPoint // the Deployment at the previous rest point
	floorArmed bool
	minReady   map[string]int32 // by ReplicaSet UID, at the previous rest point
	slack      int32            // pods allowed above a lowered surge ceiling
	lastHigh   int32            // max(pods, Σ spec.replicas) at the previous rest point
	revisions  map[string]int64 // by ReplicaSet UID, at the previous rest point
	sizes      map[string]int32 // spec.replicas by ReplicaSet UID, at the previous rest point
	currentUID string           // of the last current ReplicaSet seen

	deadline deadlineMemory

	// The work done when the last check point was reached.
	syncs, events int
	// The cluster as it was at the last check point that found nothing
	// wrong: one that finds it unchanged has nothing new to check.
	clean stamp
	// ScalingReplicaSet events of the Deployment seen while an op that
	// may scale it runs.
	watching bool
	scaled   []scaleEvent
}

type namedCheck struct {
	name  string
	check func(*rollsim.Cluster) error
}

// NewChecker returns a Checker of the named Deployment of c, which need
// not exist yet (Do of an Apply creates it). It watches c's events from
// now on (Cluster.Observe): make one Checker per Deployment, not one per
// check.
func NewChecker(c *rollsim.Cluster, namespace, name string) *Checker {
	if namespace == "" {
		namespace = meta.DefaultNamespace
	}
	k := &Checker{c: c, namespace: namespace, name: name, Budget: DefaultBudget(),
		neverReady: map[string]bool{}, revisions: map[string]int64{}, coverage: Coverage{}}
	for _, inv := range []error{ErrOwnership, ErrStatus, ErrRevisions, ErrHistoryLimit, ErrAvailabilityFloor, ErrSurgeCeiling,
		ErrPaused, ErrRecreate, ErrUndo, ErrProportional, ErrCompletion, ErrRunaway} {
		k.coverage[inv.Error()] = Tally{}
	}
	k.coverage[DeadlineEarly], k.coverage[DeadlineLate] = Tally{}, Tally{}
	k.syncs, k.events = work(c), c.EventCount()
	c.Observe(k.observe)
	return k
}

// work is the syncs a cluster has done.
func work(c *rollsim.Cluster) int {
	st := c.Stats()
	return st.DeploymentSyncs + st.ReplicaSetSyncs
}

// Cluster returns the cluster the Checker watches.
func (k *Checker) Cluster() *rollsim.Cluster { return k.c }

// Ops returns the ops done so far through Do (and the time CheckCompletion
// let pass, as an Advance), for a replay.
func (k *Checker) Ops() []Op { return k.ops }

// Checks returns how many rest points have been checked.
func (k *Checker) Checks() int { return k.checks }

// Coverage returns, per invariant, how often the Checker checked it and
// how often its preconditions kept it from doing so. Sum it over the runs
// of a property test (Coverage.Add) and fail the test when an invariant
// it means to exercise was never armed (Coverage.Unarmed).
func (k *Checker) Coverage() Coverage {
	out := Coverage{}
	out.Add(k.coverage)
	return out
}

// AddCheck adds an invariant of the caller's own, which the Checker then
// runs at every check point, after its own: after every op and at every
// timed event an Advance or CheckCompletion stops at. check returns nil,
// a violation, or an error wrapping ErrPrecondition when its
// preconditions do not hold; Coverage counts it under name.
func (k *Checker) AddCheck(name string, check func(c *rollsim.Cluster) error) {
	k.extra = append(k.extra, namedCheck{name, check})
	if _, ok := k.coverage[name]; !ok {
		k.coverage[name] = Tally{}
	}
}

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
// the preconditions need, and checks what only the op itself shows (the
// target of an undo, the proportions of a scale) and, while time passes,
// everything at the timed events an Advance stops at before its end. Call
// Check next; a state-machine test calls Perform in its actions and Check
// as its invariant.
func (k *Checker) Perform(op Op) error {
	k.ops = append(k.ops, op)
	switch op.Kind {
	case DeletePod:
		k.disrupted = true
	case NeverReady:
		k.neverReady[op.Image] = true
	case Advance:
		return k.advance(op.Duration)
	case Undo:
		return k.checkUndo(op.Revision)
	case Scale, Apply:
		return k.checkScale(op)
	}
	_ = op.Apply(k.c, k.namespace, k.name)
	return nil
}

// apply performs op as the Checker does: with its Undo, if set.
func (k *Checker) apply(c *rollsim.Cluster, op Op) error {
	if op.Kind == Undo && k.Undo != nil {
		return k.Undo(c, k.namespace, k.name, op.Revision)
	}
	return op.Apply(c, k.namespace, k.name)
}

// advance moves the clock to now+d as Cluster.Advance does, checking at
// every timed event on the way.
func (k *Checker) advance(d time.Duration) error {
	end := k.c.Now().Add(d)
	var at time.Time
	same := 0
	for {
		next, ok := k.c.NextWakeup()
		if !ok || next.After(end) {
			break
		}
		if err := k.sameInstant(next, &at, &same); err != nil {
			return err
		}
		k.c.Step()
		if err := k.Check(); err != nil {
			return err
		}
	}
	k.c.AdvanceTo(end)
	return nil
}

// sameInstant counts the wake-ups handled at one instant against the
// Budget.
func (k *Checker) sameInstant(next time.Time, at *time.Time, same *int) error {
	if !next.Equal(*at) {
		*at, *same = next, 0
	}
	*same++
	if b := k.Budget.WakeupsPerInstant; b > 0 && *same > b {
		return &Violation{Invariant: ErrRunaway, Namespace: k.namespace, Name: k.name, Time: next,
			Detail: fmt.Sprintf("%d timed events at one instant, budget %d: a controller keeps asking to be woken at once, so the clock cannot move", *same, b)}
	}
	return nil
}

// Check checks every invariant whose preconditions hold now, and moves the
// Checker's memory on to this rest point. It returns the violations found
// (joined), nil if none, and nil while the Deployment does not exist.
func (k *Checker) Check() error {
	if err := k.budget(); err != nil {
		return err
	}
	now := k.stamp()
	if now == k.clean && !k.disrupted {
		return nil
	}
	var errs []error
	// The stored Deployment is only read, and nothing of it is kept past
	// the call: a copy of it at every check point would cost more than
	// all the checks together.
	err := k.c.ViewDeployment(k.namespace, k.name, func(d *deployment.Deployment) {
		errs = k.check(d)
	})
	if meta.IsNotFound(err) {
		k.forget()
		return nil
	}
	if err != nil {
		return err
	}
	k.clean = stamp{}
	joined := errors.Join(errs...)
	if joined == nil {
		k.clean = now
	}
	return joined
}

// stamp tells whether the cluster changed: every change of an object is a
// write, and every check depends only on the objects and the clock.
// The zero stamp matches no check point: a cluster's clock never reads
// the zero time.
type stamp struct {
	at             time.Time
	writes, events int
}

func (k *Checker) stamp() stamp {
	return stamp{at: k.c.Now(), writes: k.c.Stats().Writes, events: k.c.EventCount()}
}

// check is Check of the Deployment d, which it must neither change nor
// keep.
func (k *Checker) check(d *deployment.Deployment) []error {
	pods, rss := k.c.Pods(), k.c.ReplicaSets()
	v := gather(k.c, d, ownedBy(d, rss), pods)
	k.checks++
	cov := k.coverage
	cov.arm(ErrOwnership.Error(), true)
	cov.arm(ErrStatus.Error(), true)
	cov.arm(ErrRevisions.Error(), true)
	cov.arm(ErrSurgeCeiling.Error(), true)
	cov.arm(ErrHistoryLimit.Error(), v.historyLimited())
	sizes := k.sizes
	k.sizes = sizesOf(v)
	errs := []error{
		checkOwnership(k.c, pods, rss),
		v.status(),
		v.revisions(),
		k.revisionsIncreasing(v),
		v.historyLimit(),
		k.paused(v, sizes),
		k.recreate(v, sizes),
		k.progressDeadline(v),
		k.availabilityFloor(v), // before surgeCeiling moves lastHigh on
		k.surgeCeiling(v),
	}
	for _, x := range k.extra {
		err := x.check(k.c)
		pre := errors.Is(err, ErrPrecondition)
		cov.arm(x.name, !pre)
		if !pre {
			errs = append(errs, err)
		}
	}
	k.disrupted = false
	k.prev = k.prev.next(d)
	return errs
}

// restPoint is what the Checker keeps of the Deployment at the previous
// rest point.
type restPoint struct {
	generation  int64
	paused      bool
	replicas    int32
	strategy    string
	unavailable int32
	ceiling     int32
	template    pod.Template // copied only when the generation changes
}

// next returns the restPoint of d, reusing r's copy of the template when
// the spec did not change.
func (r *restPoint) next(d *deployment.Deployment) *restPoint {
	f := MustResolve(d)
	n := &restPoint{generation: d.Generation, paused: d.Spec.Paused, replicas: desired(d), strategy: d.Spec.Strategy.Type,
		unavailable: f.Unavailable, ceiling: f.Ceiling(d)}
	if r != nil && r.generation == d.Generation {
		n.template = r.template
	} else {
		n.template = d.Spec.Template.Clone()
	}
	return n
}

// rolling reports whether the Deployment used RollingUpdate.
func (r *restPoint) rolling() bool { return r.strategy == deployment.RollingUpdate }

// budget checks the work done since the last check point against the
// Budget, and moves the count on.
func (k *Checker) budget() error {
	syncs, events := work(k.c), k.c.EventCount()
	ds, de := syncs-k.syncs, events-k.events
	k.syncs, k.events = syncs, events
	b := k.Budget
	var detail string
	switch {
	case b.SyncsPerStep > 0 && ds > b.SyncsPerStep:
		detail = fmt.Sprintf("%d syncs since the last check point, budget %d", ds, b.SyncsPerStep)
	case b.EventsPerStep > 0 && de > b.EventsPerStep:
		detail = fmt.Sprintf("%d events since the last check point, budget %d", de, b.EventsPerStep)
	case b.Syncs > 0 && syncs > b.Syncs:
		detail = fmt.Sprintf("%d syncs in the run, budget %d", syncs, b.Syncs)
	case b.Events > 0 && events > b.Events:
		detail = fmt.Sprintf("%d events in the run, budget %d", events, b.Events)
	}
	k.coverage.arm(ErrRunaway.Error(), true)
	if detail == "" {
		return nil
	}
	st := k.c.Stats()
	return &Violation{Invariant: ErrRunaway, Namespace: k.namespace, Name: k.name, Time: k.c.Now(),
		Detail: fmt.Sprintf("%s (the cluster has run %d reconcile rounds, %d Deployment and %d ReplicaSet syncs, %d writes): a controller that rewrites what it reads never settles",
			detail, st.Rounds, st.DeploymentSyncs, st.ReplicaSetSyncs, st.Writes)}
}

// forget drops the memory of a Deployment that is gone.
func (k *Checker) forget() {
	k.prev, k.floorArmed, k.minReady, k.slack, k.lastHigh = nil, false, nil, 0, 0
	k.revisions, k.sizes, k.currentUID = map[string]int64{}, nil, ""
	k.deadline = deadlineMemory{}
}

func (k *Checker) surgeCeiling(v *view) error {
	c := ceiling(v.d)
	if k.prev != nil && c < k.prev.ceiling {
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
		k.coverage.arm(ErrAvailabilityFloor.Error(), false)
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
	if k.disrupted || raised || pausedAboveCeiling || p != nil && (desired(d) != p.replicas ||
		d.Spec.Strategy.Type != p.strategy || MustResolve(d).Unavailable < p.unavailable) {
		k.floorArmed = false
	}
	var err error
	if k.floorArmed {
		err = v.availabilityFloor()
	}
	k.coverage.arm(ErrAvailabilityFloor.Error(), k.floorArmed)
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
	var at time.Time
	same := 0
	err = checkCompletion(k.c, k.namespace, k.name, limit, func() error {
		if err := k.sameInstant(k.c.Now(), &at, &same); err != nil {
			return err
		}
		return k.Check()
	}, true)
	if elapsed := k.c.Now().Sub(start); elapsed > 0 {
		k.ops = append(k.ops, Op{Kind: Advance, Duration: elapsed})
	}
	k.coverage.arm(ErrCompletion.Error(), !errors.Is(err, ErrPrecondition))
	return err
}

// CheckCompletionInTime is CheckCompletion with the limit the Deployment's
// spec sets: CompletionBound at the cluster's pod startup time, plus one
// Period for a rollout that did not start from a settled Deployment.
func (k *Checker) CheckCompletionInTime() error {
	d, err := k.c.Deployment(k.namespace, k.name)
	if err != nil {
		return err
	}
	bound, err := CompletionBound(d, k.c.PodStartup())
	if err != nil {
		return err
	}
	return k.CheckCompletion(bound + Period(d, k.c.PodStartup()))
}

// CheckReplay plays the Checker's Ops on a new cluster made from cfg, which
// must be the Config its cluster was made from, and checks that it ends
// exactly like the Checker's cluster (see the function CheckReplay).
func (k *Checker) CheckReplay(cfg rollsim.Config) error {
	return checkReplay(k.c, cfg, k.namespace, k.name, k.ops, k.apply)
}
