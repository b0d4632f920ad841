package workqueue

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSet(t *testing.T) {
	for _, n := range []int{3, linearLimit, 3 * linearLimit} {
		var s Set[int]
		for i := range n {
			s.Add(i)
			s.Add(i)
		}
		assert.Equal(t, n, s.Len())
		s.Remove(1)
		s.Remove(1)
		s.Remove(-1)
		assert.Equal(t, n-1, s.Len())
		got := s.Drain(nil)
		want := []int{0}
		for i := 2; i < n; i++ {
			want = append(want, i)
		}
		assert.Equal(t, want, got, "members in the order added")
		assert.Zero(t, s.Len())
		assert.False(t, slices.Contains(s.Drain(nil), 0))
		s.Add(7)
		assert.True(t, s.Has(7))
		s.Clear()
		assert.False(t, s.Has(7))
	}
}

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// The per-key back-off doubles from 5ms until the key is forgotten, and
// stops at 1000s.
func TestRateLimiterBackOff(t *testing.T) {
	var r RateLimiter[string]
	now := t0
	var got []time.Duration
	for range 5 {
		got = append(got, r.When("a", now))
		now = now.Add(time.Second) // the bucket refills: only the back-off counts
	}
	assert.Equal(t, []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond}, got)
	assert.Equal(t, 5, r.NumRequeues("a"))
	assert.Equal(t, 5*time.Millisecond, r.When("b", now), "keys back off apart")
	r.Forget("a")
	assert.Zero(t, r.NumRequeues("a"))
	assert.Equal(t, 5*time.Millisecond, r.When("a", now))
	for range 30 {
		r.When("c", now.Add(time.Hour))
	}
	assert.Equal(t, 1000*time.Second, r.When("c", now.Add(2*time.Hour)))
}

// The shared bucket lets 100 adds through at once, then one per 100ms.
func TestRateLimiterBucket(t *testing.T) {
	var r RateLimiter[int]
	for i := range 100 {
		assert.Equal(t, 5*time.Millisecond, r.When(i, t0), "add %d within the burst", i)
	}
	assert.Equal(t, 100*time.Millisecond, r.When(100, t0))
	assert.Equal(t, 200*time.Millisecond, r.When(101, t0))
	assert.Equal(t, 100*time.Millisecond, r.When(102, t0.Add(200*time.Millisecond)), "two tokens back after 200ms")
}

func TestWaitingKeepsTheEarliest(t *testing.T) {
	var w Waiting[string]
	_, ok := w.At("a")
	assert.False(t, ok)
	assert.True(t, w.Offer("a", t0.Add(time.Minute)))
	assert.False(t, w.Offer("a", t0.Add(2*time.Minute)), "a later request is dropped")
	assert.False(t, w.Offer("a", t0.Add(time.Minute)), "so is the same one")
	assert.True(t, w.Offer("a", t0.Add(time.Second)), "an earlier one replaces it")
	at, ok := w.At("a")
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Second), at)
	w.Remove("a")
	_, ok = w.At("a")
	assert.False(t, ok)
}
