// Package workqueue holds the control loop's queues, with the semantics of
// client-go's work queues on the fake clock: the set of keys queued for a
// sync (Set), each key's one waiting entry (Waiting), and the default
// controller rate limiter (RateLimiter).
package workqueue

import "slices"

// Set is a work queue's set of queued keys: adding a key already queued
// changes nothing, and a round takes them in the order they were queued.
// It is nearly always tiny (the few objects one change touched), so it is
// a slice
// searched linearly, which beats a map's hashing and randomized
// iteration; past linearLimit members an index map takes over the
// membership test, so that a large batch stays linear.
type Set[T comparable] struct {
	items []T
	index map[T]struct{}
}

const linearLimit = 16

// Add queues x.
func (s *Set[T]) Add(x T) {
	if s.Has(x) {
		return
	}
	s.items = append(s.items, x)
	if s.index != nil {
		s.index[x] = struct{}{}
	} else if len(s.items) > linearLimit {
		s.index = make(map[T]struct{}, 2*len(s.items))
		for _, y := range s.items {
			s.index[y] = struct{}{}
		}
	}
}

// Has reports whether x is queued.
func (s *Set[T]) Has(x T) bool {
	if s.index != nil {
		_, ok := s.index[x]
		return ok
	}
	for _, y := range s.items {
		if y == x {
			return true
		}
	}
	return false
}

// Remove takes x out of the set.
func (s *Set[T]) Remove(x T) {
	if !s.Has(x) {
		return
	}
	// slices.Delete zeroes the vacated slot, so the set keeps no pointer.
	i := slices.Index(s.items, x)
	s.items = slices.Delete(s.items, i, i+1)
	delete(s.index, x)
}

// Len counts the queued members.
func (s *Set[T]) Len() int { return len(s.items) }

// Drain appends the members to dst in the order they were added, empties
// the set and returns dst.
func (s *Set[T]) Drain(dst []T) []T {
	dst = append(dst, s.items...)
	s.Clear()
	return dst
}

// Clear empties the set.
func (s *Set[T]) Clear() {
	clear(s.items)
	s.items = s.items[:0]
	s.index = nil
}
