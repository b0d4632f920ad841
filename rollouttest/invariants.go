package rollouttest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// Every check below reads the cluster "at rest": after a method of
// rollsim.Cluster has returned, when the controllers have run until
// nothing changes. A check returns nil, a *Violation (errors.Is tells the
// invariant), or the error of looking the Deployment up.

// check runs one invariant on the Deployment as the cluster holds it now.
func check(c *rollsim.Cluster, namespace, name string, invariant func(*view) error) error {
	v, err := newView(c, namespace, name, nil)
	if err != nil {
		return err
	}
	return invariant(v)
}

// CheckSurgeCeiling checks that the Deployment runs at most replicas +
// maxSurge pods (resolved by Resolve; 0 for Recreate) and that its
// ReplicaSets ask for no more than that in total.
//
// Preconditions: no change lowered the ceiling (a smaller spec.replicas or
// resolved maxSurge, a switch to Recreate) below the pods the Deployment
// was running then. After such a change the controller only shrinks that
// excess, never grows it, and Checker allows for it.
func CheckSurgeCeiling(c *rollsim.Cluster, namespace, name string) error {
	return check(c, namespace, name, func(v *view) error { return v.surgeCeiling(ceiling(v.d)) })
}

func (v *view) surgeCeiling(allowed int32) error {
	if v.total > allowed || v.specSum > allowed {
		return v.violation(ErrSurgeCeiling, "%d pods, ReplicaSets asking for %d, more than %s",
			v.total, v.specSum, ceilingText(v.d, allowed))
	}
	return nil
}

func ceilingText(d *deployment.Deployment, allowed int32) string {
	s := fmt.Sprintf("replicas %d + maxSurge %d", d.DesiredReplicas(), MustResolve(d).Surge)
	if allowed != ceiling(d) {
		return fmt.Sprintf("the %d pods left over from a lowered ceiling (%s)", allowed, s)
	}
	return fmt.Sprintf("%d (%s)", allowed, s)
}

// CheckAvailabilityFloor checks that at least replicas − maxUnavailable
// (resolved by Resolve) of the Deployment's pods are available.
//
// Preconditions, which the caller must know to hold (Checker tracks them):
//   - the strategy is RollingUpdate (Recreate takes every pod down);
//   - at an earlier rest point at least that many pods were available;
//   - since then spec.replicas and the strategy type have not changed,
//     the resolved maxUnavailable has not shrunk, no pod of the Deployment
//     was deleted other than by its controllers, and no ReplicaSet of the
//     Deployment had its minReadySeconds raised: a ReplicaSet takes the
//     Deployment's minReadySeconds when it becomes current, also when a
//     rollback or set image brings back one made with a smaller value,
//     and its Ready pods are then available only after the new delay;
//   - while paused, the Deployment did not run more pods than the surge
//     ceiling (replicas + maxSurge) allows: a paused Deployment scales its
//     ReplicaSets down to the ceiling in proportion, available pods or
//     not, so pausing after a lowered ceiling, or lowering maxSurge while
//     paused, may take the floor down.
//
// Template changes (set image, undo, restart), pause and resume, and
// releases whose pods never become Ready keep the floor: the controller
// scales old pods down only as new ones become available.
func CheckAvailabilityFloor(c *rollsim.Cluster, namespace, name string) error {
	return check(c, namespace, name, (*view).availabilityFloor)
}

func (v *view) availabilityFloor() error {
	if f := floor(v.d); v.avail < f {
		return v.violation(ErrAvailabilityFloor, "%d pods available, fewer than %d (replicas %d − maxUnavailable %d)",
			v.avail, f, v.d.DesiredReplicas(), MustResolve(v.d).Unavailable)
	}
	return nil
}

// CheckRevisions checks the revision numbers of the Deployment's
// ReplicaSets: each is a number of at least 1, no two are equal, the
// current ReplicaSet (the one whose template is the Deployment's) has the
// highest, and the Deployment's deployment.kubernetes.io/revision
// annotation names it.
//
// Preconditions: the Deployment's ReplicaSets were all made by its
// controller. While a paused Deployment waits with a template that no
// ReplicaSet has yet, only uniqueness is checked. That numbers also grow
// from one rollout to the next needs memory of the past: Checker checks it.
func CheckRevisions(c *rollsim.Cluster, namespace, name string) error {
	return check(c, namespace, name, (*view).revisions)
}

func (v *view) revisions() error {
	byNumber := map[int64]string{}
	var top int64
	for _, rs := range v.rss {
		n := rs.Revision()
		if n < 1 {
			return v.violation(ErrRevisions, "ReplicaSet %s has revision %q", rs.Name, rs.Annotations[replicaset.RevisionAnnotation])
		}
		if other, dup := byNumber[n]; dup {
			return v.violation(ErrRevisions, "ReplicaSets %s and %s both have revision %d", other, rs.Name, n)
		}
		byNumber[n] = rs.Name
		top = max(top, n)
	}
	if v.current == nil {
		return nil
	}
	if n := v.current.Revision(); n != top {
		return v.violation(ErrRevisions, "current ReplicaSet %s has revision %d, below revision %d of %s", v.current.Name, n, top, byNumber[top])
	}
	if got, want := v.d.Annotations[deployment.RevisionAnnotation], strconv.FormatInt(top, 10); got != want {
		return v.violation(ErrRevisions, "the Deployment's revision annotation is %q, its current ReplicaSet %s has revision %s", got, v.current.Name, want)
	}
	return nil
}

// CheckHistoryLimit checks that a Deployment whose rollout is complete
// keeps at most revisionHistoryLimit old ReplicaSets besides its current
// one. It checks nothing while the Deployment's status does not say the
// rollout is complete (Complete), nor without a limit: the controller cleans up old revisions
// only then.
//
// Preconditions: none beyond a cluster at rest.
func CheckHistoryLimit(c *rollsim.Cluster, namespace, name string) error {
	return check(c, namespace, name, (*view).historyLimit)
}

// historyLimited reports whether the history limit applies now: a limit
// is set and the rollout is complete.
func (v *view) historyLimited() bool {
	l := v.d.Spec.RevisionHistoryLimit
	return l != nil && *l != math.MaxInt32 && v.complete()
}

func (v *view) historyLimit() error {
	if !v.historyLimited() {
		return nil
	}
	old := len(v.rss)
	if v.current != nil {
		old--
	}
	if limit := int(*v.d.Spec.RevisionHistoryLimit); old > limit {
		return v.violation(ErrHistoryLimit, "rollout complete with %d old ReplicaSets, more than revisionHistoryLimit %d", old, limit)
	}
	return nil
}

// CheckOwnership checks every pod and ReplicaSet of the cluster: a pod's
// owner is an existing ReplicaSet (same UID) whose selector matches the
// pod's labels, and no other ReplicaSet of its namespace selects it; a
// ReplicaSet owned by a Deployment names an existing one (same UID) whose
// selector matches the ReplicaSet's template labels.
//
// Preconditions: every ReplicaSet was made by a Deployment controller
// (two hand-made ReplicaSets may select the same pods on purpose).
func CheckOwnership(c *rollsim.Cluster) error {
	return checkOwnership(c, c.Pods(), c.ReplicaSets())
}

// checkOwnership is CheckOwnership of the cluster's pods and ReplicaSets.
func checkOwnership(c *rollsim.Cluster, pods []*pod.Pod, rss []*replicaset.ReplicaSet) error {
	violation := func(format string, args ...any) error {
		return &Violation{Invariant: ErrOwnership, Time: c.Now(), Detail: fmt.Sprintf(format, args...)}
	}
	byName := make(map[string]*replicaset.ReplicaSet, len(rss))
	for _, rs := range rss {
		byName[key(&rs.ObjectMeta)] = rs
		if rs.Owner == nil {
			continue
		}
		var err error
		found := c.ViewDeployment(rs.Namespace, rs.Owner.Name, func(d *deployment.Deployment) {
			switch {
			case d.UID != rs.Owner.UID:
				err = violation("ReplicaSet %s is owned by an earlier Deployment %s (UID %s, now %s)", key(&rs.ObjectMeta), d.Name, rs.Owner.UID, d.UID)
			case !d.Spec.Selector.Matches(rs.Spec.Template.Labels):
				err = violation("ReplicaSet %s makes pods that its Deployment %s does not select", key(&rs.ObjectMeta), d.Name)
			}
		})
		if found != nil {
			return violation("ReplicaSet %s is owned by missing Deployment %s", key(&rs.ObjectMeta), rs.Owner.Name)
		}
		if err != nil {
			return err
		}
	}
	for _, p := range pods {
		if p.Owner == nil {
			return violation("pod %s has no owner", key(&p.ObjectMeta))
		}
		owner, ok := byName[p.Namespace+"/"+p.Owner.Name]
		switch {
		case !ok:
			return violation("pod %s is owned by missing ReplicaSet %s", key(&p.ObjectMeta), p.Owner.Name)
		case owner.UID != p.Owner.UID:
			return violation("pod %s is owned by an earlier ReplicaSet %s", key(&p.ObjectMeta), p.Owner.Name)
		case !owner.Spec.Selector.Matches(p.Labels):
			return violation("pod %s is not selected by its owner %s", key(&p.ObjectMeta), owner.Name)
		}
		for _, rs := range rss {
			if rs != owner && rs.Namespace == p.Namespace && rs.Spec.Selector.Matches(p.Labels) {
				return violation("pod %s of ReplicaSet %s is also selected by ReplicaSet %s", key(&p.ObjectMeta), owner.Name, rs.Name)
			}
		}
	}
	return nil
}

// CheckStatus checks that the Deployment's status and those of its
// ReplicaSets say what their pods say: the Deployment's replicas, updated
// (pods of the current ReplicaSet), ready and available counts, its
// unavailable count (max(0, Σ ReplicaSet spec.replicas − available)), its
// Available condition (True exactly when at least replicas −
// maxUnavailable pods are available) and observedGeneration; for each
// ReplicaSet its replicas, ready and available counts and
// observedGeneration.
//
// Preconditions: none beyond a cluster at rest.
func CheckStatus(c *rollsim.Cluster, namespace, name string) error {
	return check(c, namespace, name, (*view).status)
}

func (v *view) status() error {
	st := &v.d.Status
	var updated int32
	if v.current != nil {
		updated = int32(len(v.pods[v.current.Name]))
	}
	want := fmt.Sprintf("replicas=%d updated=%d ready=%d available=%d unavailable=%d observedGeneration=%d",
		v.total, updated, v.ready, v.avail, max(v.specSum-v.avail, 0), v.d.Generation)
	got := fmt.Sprintf("replicas=%d updated=%d ready=%d available=%d unavailable=%d observedGeneration=%d",
		st.Replicas, st.UpdatedReplicas, st.ReadyReplicas, st.AvailableReplicas, st.UnavailableReplicas, st.ObservedGeneration)
	if got != want {
		return v.violation(ErrStatus, "status says %s, pods say %s", got, want)
	}
	wantAvail := "False"
	if v.avail >= floor(v.d) {
		wantAvail = "True"
	}
	if cond := st.Condition(deployment.Available); cond == nil || cond.Status != wantAvail {
		gotAvail := "missing"
		if cond != nil {
			gotAvail = cond.Status
		}
		return v.violation(ErrStatus, "Available condition is %s with %d of %d pods available (at least %d needed)",
			gotAvail, v.avail, v.d.DesiredReplicas(), floor(v.d))
	}
	for _, rs := range v.rss {
		total, ready, avail := countPods(v.pods[rs.Name])
		rst := &rs.Status
		if rst.Replicas != total || rst.ReadyReplicas != ready || rst.AvailableReplicas != avail || rst.ObservedGeneration != rs.Generation {
			return v.violation(ErrStatus, "ReplicaSet %s status says replicas=%d ready=%d available=%d observedGeneration=%d, pods say %d/%d/%d at generation %d",
				rs.Name, rst.Replicas, rst.ReadyReplicas, rst.AvailableReplicas, rst.ObservedGeneration, total, ready, avail, rs.Generation)
		}
	}
	return nil
}

// done reports whether the rollout is over: the status says complete, the
// current ReplicaSet asks for and runs every pod, every old one is at 0,
// and with a progress deadline the Progressing condition says
// NewReplicaSetAvailable.
func (v *view) done() bool {
	if !v.complete() || v.current == nil || v.current.Spec.Replicas != v.d.DesiredReplicas() || v.specSum != v.current.Spec.Replicas {
		return false
	}
	if int32(len(v.pods[v.current.Name])) != v.total {
		return false
	}
	if hasDeadline(v.d) {
		cond := v.d.Status.Condition(deployment.Progressing)
		return cond != nil && cond.Reason == deployment.ReasonNewRSAvailable
	}
	return true
}

// stuckRecreateScaling reports a Recreate Deployment that upstream's
// controller can never finish: several active ReplicaSets (left by a
// rolling update when the strategy was switched) of which one records
// another replica count than spec.replicas. Every sync sees a scaling
// event, and scaling handles several active ReplicaSets only for
// RollingUpdate, so the Recreate rollout never runs.
func (v *view) stuckRecreateScaling() bool {
	if rollingUpdate(v.d) {
		return false
	}
	activeRS, scaling := 0, false
	for _, rs := range v.rss {
		if rs.Spec.Replicas == 0 {
			continue
		}
		activeRS++
		if n, err := strconv.ParseInt(rs.Annotations[deployment.DesiredReplicasAnnotation], 10, 32); err == nil && int32(n) != v.d.DesiredReplicas() {
			scaling = true
		}
	}
	return activeRS > 1 && scaling
}

// neverReadyPod returns a pod of the current ReplicaSet that started but
// is not Ready: in the simulator only an image marked never-ready does that.
func (v *view) neverReadyPod() *pod.Pod {
	if v.current == nil {
		return nil
	}
	for _, p := range v.pods[v.current.Name] {
		if p.Phase == pod.Running && !p.Ready {
			return p
		}
	}
	return nil
}

// CheckCompletion moves the clock forward, event by event, for at most
// limit, and checks that the Deployment's rollout finishes: its status says
// complete, every pod runs the current template, the old ReplicaSets are at
// 0 and, with a progress deadline, Progressing says
// NewReplicaSetAvailable. It stops as soon as that holds, so the clock
// tells how long the rollout took.
//
// Preconditions: the Deployment is not paused, the cluster has no nodes,
// no container of its template runs an image marked never-ready, and it is
// not a Recreate Deployment with several active ReplicaSets and a changed
// replica count (left by switching from RollingUpdate mid-rollout and then
// scaling: upstream's controller then sees a scaling event at every sync
// and never carries it out). The first, second and fourth are checked at
// the start; a current pod that started but is not Ready betrays the
// third. An error wrapping ErrPrecondition reports them.
func CheckCompletion(c *rollsim.Cluster, namespace, name string, limit time.Duration) error {
	return checkCompletion(c, namespace, name, limit, nil, true)
}

// checkCompletion is CheckCompletion with a check run at every stop; with
// preconditions false it follows any rollout, and reports one whose pods
// never become Ready as not finished.
func checkCompletion(c *rollsim.Cluster, namespace, name string, limit time.Duration, each func() error, preconditions bool) error {
	v, err := newView(c, namespace, name, nil)
	if err != nil {
		return err
	}
	switch {
	case !preconditions:
	case v.d.Spec.Paused:
		return fmt.Errorf("%w: deployment %s/%s is paused", ErrPrecondition, v.d.Namespace, v.d.Name)
	case c.HasNodes():
		return fmt.Errorf("%w: the cluster has nodes, whose room may not fit the rollout", ErrPrecondition)
	case v.stuckRecreateScaling():
		return fmt.Errorf("%w: deployment %s/%s uses Recreate with several active ReplicaSets sized for another replica count: "+
			"a scaling event that the controller (as upstream's) never carries out, since it scales several ReplicaSets only for RollingUpdate",
			ErrPrecondition, v.d.Namespace, v.d.Name)
	}
	start := c.Now()
	end := start.Add(limit)
	for !v.done() {
		next, ok := c.NextWakeup()
		if !ok || next.After(end) {
			if c.Now().Before(end) {
				c.AdvanceTo(end)
				if err := runEach(each); err != nil {
					return err
				}
				if v, err = newView(c, namespace, name, nil); err != nil {
					return err
				}
				if v.done() {
					break
				}
			}
			if p := v.neverReadyPod(); p != nil && preconditions {
				return fmt.Errorf("%w: pod %s of the current ReplicaSet never became Ready (image %s is never-ready)", ErrPrecondition, p.Name, p.Image())
			}
			return v.violation(ErrCompletion, "rollout not finished %s after it was checked: %s", limit, progressText(v))
		}
		c.Step()
		if err := runEach(each); err != nil {
			return err
		}
		if v, err = newView(c, namespace, name, nil); err != nil {
			return err
		}
	}
	return nil
}

func runEach(each func() error) error {
	if each == nil {
		return nil
	}
	return each()
}

// progressText sums a rollout up: each ReplicaSet's revision, size and
// pods, and the Progressing condition.
func progressText(v *view) string {
	var parts []string
	for _, rs := range v.rss {
		total, ready, avail := countPods(v.pods[rs.Name])
		mark := ""
		if rs == v.current {
			mark = " (current)"
		}
		parts = append(parts, fmt.Sprintf("revision %d%s asks for %d, has %d pods, %d ready, %d available", rs.Revision(), mark, rs.Spec.Replicas, total, ready, avail))
	}
	if v.current == nil {
		parts = append(parts, "no ReplicaSet runs the current template")
	}
	if cond := v.d.Status.Condition(deployment.Progressing); cond != nil {
		parts = append(parts, "Progressing "+cond.Reason)
	}
	return strings.Join(parts, "; ")
}

// hasDeadline reports whether d has a progress deadline: unset or
// 2³¹ − 1 means none.
func hasDeadline(d *deployment.Deployment) bool {
	p := d.Spec.ProgressDeadlineSeconds
	return p != nil && *p != math.MaxInt32
}
