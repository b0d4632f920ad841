package rollouttest

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// The invariants. A *Violation wraps one of them, so that errors.Is tells
// which invariant a check found broken, also through errors.Join.
var (
	// ErrAvailabilityFloor: fewer pods available than replicas −
	// maxUnavailable.
	ErrAvailabilityFloor = errors.New("availability floor")
	// ErrSurgeCeiling: more pods than replicas + maxSurge.
	ErrSurgeCeiling = errors.New("surge ceiling")
	// ErrCompletion: a rollout whose pods all become Ready did not finish.
	ErrCompletion = errors.New("completion")
	// ErrRevisions: revision numbers not unique, or not increasing.
	ErrRevisions = errors.New("revisions unique and increasing")
	// ErrHistoryLimit: more old ReplicaSets kept than revisionHistoryLimit.
	ErrHistoryLimit = errors.New("revision history limit")
	// ErrOwnership: a pod without exactly one owning ReplicaSet.
	ErrOwnership = errors.New("no pod owned twice")
	// ErrStatus: a status that differs from what the pods say.
	ErrStatus = errors.New("status matches pods")
	// ErrReplay: the same calls on the same seed gave another cluster.
	ErrReplay = errors.New("deterministic replay")
	// ErrPaused: a paused Deployment made a ReplicaSet or grew one
	// without being asked to scale up.
	ErrPaused = errors.New("paused deployment does not roll")
	// ErrUndo: an accepted undo left another template than the one of
	// the revision asked for.
	ErrUndo = errors.New("undo restores the revision's template")
	// ErrProportional: scaling a Deployment with several active
	// ReplicaSets did not share the change in proportion to their sizes.
	ErrProportional = errors.New("proportional scaling")
	// ErrProgressDeadline: ProgressDeadlineExceeded before the deadline
	// passed without progress, or not once it had.
	ErrProgressDeadline = errors.New("progress deadline")
	// ErrRecreate: a Recreate Deployment ran new pods while old ones were
	// still there.
	ErrRecreate = errors.New("recreate never overlaps")
	// ErrRunaway: the cluster did more work than the Checker's Budget
	// allows: a control loop that does not settle.
	ErrRunaway = errors.New("control loop settles")
	// ErrPrecondition: a check was asked for while its preconditions did
	// not hold; it says nothing about the invariant.
	ErrPrecondition = errors.New("precondition not met")
)

// Violation is an invariant found broken: which one, on which Deployment,
// when, and what was seen.
type Violation struct {
	// Invariant is one of the Err* invariants of this package.
	Invariant error
	// Namespace and Name identify the Deployment ("" for a check of the
	// whole cluster).
	Namespace, Name string
	// Time is the cluster's clock when the violation was seen.
	Time time.Time
	// Detail says what was seen, with the numbers involved.
	Detail string
}

// Error says which invariant broke, where, when and how: "surge ceiling
// violated by deployment default/web at t=1m0s: 7 pods, ...".
func (v *Violation) Error() string {
	who := "cluster"
	if v.Name != "" {
		who = "deployment " + v.Namespace + "/" + v.Name
	}
	return fmt.Sprintf("%v violated by %s at %s: %s", v.Invariant, who, clock(v.Time), v.Detail)
}

// Unwrap returns the invariant, for errors.Is.
func (v *Violation) Unwrap() error { return v.Invariant }

// clock renders an instant as an offset from rollsim.Epoch() when it lies
// after it, as the simulator's traces do.
func clock(t time.Time) string {
	if !t.Before(rollsim.Epoch()) {
		return "t=" + t.Sub(rollsim.Epoch()).String()
	}
	return t.Format(time.RFC3339Nano)
}

// view is one Deployment of a cluster with its ReplicaSets and their pods,
// gathered once for the checks of one instant.
type view struct {
	now     time.Time
	d       *deployment.Deployment
	rss     []*replicaset.ReplicaSet // oldest first
	current *replicaset.ReplicaSet   // the one whose template is the Deployment's, or nil
	pods    map[string][]*pod.Pod    // by ReplicaSet name
	specSum int32
	total   int32 // pods of all its ReplicaSets
	ready   int32
	avail   int32
}

func (v *view) violation(inv error, format string, args ...any) *Violation {
	return &Violation{Invariant: inv, Namespace: v.d.Namespace, Name: v.d.Name, Time: v.now, Detail: fmt.Sprintf(format, args...)}
}

// newView gathers the named Deployment; pods is the cluster's pod list
// (nil: read it).
func newView(c *rollsim.Cluster, namespace, name string, pods []*pod.Pod) (*view, error) {
	d, err := c.Deployment(namespace, name)
	if err != nil {
		return nil, err
	}
	if pods == nil {
		pods = c.Pods()
	}
	return gather(c, d, c.ReplicaSetsOf(d), pods), nil
}

// gather builds the view of d from its ReplicaSets, oldest first, and the
// cluster's pods.
func gather(c *rollsim.Cluster, d *deployment.Deployment, rss []*replicaset.ReplicaSet, pods []*pod.Pod) *view {
	v := &view{now: c.Now(), d: d, rss: rss, pods: make(map[string][]*pod.Pod, len(rss))}
	owned := make(map[string]bool, len(rss))
	for _, rs := range v.rss {
		owned[rs.Name] = true
		v.specSum += rs.Spec.Replicas
		if v.current == nil && rs.Spec.Template.EqualIgnoringHash(&d.Spec.Template) {
			v.current = rs
		}
	}
	for _, p := range pods {
		if p.Namespace != d.Namespace || p.Owner == nil || !owned[p.Owner.Name] {
			continue
		}
		v.pods[p.Owner.Name] = append(v.pods[p.Owner.Name], p)
		v.total++
		if p.Ready {
			v.ready++
		}
		if p.Available {
			v.avail++
		}
	}
	return v
}

// ownedBy returns the ReplicaSets of rss that d owns, oldest first as the
// controller orders them (to the second, then by name).
func ownedBy(d *deployment.Deployment, rss []*replicaset.ReplicaSet) []*replicaset.ReplicaSet {
	var out []*replicaset.ReplicaSet
	for _, rs := range rss {
		if rs.Owner != nil && rs.Owner.UID == d.UID && rs.Namespace == d.Namespace {
			out = append(out, rs)
		}
	}
	// The controller's order: which of two equal templates is current
	// is decided by it.
	slices.SortFunc(out, olderFirst)
	return out
}

// complete reports whether the Deployment's stored status says its
// rollout finished (see Complete).
func (v *view) complete() bool { return Complete(v.d) }

func countPods(ps []*pod.Pod) (total, ready, avail int32) {
	for _, p := range ps {
		total++
		if p.Ready {
			ready++
		}
		if p.Available {
			avail++
		}
	}
	return total, ready, avail
}

// rollingUpdate reports whether d rolls out by RollingUpdate.
func rollingUpdate(d *deployment.Deployment) bool {
	return d.Spec.Strategy.Type == deployment.RollingUpdate
}

// ceiling is replicas + maxSurge: the most pods a rollout may run.
func ceiling(d *deployment.Deployment) int32 { return MustResolve(d).Ceiling(d) }

// floor is replicas − maxUnavailable: the fewest available pods a rolling
// update may leave.
func floor(d *deployment.Deployment) int32 { return MustResolve(d).Floor(d) }

func key(m *meta.ObjectMeta) string { return m.Namespace + "/" + m.Name }
