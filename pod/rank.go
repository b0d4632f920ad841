package pod

import (
	"math"
	"time"
)

// phaseOrder ranks phases for deletion: pods not yet running go first.
var phaseOrder = map[Phase]int{Pending: 0, Unknown: 1, Running: 2}

// Ranked is a pod with the number of active pods of the same owner on its
// node, the extra input of the deletion ranking.
type Ranked struct {
	// Pod is the candidate.
	Pod *Pod
	// Colocated counts active pods of the same owner on the pod's node.
	Colocated int
}

// DeleteBefore reports whether a should be deleted before b when a
// ReplicaSet scales down at now. It follows upstream's ranking of active
// pods: those on no node first; then Pending, Unknown, Running; then not Ready; then
// more colocated pods; then Ready more recently (compared on a log2 scale of
// age); then more restarts; then created more recently (on the same scale).
// Remaining ties go to the newer pod, as upstream's UID tie-break does when
// UIDs decrease with creation. Deletion costs are not modelled: every pod
// of a ReplicaSet shares its template's.
// upstream: ../controller_utils.go ActivePodsWithRanks.Less
func DeleteBefore(a, b Ranked, now time.Time) bool {
	pa, pb := a.Pod, b.Pod
	if pa.NodeName != pb.NodeName && (pa.NodeName == "" || pb.NodeName == "") {
		return pa.NodeName == ""
	}
	if oa, ob := phaseOrder[pa.Phase], phaseOrder[pb.Phase]; oa != ob {
		return oa < ob
	}
	if pa.Ready != pb.Ready {
		return !pa.Ready
	}
	if a.Colocated != b.Colocated {
		return a.Colocated > b.Colocated
	}
	if pa.Ready && pb.Ready && !pa.ReadyTime.Equal(pb.ReadyTime) {
		if d := AgeRank(pa.ReadyTime, now) - AgeRank(pb.ReadyTime, now); d != 0 {
			return d < 0
		}
		return pa.NewerThan(&pb.ObjectMeta)
	}
	if pa.Restarts != pb.Restarts {
		return pa.Restarts > pb.Restarts
	}
	if !pa.CreationTimestamp.Equal(pb.CreationTimestamp) {
		if d := AgeRank(pa.CreationTimestamp, now) - AgeRank(pb.CreationTimestamp, now); d != 0 {
			return d < 0
		}
	}
	return pa.NewerThan(&pb.ObjectMeta)
}

// AgeRank is the base-2 logarithm of the age of t at now in nanoseconds,
// rounded down, or -1 when t is not in the past: the scale on which the
// deletion ranking compares ages.
func AgeRank(t, now time.Time) int64 {
	d := now.Sub(t)
	if d <= 0 {
		return -1
	}
	return int64(math.Log2(float64(d)))
}
