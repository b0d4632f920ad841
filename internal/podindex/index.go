// Package podindex keeps a ReplicaSet's pods in the order upstream's
// ranking deletes them, with running counts, so that neither a status
// update nor the choice of pods to delete visits every pod. The cluster
// that stores a ReplicaSet keeps its index as the pods come, change and
// go (replicaset.ReplicaSet.PodIndex); the ReplicaSet controller reads it.
package podindex

import (
	"slices"
	"time"

	"github.com/rollsim/rollsim/pod"
)

// Pods of a ReplicaSet are kept in tiers by how early upstream's ranking
// deletes them: unbound, bound but not started, started but not Ready,
// Ready. Each tier lists pods in the order they entered it, which for the
// Ready tier is the order they became Ready.
const (
	tierUnbound = iota
	tierStarting
	tierUnready
	tierReady
	numTiers
)

// Token is what replicaset.ReplicaSet.PodIndex asks for: only this module
// can name it, so only the cluster reaches a ReplicaSet's index.
type Token struct{}

// Index is a ReplicaSet's pods by lifecycle tier, with counts. The zero
// Index is empty and ready to use.
type Index struct {
	tiers     [numTiers]pod.List
	active    int
	ready     int
	available int
	// terminating counts the deleted pods still running out their grace
	// period: no longer active, in no tier.
	terminating int
	// restarted counts the active pods with a restarted container, which
	// the ranking deletes before others of their tier.
	restarted int
	// readyOutOfOrder is set when a pod became Ready after a pod created
	// later than it; the Ready tier is then no longer in creation order.
	readyOutOfOrder bool
	// unreadyOutOfOrder is the same for the tiers before Ready: a pod
	// entered one after a pod created later than it (a pod bound or
	// started out of creation order).
	unreadyOutOfOrder bool
	// minReady is the MinReadySeconds every pod's availability was last
	// judged by (known once counted is set): Recount has nothing
	// to do while the spec still says the same.
	minReady int32
	counted  bool
}

func tierOf(p *pod.Pod) int {
	switch {
	case !p.Bound:
		return tierUnbound
	case p.Ready:
		return tierReady
	case p.Phase == pod.Running:
		return tierUnready
	default:
		return tierStarting
	}
}

// Active returns the number of active pods: not deleted.
func (x *Index) Active() int { return x.active }

// Ready returns the number of active Ready pods.
func (x *Index) Ready() int { return x.ready }

// Available returns the number of active pods Ready for minReadySeconds.
func (x *Index) Available() int { return x.available }

// Terminating returns the number of deleted pods still running out their
// grace period.
func (x *Index) Terminating() int { return x.terminating }

// Add records a new pod of a ReplicaSet whose spec says minReady.
func (x *Index) Add(p *pod.Pod, minReady int32) {
	if !x.counted {
		x.minReady, x.counted = minReady, true
	}
	x.active++
	if p.Restarts > 0 {
		x.restarted++
	}
	x.place(p)
}

// Remove forgets a pod that is gone.
func (x *Index) Remove(p *pod.Pod) {
	if p.Terminating() && p.InList() == nil {
		x.terminating--
		return
	}
	x.deactivate(p)
}

// StartTerminating records that a pod was deleted and runs out its grace
// period: it is no longer active, but counted as terminating until
// Remove.
func (x *Index) StartTerminating(p *pod.Pod) {
	if p.InList() == nil {
		return
	}
	x.deactivate(p)
	x.terminating++
}

// deactivate takes an active pod out of the tiers and counts.
func (x *Index) deactivate(p *pod.Pod) {
	if l := p.InList(); l != nil {
		l.Remove(p)
	}
	x.active--
	if p.Ready {
		x.ready--
	}
	if p.Available {
		p.Available = false
		x.available--
	}
	if p.Restarts > 0 {
		x.restarted--
	}
	if x.tiers[tierReady].Len() == 0 {
		x.readyOutOfOrder = false
	}
	if x.tiers[tierUnbound].Len()+x.tiers[tierStarting].Len()+x.tiers[tierUnready].Len() == 0 {
		x.unreadyOutOfOrder = false
	}
}

// Restarted records that a container of an active pod restarted
// (p.Restarts has grown from before).
func (x *Index) Restarted(p *pod.Pod, before int32) {
	if before == 0 && p.Restarts > 0 && p.InList() != nil {
		x.restarted++
	}
}

// Changed re-files a pod after its binding, phase or readiness changed.
// wasReady tells its readiness before the change.
func (x *Index) Changed(p *pod.Pod, wasReady bool) {
	if p.InList() == nil {
		return // terminating: no longer indexed
	}
	if wasReady != p.Ready {
		if p.Ready {
			x.ready++
		} else {
			x.ready--
			if p.Available {
				p.Available = false
				x.available--
			}
		}
	}
	if t := tierOf(p); p.InList() != &x.tiers[t] {
		x.place(p)
	}
}

// SetAvailable marks a Ready pod available; it reports whether that
// changed anything.
func (x *Index) SetAvailable(p *pod.Pod) bool {
	if p.Available || !p.Ready {
		return false
	}
	p.Available = true
	x.available++
	return true
}

// Recount re-evaluates every pod's availability at now, after the
// ReplicaSet's minReadySeconds changed to minReady, and returns the Ready
// pods not yet available. When minReady is the one the pods were last
// judged by, every
// pod's availability is already current and each pod still waiting has
// its timer: it returns nil at once, without visiting the pods, so that a
// resize (which reaches here as any spec change does) costs O(1).
func (x *Index) Recount(minReady int32, now time.Time) []*pod.Pod {
	if x.counted && x.minReady == minReady {
		return nil
	}
	x.minReady, x.counted = minReady, true
	var waiting []*pod.Pod
	x.tiers[tierReady].All(func(p *pod.Pod) bool {
		avail := p.IsAvailable(minReady, now)
		if avail != p.Available {
			p.Available = avail
			if avail {
				x.available++
			} else {
				x.available--
			}
		}
		if !avail {
			waiting = append(waiting, p)
		}
		return true
	})
	return waiting
}

func (x *Index) place(p *pod.Pod) {
	t := tierOf(p)
	l := &x.tiers[t]
	if b := l.Back(); b != nil && b != p && b.NewerThan(&p.ObjectMeta) {
		if t == tierReady {
			x.readyOutOfOrder = true
		} else {
			x.unreadyOutOfOrder = true
		}
	}
	l.PushBack(p)
}

// All calls yield with each pod, terminating ones excepted, tier by
// tier, until it returns false.
func (x *Index) All(yield func(*pod.Pod) bool) {
	for t := range x.tiers {
		for p := x.tiers[t].Front(); p != nil; {
			next := p.Next()
			if !yield(p) {
				return
			}
			p = next
		}
	}
}

// Victims returns the n pods upstream's ranking deletes first at now. With
// colocated nil every pod shares one node (or none) and the tiers give the
// order directly; otherwise the full ranking is applied with colocated
// giving, for a pod, the number of active pods of the same owner on its node.
// upstream: ../replicaset/replica_set.go getPodsToDelete
func (x *Index) Victims(n int, now time.Time, colocated func(*pod.Pod) int) []*pod.Pod {
	out := make([]*pod.Pod, 0, n)
	if n >= x.active {
		x.All(func(p *pod.Pod) bool { out = append(out, p); return true })
		return out
	}
	// The tiers give the order directly only while each lists its pods
	// newest last and no pod's restarts set it apart; otherwise the full
	// ranking decides.
	if colocated != nil || x.unreadyOutOfOrder || x.restarted > 0 {
		ranked := make([]pod.Ranked, 0, x.active)
		x.All(func(p *pod.Pod) bool {
			r := pod.Ranked{Pod: p}
			if colocated != nil {
				r.Colocated = colocated(p)
			}
			ranked = append(ranked, r)
			return true
		})
		slices.SortFunc(ranked, func(a, b pod.Ranked) int {
			if pod.DeleteBefore(a, b, now) {
				return -1
			}
			if pod.DeleteBefore(b, a, now) {
				return 1
			}
			return 0
		})
		for _, r := range ranked[:n] {
			out = append(out, r.Pod)
		}
		return out
	}
	// Unready tiers: newest first.
	for t := tierUnbound; t < tierReady && len(out) < n; t++ {
		for p := x.tiers[t].Back(); p != nil && len(out) < n; p = p.Prev() {
			out = append(out, p)
		}
	}
	if len(out) == n {
		return out
	}
	ready := &x.tiers[tierReady]
	if !x.readyOutOfOrder {
		for p := ready.Back(); p != nil && len(out) < n; p = p.Prev() {
			out = append(out, p)
		}
		return out
	}
	// Ready pods whose readiness order differs from creation order: take
	// them by groups of equal age rank, most recently Ready first, each
	// group newest first.
	for p := ready.Back(); p != nil && len(out) < n; {
		rank := pod.AgeRank(p.ReadyTime, now)
		var group []*pod.Pod
		for ; p != nil && pod.AgeRank(p.ReadyTime, now) == rank; p = p.Prev() {
			group = append(group, p)
		}
		slices.SortFunc(group, func(a, b *pod.Pod) int {
			if a.NewerThan(&b.ObjectMeta) {
				return -1
			}
			if b.NewerThan(&a.ObjectMeta) {
				return 1
			}
			return 0
		})
		out = append(out, group[:min(len(group), n-len(out))]...)
	}
	return out
}
