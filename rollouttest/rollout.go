package rollouttest

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/replicaset"
)

// The invariants of this file need to know what happened between two rest
// points, or what an op asked for: the Checker checks them, each at the
// check points where its preconditions hold, and counts in its Coverage
// how often that was.

// sizesOf returns the spec.replicas of each ReplicaSet of v, by UID.
func sizesOf(v *view) map[string]int32 {
	sizes := make(map[string]int32, len(v.rss))
	for _, rs := range v.rss {
		sizes[rs.UID] = rs.Spec.Replicas
	}
	return sizes
}

// paused checks that a Deployment paused at the previous rest point and
// still paused now did not roll: it made no ReplicaSet, and, unless the
// step changed its spec, grew none. (A spec change, such as a new replica
// count or maxSurge, makes a paused Deployment scale its ReplicaSets in
// proportion, which may grow some; a fully available current ReplicaSet
// may see the old ones taken down.) before holds the sizes at the
// previous rest point.
//
// Preconditions: paused at both rest points.
func (k *Checker) paused(v *view, before map[string]int32) error {
	p := k.prev
	armed := p != nil && p.paused && v.d.Spec.Paused && before != nil
	k.coverage.arm(ErrPaused.Error(), armed)
	if !armed {
		return nil
	}
	for _, rs := range v.rss {
		was, ok := before[rs.UID]
		switch {
		case !ok:
			return v.violation(ErrPaused, "paused, it made ReplicaSet %s (%s)", rs.Name, rs.Image())
		case rs.Spec.Replicas > was && v.d.Generation == p.generation:
			return v.violation(ErrPaused, "paused, it grew ReplicaSet %s (%s) from %d to %d with its spec unchanged",
				rs.Name, rs.Image(), was, rs.Spec.Replicas)
		}
	}
	return nil
}

// recreate checks that a Recreate Deployment never asks for a new pod
// while an old one is left: its current ReplicaSet is made or grown only
// once every old ReplicaSet has no pod and asks for none. before holds
// the sizes at the previous rest point.
//
// Preconditions: the strategy is Recreate, and was at the previous rest
// point (a switch from RollingUpdate in mid-rollout may leave a current
// ReplicaSet that the ReplicaSet controller keeps at its size).
func (k *Checker) recreate(v *view, before map[string]int32) error {
	p := k.prev
	armed := p != nil && before != nil && !p.rolling() && !rollingUpdate(v.d)
	k.coverage.arm(ErrRecreate.Error(), armed)
	if !armed || v.current == nil || v.current.Spec.Replicas <= before[v.current.UID] {
		return nil
	}
	var oldPods, oldAsked int32
	for _, rs := range v.rss {
		if rs != v.current {
			oldPods += int32(len(v.pods[rs.Name]))
			oldAsked += rs.Spec.Replicas
		}
	}
	if oldPods > 0 || oldAsked > 0 {
		return v.violation(ErrRecreate, "current ReplicaSet %s grew from %d to %d while old ReplicaSets have %d pods and ask for %d",
			v.current.Name, before[v.current.UID], v.current.Spec.Replicas, oldPods, oldAsked)
	}
	return nil
}

// deadlineMemory is what the progress-deadline check remembers.
type deadlineMemory struct {
	seen      bool
	last      time.Time // the previous check point
	progress  time.Time // the last rest point that surely reset the deadline
	change    time.Time // the last rest point at which anything changed
	signature []byte    // of everything that may count as progress
	scratch   []byte    // the next signature, kept to be reused
	open      bool      // a rollout started and has not completed since
	exceeded  bool      // ProgressDeadlineExceeded at the previous rest point
	available int32
	uids      map[string]bool
}

// progressDeadline checks the Progressing condition against the
// Deployment's progressDeadlineSeconds, with no knowledge of how the
// controller keeps time:
//
//   - early: ProgressDeadlineExceeded appears only after the deadline
//     passed since the last sure progress (a ReplicaSet created, a resume,
//     more pods available after the clock moved), less the second that
//     stored timestamps lose;
//   - late: once a rollout has gone the deadline and a second more with
//     nothing changing at all (no spec, status, ReplicaSet or pod change),
//     the condition says ProgressDeadlineExceeded.
//
// Preconditions: a deadline is set; for "late", a rollout started since the
// last completion, the Deployment is not paused, it is not a Recreate
// Deployment stuck on a scaling event (see CheckCompletion), whose syncs
// never estimate progress, and it is not the case upstream leaves alone: a
// condition that still says NewReplicaSetAvailable while every pod runs the
// current template (a template change back to a ReplicaSet that has all
// the pods, or a scale up of a finished rollout, never times out).
func (k *Checker) progressDeadline(v *view) error {
	m := &k.deadline
	now, d := v.now, v.d
	cond := d.Status.Condition(deployment.Progressing)
	exceeded := cond != nil && cond.Reason == deployment.ReasonTimedOut
	st := &d.Status
	sig := m.scratch[:0]
	sig = strconv.AppendInt(sig, d.Generation, 10)
	sig = strconv.AppendBool(sig, d.Spec.Paused)
	for _, n := range []int32{st.Replicas, st.UpdatedReplicas, st.ReadyReplicas, st.AvailableReplicas, st.UnavailableReplicas, v.specSum} {
		sig = strconv.AppendInt(append(sig, ' '), int64(n), 10)
	}
	uids := m.uids
	if !m.seen || len(uids) != len(v.rss) {
		uids = make(map[string]bool, len(v.rss))
	}
	created := false
	for _, rs := range v.rss {
		created = created || m.seen && !m.uids[rs.UID]
		sig = strconv.AppendInt(append(append(sig, ' '), rs.UID...), int64(rs.Spec.Replicas), 10)
		// A pod replaced within one instant shows only by its name; the
		// controller may have seen the counts dip and recover, which is
		// progress.
		for _, p := range v.pods[rs.Name] {
			sig = append(append(sig, ' '), p.Name...)
		}
	}
	if created || len(uids) != len(v.rss) || !m.seen {
		clear(uids)
		for _, rs := range v.rss {
			uids[rs.UID] = true
		}
	}
	p := k.prev
	// More pods available with the spec unchanged can only come from the
	// clock moving: the controller saw progress.
	switch {
	case !m.seen:
		// Nothing is known before: the Deployment's creation is the
		// earliest its last progress can be.
		m.progress = d.CreationTimestamp
	case created, p != nil && p.paused && !d.Spec.Paused,
		p != nil && p.generation == d.Generation && st.AvailableReplicas > m.available:
		// Densely checked, the change happened now; sparsely, at some
		// instant since the previous check point.
		m.progress = now
		if k.Sparse {
			m.progress = m.last
		}
	}
	if !m.seen || !bytes.Equal(sig, m.signature) {
		m.change = now
	}
	if !m.seen || p != nil && !p.template.EqualIgnoringHash(&d.Spec.Template) || created {
		m.open = true
	}
	if Complete(d) {
		m.open = false
	}

	var err error
	limit := time.Duration(0)
	if hasDeadline(d) {
		limit = time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second
	}
	early := hasDeadline(d) && exceeded && !m.exceeded && m.seen
	k.coverage.arm(DeadlineEarly, early)
	if early && !now.After(m.progress.Add(limit-time.Second)) {
		err = v.violation(ErrProgressDeadline, "ProgressDeadlineExceeded %s after the last progress, deadline %s", now.Sub(m.progress), limit)
	}
	finished := cond != nil && cond.Reason == deployment.ReasonNewRSAvailable && st.Replicas == st.UpdatedReplicas
	late := !k.Sparse && hasDeadline(d) && m.open && !d.Spec.Paused && !finished && !v.stuckRecreateScaling() &&
		!now.Before(m.change.Add(limit+time.Second+10*time.Millisecond))
	k.coverage.arm(DeadlineLate, late)
	if late && !exceeded && err == nil {
		reason := "none"
		if cond != nil {
			reason = cond.Reason
		}
		err = v.violation(ErrProgressDeadline, "nothing changed for %s, past the deadline of %s, yet Progressing says %s", now.Sub(m.change), limit, reason)
	}
	m.seen, m.last, m.exceeded, m.available, m.uids = true, now, exceeded, st.AvailableReplicas, uids
	m.signature, m.scratch = sig, m.signature
	return err
}

// checkUndo performs an Undo op and checks that, when accepted, it left
// the Deployment with the template of the revision asked for (0: the one
// before the highest), as kubectl's history names it before the op.
//
// Preconditions: the undo was accepted.
func (k *Checker) checkUndo(revision int64) error {
	target, which := k.undoTarget(revision)
	err := k.apply(k.c, Op{Kind: Undo, Revision: revision})
	k.coverage.arm(ErrUndo.Error(), err == nil)
	if err != nil {
		return nil
	}
	v, verr := newView(k.c, k.namespace, k.name, nil)
	if verr != nil {
		return verr
	}
	if target == nil {
		return v.violation(ErrUndo, "undo to revision %d was accepted, but the history has no %s", revision, which)
	}
	if !v.d.Spec.Template.EqualIgnoringHash(&target.Spec.Template) {
		return v.violation(ErrUndo, "undo to revision %d left image %s, not %s of %s (revision %d)",
			revision, v.d.Image(), target.Image(), which, target.Revision())
	}
	return nil
}

// undoTarget finds the ReplicaSet an undo to revision should bring back:
// the one of that revision, or for 0 the one of the second-highest
// revision. It says which it looked for.
func (k *Checker) undoTarget(revision int64) (*replicaset.ReplicaSet, string) {
	d, err := k.c.Deployment(k.namespace, k.name)
	if err != nil {
		return nil, "Deployment"
	}
	var rss []*replicaset.ReplicaSet
	for _, rs := range k.c.ReplicaSetsOf(d) {
		if n, err := strconv.ParseInt(rs.Annotations[replicaset.RevisionAnnotation], 10, 64); err == nil && n >= 0 {
			rss = append(rss, rs)
		}
	}
	rev := func(rs *replicaset.ReplicaSet) int64 {
		n, _ := strconv.ParseInt(rs.Annotations[replicaset.RevisionAnnotation], 10, 64)
		return n
	}
	if revision > 0 {
		for _, rs := range rss {
			if rev(rs) == revision {
				return rs, fmt.Sprintf("revision %d", revision)
			}
		}
		return nil, fmt.Sprintf("revision %d", revision)
	}
	slices.SortFunc(rss, func(a, b *replicaset.ReplicaSet) int { return cmp.Compare(rev(b), rev(a)) })
	if len(rss) < 2 {
		return nil, "previous revision"
	}
	return rss[1], "the previous revision"
}

// scaleEvent is a ScalingReplicaSet event of the Checker's Deployment,
// with the size its ReplicaSet had when the event was recorded.
type scaleEvent struct {
	sync     int // the cluster's Deployment sync count at the time
	rs       string
	from, to int32
	actual   int32 // -1: the ReplicaSet was gone
}

// observe records the Deployment's ScalingReplicaSet events while an op
// that may scale it runs. A controller writes a ReplicaSet before it tells
// of the write, so the ReplicaSet read here shows what it did.
func (k *Checker) observe(e rollsim.Event) {
	if !k.watching || e.Reason != "ScalingReplicaSet" || e.Kind != "Deployment" || e.Namespace != k.namespace || e.Name != k.name {
		return
	}
	var dir, name string
	var from, to int32
	if _, err := fmt.Sscanf(e.Message, "Scaled %s replica set %s from %d to %d", &dir, &name, &from, &to); err != nil {
		return
	}
	se := scaleEvent{sync: k.c.Stats().DeploymentSyncs, rs: name, from: from, to: to, actual: -1}
	if rs, err := k.c.ReplicaSet(k.namespace, name); err == nil {
		se.actual = rs.Spec.Replicas
	}
	k.scaled = append(k.scaled, se)
}

// checkScale performs a Scale or Apply op and, when it changed only
// spec.replicas of a Deployment with ReplicaSets to share it out, checks
// the sizes that the first sync after it gave them against the
// proportional split the API documents (see expectedScale).
//
// Preconditions: the op was accepted and changed spec.replicas and
// neither the template, the strategy nor the paused flag; the Deployment
// is the cluster's only one (so that the first Deployment sync after the
// op is its own); one of its active ReplicaSets records another replica
// count (the controller sees a scaling event).
func (k *Checker) checkScale(op Op) error {
	// Most ops leave spec.replicas alone: they need no copy of the
	// ReplicaSets as they were.
	same := true
	_ = k.c.ViewDeployment(k.namespace, k.name, func(d *deployment.Deployment) {
		switch {
		case op.Kind == Scale:
			same = op.Replicas == desired(d)
		case op.Deployment != nil:
			// Another image or strategy type rules the check out too,
			// whatever the replicas.
			same = desired(op.Deployment) == desired(d) || op.Deployment.Image() != d.Image() ||
				op.Deployment.Spec.Strategy.Type != d.Spec.Strategy.Type && op.Deployment.Spec.Strategy.Type != ""
		}
	})
	if same {
		k.coverage.arm(ErrProportional.Error(), false)
		_ = op.Apply(k.c, k.namespace, k.name)
		return nil
	}
	before, err := k.c.Deployment(k.namespace, k.name)
	if err != nil {
		return op.Apply(k.c, k.namespace, k.name)
	}
	rss := k.c.ReplicaSetsOf(before)
	syncs := k.c.Stats().DeploymentSyncs
	k.watching, k.scaled = true, k.scaled[:0]
	err = op.Apply(k.c, k.namespace, k.name)
	k.watching = false
	if err != nil {
		k.coverage.arm(ErrProportional.Error(), false)
		return nil
	}
	after, err := k.c.Deployment(k.namespace, k.name)
	if err != nil {
		return err
	}
	armed := desired(after) != desired(before) && after.Spec.Template.EqualIgnoringHash(&before.Spec.Template) &&
		after.Spec.Strategy.Type == before.Spec.Strategy.Type && after.Spec.Paused == before.Spec.Paused &&
		scalingEvent(after, rss) && len(k.c.Deployments()) == 1
	k.coverage.arm(ErrProportional.Error(), armed)
	if !armed {
		return nil
	}
	want := expectedScale(before, after, rss)
	got := map[string]scaleEvent{}
	for _, e := range k.scaled {
		if e.sync == syncs+1 {
			got[e.rs] = e
		}
	}
	v := &view{now: k.c.Now(), d: after}
	var wrong []string
	for _, rs := range rss {
		w, moved := want[rs.Name]
		e, told := got[rs.Name]
		switch {
		case moved && !told:
			wrong = append(wrong, fmt.Sprintf("%s stayed at %d instead of %d", rs.Name, rs.Spec.Replicas, w))
		case !moved && told:
			wrong = append(wrong, fmt.Sprintf("%s went from %d to %d instead of staying", rs.Name, e.from, e.actual))
		case moved && (e.actual != w || e.to != w):
			wrong = append(wrong, fmt.Sprintf("%s went from %d to %d (its event says %d) instead of %d", rs.Name, e.from, e.actual, e.to, w))
		}
	}
	if len(wrong) > 0 {
		return v.violation(ErrProportional, "replicas %d → %d, maxSurge %d: %s", desired(before), desired(after), MustResolve(after).Surge, strings.Join(wrong, "; "))
	}
	return nil
}

// scalingEvent reports whether one of the active ReplicaSets records a
// replica count other than d's.
func scalingEvent(d *deployment.Deployment, rss []*replicaset.ReplicaSet) bool {
	for _, rs := range rss {
		if rs.Spec.Replicas == 0 {
			continue
		}
		if n, err := strconv.ParseInt(rs.Annotations[deployment.DesiredReplicasAnnotation], 10, 32); err == nil && int32(n) != desired(d) {
			return true
		}
	}
	return false
}

// expectedScale works out, from the API's documentation of proportional
// scaling, the sizes that scaling before into after gives the ReplicaSets
// rss (as they were before): only those whose size changes, by name.
//
//   - With at most one active ReplicaSet, it (or else the current one, or
//     else the newest) takes all the replicas.
//   - A current ReplicaSet already at the new size and fully available
//     leaves the old ones at 0.
//   - Otherwise, for a RollingUpdate, the new ceiling (replicas + maxSurge)
//     less what the active ReplicaSets ask for is shared out: each takes
//     its size times the new ceiling over the ceiling it was sized for
//     (its max-replicas annotation, else the Deployment's status.replicas),
//     rounded half away from zero, within what is left to share; larger
//     ReplicaSets first, the newer first of two equal ones when growing,
//     the older first when shrinking; what rounding left over goes to the
//     first, never below 0.
func expectedScale(before, after *deployment.Deployment, rss []*replicaset.ReplicaSet) map[string]int32 {
	out := map[string]int32{}
	set := func(rs *replicaset.ReplicaSet, size int32) {
		if size != rs.Spec.Replicas {
			out[rs.Name] = size
		}
	}
	replicas := desired(after)
	var current *replicaset.ReplicaSet
	var active []*replicaset.ReplicaSet
	for _, rs := range rss {
		if current == nil && rs.Spec.Template.EqualIgnoringHash(&after.Spec.Template) {
			current = rs
		}
		if rs.Spec.Replicas > 0 {
			active = append(active, rs)
		}
	}
	if len(active) <= 1 {
		target := current
		if len(active) == 1 {
			target = active[0]
		} else if target == nil && len(rss) > 0 {
			target = newest(rss)
		}
		if target != nil {
			set(target, replicas)
		}
		return out
	}
	if current != nil && current.Spec.Replicas == replicas && current.Annotations[deployment.DesiredReplicasAnnotation] == strconv.Itoa(int(replicas)) &&
		current.Status.AvailableReplicas == replicas {
		for _, rs := range active {
			if rs != current {
				set(rs, 0)
			}
		}
		return out
	}
	if !rollingUpdate(after) {
		return out
	}
	newMax := MustResolve(after).Ceiling(after)
	allowed := int32(0)
	if replicas > 0 {
		allowed = newMax
	}
	var sum int32
	for _, rs := range active {
		sum += rs.Spec.Replicas
	}
	toAdd := allowed - sum
	if toAdd == 0 {
		return out
	}
	sorted := slices.Clone(active)
	slices.SortStableFunc(sorted, func(a, b *replicaset.ReplicaSet) int {
		if c := cmp.Compare(b.Spec.Replicas, a.Spec.Replicas); c != 0 {
			return c
		}
		if toAdd > 0 {
			return olderFirst(b, a)
		}
		return olderFirst(a, b)
	})
	sizes := make([]int32, len(sorted))
	added := int32(0)
	for i, rs := range sorted {
		sizes[i] = rs.Spec.Replicas
		if added == toAdd {
			continue
		}
		var frac int32
		if replicas == 0 {
			frac = -rs.Spec.Replicas
		} else {
			oldMax := before.Status.Replicas
			if n, err := strconv.ParseInt(rs.Annotations[deployment.MaxReplicasAnnotation], 10, 32); err == nil {
				oldMax = int32(n)
			}
			if oldMax > 0 {
				frac = roundDiv(int64(rs.Spec.Replicas)*int64(newMax), int64(oldMax)) - rs.Spec.Replicas
			}
		}
		left := toAdd - added
		p := max(frac, left)
		if toAdd > 0 {
			p = min(frac, left)
		}
		sizes[i] += p
		added += p
	}
	sizes[0] = max(sizes[0]+toAdd-added, 0)
	for i, rs := range sorted {
		set(rs, sizes[i])
	}
	return out
}

// roundDiv is a/b rounded half away from zero, for a ≥ 0 and b > 0.
func roundDiv(a, b int64) int32 { return int32((2*a + b) / (2 * b)) }

// olderFirst orders ReplicaSets by creation, kept to the second as the API
// server stores it, then by name.
func olderFirst(a, b *replicaset.ReplicaSet) int {
	return a.CompareCreation(&b.ObjectMeta)
}

// newest returns the most recently created of rss.
func newest(rss []*replicaset.ReplicaSet) *replicaset.ReplicaSet {
	return slices.MaxFunc(rss, olderFirst)
}
