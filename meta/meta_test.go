package meta

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/meta/metatest"
)

// TestNewerThan checks the creation order: by time, then by index.
func TestNewerThan(t *testing.T) {
	at := func(sec int64, index uint64) *ObjectMeta {
		return &ObjectMeta{CreationTimestamp: time.Unix(sec, 0), CreationIndex: index}
	}
	tests := []struct {
		name string
		a, b *ObjectMeta
		want bool
	}{
		{name: "later", a: at(2, 1), b: at(1, 5), want: true},
		{name: "earlier", a: at(1, 5), b: at(2, 1)},
		{name: "same instant, later index", a: at(1, 2), b: at(1, 1), want: true},
		{name: "same instant, earlier index", a: at(1, 1), b: at(1, 2)},
		{name: "itself", a: at(1, 1), b: at(1, 1)},
		{name: "same instant in another zone", a: &ObjectMeta{CreationTimestamp: time.Unix(1, 0).In(time.FixedZone("X", 3600)), CreationIndex: 2},
			b: at(1, 1), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.a.NewerThan(tt.b))
		})
	}
}

// TestKey checks that an object without a namespace is keyed in the
// default one.
func TestKey(t *testing.T) {
	assert.Equal(t, "default/web", (&ObjectMeta{Name: "web"}).Key())
	assert.Equal(t, "prod/web", (&ObjectMeta{Name: "web", Namespace: "prod"}).Key())
}

// TestAnnotations checks that SetAnnotation makes the map it needs.
func TestAnnotations(t *testing.T) {
	var m ObjectMeta
	_, ok := m.Annotation("a")
	assert.False(t, ok)
	m.SetAnnotation("a", "1")
	v, ok := m.Annotation("a")
	assert.True(t, ok)
	assert.Equal(t, "1", v)
}

// TestFormatLabels checks kubectl's rendering of labels.
func TestFormatLabels(t *testing.T) {
	tests := []struct {
		labels map[string]string
		want   string
	}{
		{nil, "<none>"},
		{map[string]string{}, "<none>"},
		{map[string]string{"b": "2", "a": "1"}, "a=1,b=2"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FormatLabels(tt.labels))
	}
}

// TestObjectMetaCloneCoversEveryField checks that Clone copies every
// field and shares nothing a change to the clone could reach.
func TestObjectMetaCloneCoversEveryField(t *testing.T) {
	build := func() ObjectMeta {
		var m ObjectMeta
		metatest.Fill(&m, 1)
		return m
	}
	m := build()
	require.Equal(t, build(), m.Clone())
	for i, l := range metatest.Leaves(&m) {
		c := m.Clone()
		metatest.Leaves(&c)[i].Change()
		require.Equal(t, build(), m, "changing the clone's %s changed the original", l.Path)
	}
	var empty ObjectMeta
	assert.Equal(t, empty, empty.Clone(), "nil maps and owner stay nil")
}
