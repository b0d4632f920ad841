package deployment

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// appendQuoted quotes as %q (strconv.Quote) does, names or not.
func TestAppendQuoted(t *testing.T) {
	for _, s := range []string{"", "web-57f7fd4cc7", "a b", `say "hi"`, `back\slash`, "tab\t", "ünïcode", "\x7f", "~"} {
		if got, want := string(appendQuoted([]byte("x "), s)), "x "+strconv.Quote(s); got != want {
			t.Errorf("appendQuoted(%q) = %s, want %s", s, got, want)
		}
	}
}

// progressMessage returns the current message itself when it says the
// same, and a new one otherwise.
func TestProgressMessage(t *testing.T) {
	d := &Deployment{}
	d.Name = "web"
	cur := &Condition{Message: `ReplicaSet "web-1" is progressing.`}
	if got := progressMessage(d, "web-1", "is progressing.", cur); got != cur.Message {
		t.Errorf("got %q", got)
	}
	if got, want := progressMessage(d, "", "has timed out progressing.", cur), `Deployment "web" has timed out progressing.`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// getNonNegativeInt32FromAnnotation agrees with strconv.ParseUint(v, 10, 32) and the
// int32 bound.
func TestNonNegativeAnnotation(t *testing.T) {
	for _, v := range []string{"", "0", "7", "007", "2147483647", "2147483648", "4294967296", "99999999999999999999999", "0000000000000000000000005", "-1", "+1", "1_0", " 1", "1.0", "x"} {
		rs := &replicaset.ReplicaSet{}
		rs.Annotations = map[string]string{"k": v}
		got, ok := getNonNegativeInt32FromAnnotation(rs, "k")
		n, err := strconv.ParseUint(v, 10, 32)
		want, wantOK := int32(n), err == nil && n <= math.MaxInt32
		if !wantOK {
			want = 0
		}
		if got != want || ok != wantOK {
			t.Errorf("%q: got %d, %v; want %d, %v", v, got, ok, want, wantOK)
		}
	}
}

// olderFirst orders by creation time kept to the second, then by name:
// within one second the name decides, whatever the instants and the order
// of creation.
func TestOlderFirst(t *testing.T) {
	at := func(name string, d time.Duration, idx uint64) *meta.ObjectMeta {
		return &meta.ObjectMeta{Name: name, CreationTimestamp: time.Unix(100, 0).UTC().Add(d), CreationIndex: idx}
	}
	tests := []struct {
		name string
		a, b *meta.ObjectMeta
		want int
	}{
		{"earlier second first", at("web-b", 0, 2), at("web-a", time.Second, 1), -1},
		{"later second last", at("web-a", 1500*time.Millisecond, 1), at("web-b", 900*time.Millisecond, 2), 1},
		{"one second: name decides", at("web-b", 100*time.Millisecond, 1), at("web-a", 900*time.Millisecond, 2), 1},
		{"one instant: name decides", at("web-a", 0, 2), at("web-b", 0, 1), -1},
		{"itself", at("web-a", 0, 1), at("web-a", 0, 1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := olderFirst(tt.a, tt.b); got != tt.want {
				t.Errorf("olderFirst(a, b) = %d, want %d", got, tt.want)
			}
			if got := olderFirst(tt.b, tt.a); got != -tt.want {
				t.Errorf("olderFirst(b, a) = %d, want %d", got, -tt.want)
			}
		})
	}
}

// A remembered revision is read again once its ReplicaSet was written.
func TestRememberedRevisions(t *testing.T) {
	rs := func(name, rev string, rv uint64) *replicaset.ReplicaSet {
		r := &replicaset.ReplicaSet{}
		r.Name, r.ResourceVersion = name, rv
		r.Annotations = map[string]string{RevisionAnnotation: rev}
		return r
	}
	a, b, cur := rs("a", "1", 1), rs("b", "3", 2), rs("c", "4", 3)
	d := &Deployment{}
	s := &syncer{d: d, stored: d, speedups: speedups{memo: &newRSMemo{}}}
	list := []*replicaset.ReplicaSet{a, b, cur}
	s.findNewReplicaSet(list)
	if got := s.maxRevision([]*replicaset.ReplicaSet{a, b}); got != 3 {
		t.Fatalf("maxRevision = %d, want 3", got)
	}
	a.Annotations[RevisionAnnotation], a.ResourceVersion = "7", 4
	if got := s.maxRevision([]*replicaset.ReplicaSet{a, b}); got != 7 {
		t.Fatalf("after a write: maxRevision = %d, want 7", got)
	}
	if got, want := s.maxRevision([]*replicaset.ReplicaSet{b, a}), maxRevision([]*replicaset.ReplicaSet{b, a}); got != want {
		t.Fatalf("a list in another order: %d, want %d", got, want)
	}
}

// The remembered order of a Deployment's ReplicaSets is the sorted order
// of the list the Env gives, whatever order it gives them in, and
// whatever the Env or the caller does to its lists in between.
func TestRememberedOrder(t *testing.T) {
	at := func(name string, sec int64, index uint64) *replicaset.ReplicaSet {
		r := &replicaset.ReplicaSet{}
		r.Name, r.CreationTimestamp, r.CreationIndex = name, time.Unix(sec, 0), index
		return r
	}
	a, b, c, older := at("a", 10, 2), at("b", 10, 3), at("c", 20, 4), at("older", 5, 1)
	d := &Deployment{}
	s := &syncer{d: d, stored: d, speedups: speedups{memo: &newRSMemo{}}}
	check := func(owned []*replicaset.ReplicaSet) {
		t.Helper()
		s.used = 0
		got := s.sortedReplicaSets(owned)
		want := slices.Clone(owned)
		sortByCreation(want)
		if !slices.Equal(got, want) {
			t.Fatalf("sortedReplicaSets(%v) = %v, want %v", names(owned), names(got), names(want))
		}
		// The caller may reorder what it got: the memo keeps its own.
		slices.Reverse(got)
	}
	for _, owned := range [][]*replicaset.ReplicaSet{{c, a, b}, {c, a, b}, {b, c, a}, {b, c, a}, {c, a}, {a, b, c}, {a, b}, {a, older}} {
		check(owned)
	}
	// The Env's own list, changed in place between syncs.
	owned := []*replicaset.ReplicaSet{a, b, c}
	check(owned)
	owned[1] = older
	check(owned)
	owned = slices.Delete(owned, 0, 1)
	owned = append(owned, b)
	check(owned)
}

func names(rss []*replicaset.ReplicaSet) []string {
	var out []string
	for _, rs := range rss {
		out = append(out, rs.Name)
	}
	return out
}
