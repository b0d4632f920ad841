package rollsim

import "slices"

// dirtySet holds the objects a controller has yet to sync. It is nearly
// always tiny (the few objects one change touched), so it is a slice
// searched linearly, which beats a map's hashing and randomized
// iteration; past linearLimit members an index map takes over the
// membership test, so that a large batch stays linear.
type dirtySet[T comparable] struct {
	items []T
	index map[T]struct{}
}

const linearLimit = 16

// add puts x in the set.
func (s *dirtySet[T]) add(x T) {
	if s.has(x) {
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

func (s *dirtySet[T]) has(x T) bool {
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

// remove takes x out of the set.
func (s *dirtySet[T]) remove(x T) {
	if !s.has(x) {
		return
	}
	// slices.Delete zeroes the vacated slot, so the set keeps no pointer.
	i := slices.Index(s.items, x)
	s.items = slices.Delete(s.items, i, i+1)
	delete(s.index, x)
}

func (s *dirtySet[T]) len() int { return len(s.items) }

// drain appends the members to dst, empties the set and returns dst.
func (s *dirtySet[T]) drain(dst []T) []T {
	dst = append(dst, s.items...)
	s.clear()
	return dst
}

// clear empties the set.
func (s *dirtySet[T]) clear() {
	clear(s.items)
	s.items = s.items[:0]
	s.index = nil
}
