package pod

// List is an ordered set of pods, linked through the pods themselves so
// that adding, removing and moving a pod cost O(1) and no allocation. A pod
// is in at most one List at a time. The zero List is empty and ready to use.
type List struct {
	head, tail *Pod
	n          int
}

// Len returns the number of pods in l.
func (l *List) Len() int { return l.n }

// Front returns the first pod, or nil.
func (l *List) Front() *Pod { return l.head }

// Back returns the last pod, or nil.
func (l *List) Back() *Pod { return l.tail }

// Next returns the pod after p in its list, or nil.
func (p *Pod) Next() *Pod { return p.next }

// Prev returns the pod before p in its list, or nil.
func (p *Pod) Prev() *Pod { return p.prev }

// InList returns the List holding p, or nil.
func (p *Pod) InList() *List { return p.list }

// PushBack appends p, removing it from any list it is in first.
func (l *List) PushBack(p *Pod) {
	if p.list != nil {
		p.list.Remove(p)
	}
	p.list = l
	p.prev = l.tail
	p.next = nil
	if l.tail != nil {
		l.tail.next = p
	} else {
		l.head = p
	}
	l.tail = p
	l.n++
}

// Remove takes p out of l; it does nothing if p is not in l.
func (l *List) Remove(p *Pod) {
	if p.list != l {
		return
	}
	if p.prev != nil {
		p.prev.next = p.next
	} else {
		l.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	} else {
		l.tail = p.prev
	}
	p.prev, p.next, p.list = nil, nil, nil
	l.n--
}

// All calls yield for each pod from front to back until it returns false.
func (l *List) All(yield func(*Pod) bool) {
	for p := l.head; p != nil; {
		next := p.next
		if !yield(p) {
			return
		}
		p = next
	}
}
