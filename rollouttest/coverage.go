package rollouttest

import (
	"fmt"
	"slices"
	"strings"
)

// A check whose preconditions never hold passes whatever the controller
// does. Coverage makes that visible: the Checker counts, for every
// invariant it knows, the check points at which it checked it and those at
// which it had to leave it out, and a test can fail when one it means to
// exercise never ran.

// Tally is what the Checker did with one invariant.
type Tally struct {
	// Armed counts the check points at which the invariant was checked.
	Armed int
	// Skipped counts those at which its preconditions did not hold.
	Skipped int
}

// Coverage holds a Tally per invariant, keyed by the invariant's name (the
// text of its Err* value, or the name given to Checker.AddCheck; the
// progress deadline has two: its "early" and "late" halves).
type Coverage map[string]Tally

// The Coverage keys of the invariants whose Err value covers two checks.
const (
	// DeadlineEarly is the key of "ProgressDeadlineExceeded never before
	// the deadline passed without progress".
	DeadlineEarly = "progress deadline (not early)"
	// DeadlineLate is the key of "ProgressDeadlineExceeded once the
	// deadline passed without progress".
	DeadlineLate = "progress deadline (not late)"
)

func (c Coverage) arm(name string, armed bool) {
	t := c[name]
	if armed {
		t.Armed++
	} else {
		t.Skipped++
	}
	c[name] = t
}

// Add adds o's counts to c, to sum the Coverage of many runs.
func (c Coverage) Add(o Coverage) {
	for name, t := range o {
		s := c[name]
		s.Armed += t.Armed
		s.Skipped += t.Skipped
		c[name] = s
	}
}

// Unarmed returns, sorted, the invariants that were never checked: those
// a test meant to exercise and that passed only because they never ran.
func (c Coverage) Unarmed() []string {
	var out []string
	for name, t := range c {
		if t.Armed == 0 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// String renders one line per invariant, sorted by name: how often it was
// armed and skipped, and the armed share.
func (c Coverage) String() string {
	names := make([]string, 0, len(c))
	for name := range c {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		t := c[name]
		share := 0.0
		if n := t.Armed + t.Skipped; n > 0 {
			share = 100 * float64(t.Armed) / float64(n)
		}
		fmt.Fprintf(&b, "%-40s armed %7d  skipped %7d  (%5.1f%% armed)\n", name, t.Armed, t.Skipped, share)
	}
	return b.String()
}

// Budget bounds the work the cluster may do, so that a controller that
// never settles fails fast with a message that says so, instead of looking
// like a slow test. A zero field is no bound.
type Budget struct {
	// SyncsPerStep bounds the Deployment and ReplicaSet syncs between two
	// check points.
	SyncsPerStep int
	// EventsPerStep bounds the events recorded between two check points.
	EventsPerStep int
	// WakeupsPerInstant bounds the timed events handled at one instant of
	// the fake clock while the Checker moves it: a controller that asks
	// to be woken again at once would hold the clock for ever.
	WakeupsPerInstant int
	// Syncs and Events bound the whole run, from the Checker's creation.
	Syncs, Events int
}

// DefaultBudget returns the Budget of a new Checker: generous for anything
// the generators draw, and a few thousand times what a settled step takes.
// A function, so that no test can change it for the others.
func DefaultBudget() Budget {
	return Budget{SyncsPerStep: 20000, EventsPerStep: 20000, WakeupsPerInstant: 1000}
}
