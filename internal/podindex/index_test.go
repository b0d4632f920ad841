package podindex

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/rollsim/rollsim/pod"
)

// podEvent is one step in the life of a pod of a cluster without nodes:
// its creation (bound at once), its start, or its becoming Ready.
type podEvent struct {
	at   time.Time
	kind int
	tie  int
	pod  *pod.Pod
}

const (
	evCreate = iota
	evStart
	evReady
)

// TestVictimsAgreeWithRanking checks that the pods the index picks for
// deletion without nodes, read from its lifecycle tiers, are those
// upstream's full ranking (pod.DeleteBefore, every pod on the same node)
// puts first, in the same order, whatever the pods' creation, start and
// readiness times, the order in which pods became Ready, and the pods
// removed on the way. Asked for every pod, it returns them all in no
// particular order, as upstream's getPodsToDelete does without ranking.
func TestVictimsAgreeWithRanking(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var x Index
		epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		n := rapid.IntRange(1, 14).Draw(t, "pods")
		var events []podEvent
		created, started := epoch, epoch
		var pods []*pod.Pod
		for i := range n {
			// Creation times to the nanosecond, some shared; start and
			// readiness, as the API server stores them, to the second.
			// Pods start in the order they were created, as they do
			// with one startup delay for all, but may become Ready in
			// any order.
			created = created.Add(time.Duration(rapid.SampledFrom([]int64{0, 1, 999, 1e9, 7e9, 600e9}).Draw(t, "gap")))
			p := &pod.Pod{Phase: pod.Pending, Bound: true, BoundAt: created}
			p.Name, p.CreationTimestamp, p.CreationIndex = "p", created, uint64(i+1)
			pods = append(pods, p)
			events = append(events, podEvent{created, evCreate, 0, p})
			fate := rapid.IntRange(0, 2).Draw(t, "fate")
			if fate == 0 {
				continue // still starting
			}
			startup := time.Duration(rapid.IntRange(0, 3600).Draw(t, "startup")) * time.Second
			started = maxTime(started, created.Add(startup).Truncate(time.Second))
			events = append(events, podEvent{started, evStart, i, p})
			if fate == 2 {
				ready := started.Add(time.Duration(rapid.IntRange(0, 3600).Draw(t, "readiness")) * time.Second)
				events = append(events, podEvent{ready, evReady, rapid.Int().Draw(t, "tie"), p})
			}
		}
		// At one instant pods are created, then start in the order they
		// were created, then become Ready in any order.
		slices.SortStableFunc(events, func(a, b podEvent) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			if c := cmp.Compare(a.kind, b.kind); c != 0 {
				return c
			}
			return cmp.Compare(a.tie, b.tie)
		})
		last := epoch
		for _, e := range events {
			last = e.at
			switch e.kind {
			case evCreate:
				x.Add(e.pod, 0)
			case evStart:
				e.pod.Phase = pod.Running
				x.Changed(e.pod, false)
			case evReady:
				e.pod.Ready, e.pod.ReadyTime = true, e.at
				x.Changed(e.pod, false)
			}
		}
		for _, p := range pods {
			if rapid.IntRange(0, 5).Draw(t, "remove") == 0 {
				x.Remove(p)
			}
		}
		active := x.Active()
		if active == 0 {
			return
		}
		now := last.Add(time.Duration(rapid.SampledFrom([]int64{0, 1e9, 3600e9, 86400e9}).Draw(t, "wait")))
		k := rapid.IntRange(1, active).Draw(t, "victims")

		var ranked []pod.Ranked
		x.All(func(p *pod.Pod) bool {
			ranked = append(ranked, pod.Ranked{Pod: p})
			return true
		})
		if len(ranked) != active {
			t.Fatalf("the index lists %d pods, counts %d", len(ranked), active)
		}
		slices.SortFunc(ranked, func(a, b pod.Ranked) int {
			switch {
			case pod.DeleteBefore(a, b, now):
				return -1
			case pod.DeleteBefore(b, a, now):
				return 1
			}
			return 0
		})
		var want []*pod.Pod
		for _, r := range ranked[:k] {
			want = append(want, r.Pod)
		}
		got := x.Victims(k, now, nil)
		if k == active {
			byIndex := func(a, b *pod.Pod) int { return cmp.Compare(a.CreationIndex, b.CreationIndex) }
			slices.SortFunc(got, byIndex)
			slices.SortFunc(want, byIndex)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("victims(%d) = %v, the ranking puts first %v", k, describe(got, now), describe(want, now))
		}
	})
}

// describe shows pods as the ranking sees them.
func describe(pods []*pod.Pod, now time.Time) []string {
	var out []string
	for _, p := range pods {
		s := fmt.Sprintf("#%d created -%s %s", p.CreationIndex, now.Sub(p.CreationTimestamp), p.Phase)
		if p.Ready {
			s += fmt.Sprintf(" ready -%s", now.Sub(p.ReadyTime))
		}
		out = append(out, s)
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
