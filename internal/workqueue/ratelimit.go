package workqueue

import "time"

// The default controller rate limiter's numbers: 5ms doubling per
// rate-limited add since the key was last forgotten, at most 1000s; and a
// token bucket of 10 per second with a burst of 100.
const (
	baseDelay   = 5 * time.Millisecond
	maxDelay    = 1000 * time.Second
	bucketRate  = 10
	bucketBurst = 100
)

// RateLimiter is client-go's default controller rate limiter on the fake
// clock: the longer of a per-key exponential back-off and the wait of a
// token bucket that all keys share. The zero RateLimiter is ready to use.
type RateLimiter[K comparable] struct {
	failures map[K]int
	tokens   float64
	last     time.Time
}

// When returns how long a rate-limited add of k made at now waits. Every
// call counts for k until Forget, and takes a token of the bucket.
func (r *RateLimiter[K]) When(k K, now time.Time) time.Duration {
	if r.failures == nil {
		r.failures = map[K]int{}
	}
	n := r.failures[k]
	r.failures[k] = n + 1
	delay := maxDelay
	if n < 20 {
		delay = min(delay, baseDelay<<n)
	}
	if r.last.IsZero() {
		r.tokens, r.last = bucketBurst, now
	}
	r.tokens = min(bucketBurst, r.tokens+now.Sub(r.last).Seconds()*bucketRate)
	r.last = now
	r.tokens--
	if r.tokens < 0 {
		delay = max(delay, time.Duration(-r.tokens/bucketRate*float64(time.Second)))
	}
	return delay
}

// NumRequeues counts the rate-limited adds of k since it was last
// forgotten.
func (r *RateLimiter[K]) NumRequeues(k K) int { return r.failures[k] }

// Forget clears k's back-off, as a successful sync does.
func (r *RateLimiter[K]) Forget(k K) { delete(r.failures, k) }

// Waiting holds each key's one waiting entry of a delaying queue: the
// earliest instant asked for. The zero Waiting is ready to use.
type Waiting[K comparable] struct {
	at map[K]time.Time
}

// Offer asks for k at t. It reports whether t is now k's entry: it is
// when k had none or a later one; an entry at or before t stays.
func (w *Waiting[K]) Offer(k K, t time.Time) bool {
	if at, ok := w.at[k]; ok && !at.After(t) {
		return false
	}
	if w.at == nil {
		w.at = map[K]time.Time{}
	}
	w.at[k] = t
	return true
}

// At returns k's waiting entry.
func (w *Waiting[K]) At(k K) (time.Time, bool) {
	t, ok := w.at[k]
	return t, ok
}

// Remove drops k's waiting entry, when it is delivered or k is gone.
func (w *Waiting[K]) Remove(k K) { delete(w.at, k) }
