// Package meta holds what every simulated object has in common: its
// metadata (name, uid, labels, owner, generation, creation time) and label
// selectors. It mirrors the parts of k8s.io/apimachinery's ObjectMeta and
// LabelSelector that a rollout depends on.
package meta

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// DefaultNamespace is the namespace objects land in when none is given.
const DefaultNamespace = "default"

// ObjectMeta is the metadata of a simulated object.
type ObjectMeta struct {
	// Name is unique among objects of one kind in a namespace.
	Name string
	// Namespace scopes the name; empty means DefaultNamespace.
	Namespace string
	// UID is set by the cluster when the object is created.
	UID string
	// ResourceVersion is bumped by the cluster on every write.
	ResourceVersion uint64
	// Generation counts changes of the object's desired state (spec, and
	// for Deployments annotations), starting at 1.
	Generation int64
	// CreationTimestamp is the fake-clock instant of creation.
	CreationTimestamp time.Time
	// CreationIndex orders objects created at the same instant: the
	// cluster gives every created object the next number.
	CreationIndex uint64
	// Labels are identifying key/value pairs matched by selectors.
	Labels map[string]string
	// Annotations are non-identifying key/value pairs.
	Annotations map[string]string
	// Owner is the controlling owner, or nil.
	Owner *OwnerRef
}

// OwnerRef names the object that controls another one.
type OwnerRef struct {
	// Kind is the owner's kind, such as "Deployment".
	Kind string
	// Name is the owner's name.
	Name string
	// UID is the owner's UID.
	UID string
}

// Key returns "namespace/name", the key controllers sort and queue by.
func (m *ObjectMeta) Key() string {
	ns := m.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	return ns + "/" + m.Name
}

// NewerThan reports whether m was created after o: later creation time,
// or the same instant and a later creation index.
func (m *ObjectMeta) NewerThan(o *ObjectMeta) bool {
	if !m.CreationTimestamp.Equal(o.CreationTimestamp) {
		return m.CreationTimestamp.After(o.CreationTimestamp)
	}
	return m.CreationIndex > o.CreationIndex
}

// CompareCreation orders m before o (-1) or after (1) by creation as
// clients of the API server see it, for sorting: the creation time kept
// to the second, as the server stores it, then the name. Upstream's
// controllers and kubectl order ReplicaSets so; NewerThan is the exact
// order, which pods keep.
func (m *ObjectMeta) CompareCreation(o *ObjectMeta) int {
	if c := m.CreationTimestamp.Truncate(time.Second).Compare(o.CreationTimestamp.Truncate(time.Second)); c != 0 {
		return c
	}
	return cmp.Compare(m.Name, o.Name)
}

// Annotation returns the value of annotation key and whether it is set.
func (m *ObjectMeta) Annotation(key string) (string, bool) {
	v, ok := m.Annotations[key]
	return v, ok
}

// SetAnnotation sets an annotation, creating the map when needed.
func (m *ObjectMeta) SetAnnotation(key, value string) {
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[key] = value
}

// Clone returns a deep copy of m.
func (m ObjectMeta) Clone() ObjectMeta {
	m.Labels = maps.Clone(m.Labels)
	m.Annotations = maps.Clone(m.Annotations)
	if m.Owner != nil {
		o := *m.Owner
		m.Owner = &o
	}
	return m
}

// FormatLabels renders labels as kubectl does: "k=v,k2=v2", sorted by key,
// or "<none>" when empty.
func FormatLabels(l map[string]string) string {
	if len(l) == 0 {
		return "<none>"
	}
	var b strings.Builder
	WriteEntries(&b, l, slices.Sorted(maps.Keys(l)), ',', '=')
	return b.String()
}

// TextWriter takes text a byte or a string at a time, as a
// strings.Builder does.
type TextWriter interface {
	WriteString(s string) (int, error)
	WriteByte(c byte) error
}

// WriteEntries writes the entries of m under keys, in that order, each as
// its key, kv and its value, with sep between two entries: the text of
// a label list or of a printed map.
func WriteEntries(b TextWriter, m map[string]string, keys []string, sep, kv byte) {
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(k)
		b.WriteByte(kv)
		b.WriteString(m[k])
	}
}

// NewUID returns a random RFC 4122 version 4 UID drawn from r, as the API
// server gives every object one: a seeded r gives the same UIDs every run.
func NewUID(r *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// The hex digits with dashes after 4, 6, 8 and 10 bytes, built in
	// place: one allocation, for the string.
	const digits = "0123456789abcdef"
	var s [36]byte
	n := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[n] = '-'
			n++
		}
		s[n], s[n+1] = digits[c>>4], digits[c&0x0f]
		n += 2
	}
	return string(s[:])
}
