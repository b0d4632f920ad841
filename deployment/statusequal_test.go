package deployment

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestStatusDeepEqual checks statusDeepEqual against reflect.DeepEqual on
// statuses that differ in one field at a time, nil against empty
// conditions, shared and separate collision counts, and times in equal
// locations held by different pointers.
func TestStatusDeepEqual(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	locA, locB := time.FixedZone("X", 3600), time.FixedZone("X", 3600)
	pick := func(vals ...int32) int32 { return vals[r.IntN(len(vals))] }
	cond := func() Condition {
		at := time.Unix(int64(r.IntN(2)), 0)
		switch r.IntN(4) {
		case 0:
			at = at.In(locA)
		case 1:
			at = at.In(locB)
		case 2:
			at = at.UTC()
		}
		return Condition{Type: []string{Progressing, Available}[r.IntN(2)], Status: "True",
			Reason: []string{"", ReasonNewRSAvailable}[r.IntN(2)], Message: []string{"", "m"}[r.IntN(2)],
			LastUpdateTime: at, LastTransitionTime: at}
	}
	status := func() Status {
		st := Status{ObservedGeneration: int64(pick(0, 1)), Replicas: pick(0, 1), UpdatedReplicas: pick(0, 1),
			ReadyReplicas: pick(0, 1), AvailableReplicas: pick(0, 1), UnavailableReplicas: pick(0, 1)}
		switch r.IntN(3) {
		case 0:
			st.Conditions = []Condition{}
		case 1:
			for range 1 + r.IntN(2) {
				st.Conditions = append(st.Conditions, cond())
			}
		}
		if r.IntN(2) == 0 {
			st.CollisionCount = Ptr(pick(0, 1))
		}
		return st
	}
	equal := 0
	for range 50_000 {
		a, b := status(), status()
		if r.IntN(4) == 0 {
			b = a
		}
		want := reflect.DeepEqual(a, b)
		if got := statusDeepEqual(&a, &b); got != want {
			t.Fatalf("statusDeepEqual(%+v, %+v) = %v, reflect.DeepEqual says %v", a, b, got, want)
		}
		if want {
			equal++
		}
	}
	if equal == 0 {
		t.Fatal("no equal pair drawn")
	}
}
