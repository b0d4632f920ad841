package kubeapi

import (
	"context"
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
)

// TimeMode says what moves the clock of a served cluster.
type TimeMode int

// The time modes of RunClock.
const (
	// ManualTime leaves the clock to explicit calls (Do).
	ManualTime TimeMode = iota
	// AutoTime keeps the clock still while any request other than a
	// watch is open or a watcher has events to read; while every open
	// request is a watch and every watcher is up to date, it jumps to the
	// next timed event, and the next, until none is left. A client that
	// waits on a watch (kubectl rollout status, an informer) sees the
	// rollout run to its end at once, and the same requests always give
	// the same answers.
	AutoTime
	// RealTime moves the clock with the wall clock, Speed times faster.
	RealTime
)

// ParseTimeMode reads "auto", "real" or "manual".
func ParseTimeMode(s string) (TimeMode, error) {
	switch s {
	case "auto":
		return AutoTime, nil
	case "real":
		return RealTime, nil
	case "manual":
		return ManualTime, nil
	}
	return 0, fmt.Errorf("unknown time mode %q: want auto, real or manual", s)
}

// SettleTime is how long AutoTime waits, once every watcher is up to
// date, before it moves the clock: the time a client has to act on what
// it was just sent (close its watch, send its next request) before the
// cluster goes on.
const SettleTime = 30 * time.Millisecond

// quietStep is how long AutoTime waits after a step that no watcher saw:
// only enough to let requests in.
const quietStep = time.Millisecond

// RunClock moves the cluster's clock as mode says until ctx is done;
// speed is RealTime's factor (at most 0 means 1). It returns at once for
// ManualTime.
func (h *Handler) RunClock(ctx context.Context, mode TimeMode, speed float64) {
	switch mode {
	case AutoTime:
		h.runAuto(ctx)
	case RealTime:
		h.runReal(ctx, speed)
	}
}

func (h *Handler) runReal(ctx context.Context, speed float64) {
	if speed <= 0 {
		speed = 1
	}
	h.mu.Lock()
	start := h.c.Now()
	h.mu.Unlock()
	wall := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			at := start.Add(time.Duration(float64(now.Sub(wall)) * speed))
			h.Do(func(c *rollsim.Cluster) {
				if at.After(c.Now()) {
					c.AdvanceTo(at)
				}
			})
		}
	}
}

func (h *Handler) runAuto(ctx context.Context) {
	kick := make(chan struct{}, 1)
	h.mu.Lock()
	h.onActivity = func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.onActivity = nil
		h.mu.Unlock()
	}()
	// Look once at the start: clients may be waiting already.
	timer := time.NewTimer(SettleTime)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
			timer.Reset(SettleTime)
			continue
		case <-timer.C:
		}
		h.mu.Lock()
		offers := h.offers
		if h.waiting() && !h.stopped && h.c.Step() {
			// The step's writes kick again once watchers have them; a
			// step no watcher saw (a controller's rate-limited poll, say)
			// gives no client anything to act on, and the next comes at
			// once.
			next := SettleTime
			if h.offers == offers {
				next = quietStep
			}
			timer.Reset(next)
		}
		h.mu.Unlock()
	}
}

// waiting reports whether every open request is a watch and every
// watcher has written all it was offered. Called with the lock held.
func (h *Handler) waiting() bool {
	if h.activeCalls > 0 || h.activeWatch == 0 {
		return false
	}
	for w := range h.watchers {
		if w.pending > 0 {
			return false
		}
	}
	return true
}
