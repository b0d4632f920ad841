// Package watchcheck rebuilds a cluster's store from its watch alone, so
// that tests can hold what a client sees against what the cluster holds.
package watchcheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
)

// Store is what a client rebuilds from a watch alone: every object
// by kind and name, with its resourceVersion.
type Store map[string]uint64

// Apply replays one watch event, checking that it fits what came before:
// an object is added once, then modified or deleted.
func (s Store) Apply(t *testing.T, e rollsim.WatchEvent) {
	t.Helper()
	m := e.Meta()
	require.NotNil(t, m, "an event without an object")
	assert.Equal(t, e.ResourceVersion, m.ResourceVersion, "%s %s/%s carries the write's resourceVersion", e.Type, e.Kind(), m.Name)
	k := e.Kind() + "/" + m.Name
	_, had := s[k]
	switch e.Type {
	case rollsim.Added:
		assert.False(t, had, "%s added twice", k)
		s[k] = m.ResourceVersion
	case rollsim.Modified:
		assert.True(t, had, "%s modified before it was added", k)
		s[k] = m.ResourceVersion
	case rollsim.Deleted:
		assert.True(t, had, "%s deleted before it was added", k)
		delete(s, k)
	default:
		t.Fatalf("unknown event type %q", e.Type)
	}
}

// Stored is the cluster's own view, in the same form.
func Stored(c *rollsim.Cluster) Store {
	s := Store{}
	for _, d := range c.Deployments() {
		s["Deployment/"+d.Name] = d.ResourceVersion
	}
	for _, rs := range c.ReplicaSets() {
		s["ReplicaSet/"+rs.Name] = rs.ResourceVersion
	}
	for _, p := range c.Pods() {
		s["Pod/"+p.Name] = p.ResourceVersion
	}
	for _, n := range c.NodeStates() {
		s["Node/"+n.Name] = n.ResourceVersion
	}
	return s
}
