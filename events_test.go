package rollsim_test

import (
	"slices"
	"testing"

	"github.com/rollsim/rollsim"
)

// TestMaxEvents checks that a bounded event log shows the same events, and
// counts the same total, as the unbounded log's tail, at every point of a
// rollout and for several bounds.
func TestMaxEvents(t *testing.T) {
	for _, limit := range []int{1, 2, 3, 7, 50} {
		all := rollsim.New(rollsim.Config{Seed: 3})
		bounded := rollsim.New(rollsim.Config{Seed: 3, MaxEvents: limit})
		for _, c := range []*rollsim.Cluster{all, bounded} {
			if _, err := c.CreateDeployment(benchDeployment(12, "web:1", "2", "1")); err != nil {
				t.Fatal(err)
			}
		}
		check := func() {
			t.Helper()
			want := all.Events()
			want = want[max(0, len(want)-limit):]
			if got := bounded.Events(); !slices.Equal(got, want) {
				t.Fatalf("MaxEvents %d: %d events %v, want %v", limit, len(got), got, want)
			}
			if got, want := bounded.EventCount(), all.EventCount(); got != want {
				t.Fatalf("MaxEvents %d: EventCount %d, want %d", limit, got, want)
			}
		}
		check()
		for _, c := range []*rollsim.Cluster{all, bounded} {
			setBenchImage(t, c, "web:2")
		}
		check()
		for all.Step() {
			bounded.Step()
			check()
		}
		if bounded.Step() {
			t.Fatal("bounded cluster has more to do")
		}
	}
}
