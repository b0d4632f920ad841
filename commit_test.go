package rollsim_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/scheduler"
)

// watchedStore is what a client rebuilds from a watch alone: every object
// by kind and name, with its resourceVersion.
type watchedStore map[string]uint64

func (s watchedStore) apply(t *testing.T, e rollsim.WatchEvent) {
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

// stored is the cluster's own view, in the same form.
func stored(c *rollsim.Cluster) watchedStore {
	s := watchedStore{}
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

// A watch started on an empty cluster sees every write, in commit order,
// one resourceVersion after another: what it rebuilds is the store.
func TestWatchSeesEveryWriteInOrder(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	seen := watchedStore{}
	var last uint64
	var count int
	c.Watch(func(e rollsim.WatchEvent) {
		count++
		assert.Equal(t, last+1, e.ResourceVersion, "writes are numbered one after another")
		last = e.ResourceVersion
		assert.Equal(t, c.Now(), e.Time)
		seen.apply(t, e)
	})
	for _, name := range []string{"node-a", "node-b"} {
		_, err := c.ApplyNode(scheduler.NewNode(name, 4000, 8<<30, 4))
		require.NoError(t, err)
	}
	_, err := c.CreateDeployment(fixture.Rolling(newDeployment("web", "web:1", 4), "1", "0"))
	require.NoError(t, err)
	settle(c)
	setImage(t, c, "web", "web:2")
	settle(c)
	_, err = c.Cordon("node-a", true)
	require.NoError(t, err)
	_, err = c.Drain("node-b")
	require.NoError(t, err)
	_, err = c.Cordon("node-a", false)
	require.NoError(t, err)
	settle(c)
	require.NoError(t, c.DeleteNode("node-b"))
	settle(c)
	scaleTo(t, c, "web", 2)
	settle(c)

	assert.Equal(t, stored(c), seen)
	assert.Equal(t, c.Stats().Writes, count, "Stats counts the same writes")
	require.NoError(t, c.DeleteDeployment("", "web"))
	assert.Equal(t, stored(c), seen, "the cascade of a deletion")
	assert.Len(t, seen, 1, "only node-a is left")
}

// Each watcher gets its own copy: what one does to its object neither
// another watcher nor the cluster sees.
func TestWatchCopiesAndStops(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	var first, second []string
	stop := c.Watch(func(e rollsim.WatchEvent) {
		first = append(first, fmt.Sprintf("%s %s/%s", e.Type, e.Kind(), e.Meta().Name))
		if e.Deployment != nil {
			e.Deployment.Spec.Template.Spec.Containers[0].Image = "changed"
		}
	})
	c.Watch(func(e rollsim.WatchEvent) {
		if e.Deployment != nil {
			second = append(second, e.Deployment.Spec.Template.Spec.Containers[0].Image)
		}
	})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 1))
	require.NoError(t, err)
	require.NotEmpty(t, first)
	assert.Equal(t, "ADDED Deployment/web", first[0])
	for _, img := range second {
		assert.Equal(t, "web:1", img)
	}
	d, err := c.Deployment("", "web")
	require.NoError(t, err)
	assert.Equal(t, "web:1", d.Spec.Template.Spec.Containers[0].Image)

	stop()
	n := len(first)
	c.Advance(time.Minute)
	assert.Len(t, first, n, "a stopped watch hears nothing")
	assert.Greater(t, len(second), 1, "the other watch goes on")
}

// Two clients read the Deployment at the same resourceVersion; the second
// to write gets the API server's Conflict and changes nothing, so the
// first one's image stays.
func TestStaleUpdateIsAConflict(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 3))
	require.NoError(t, err)
	settle(c)
	a, err := c.Deployment("", "web")
	require.NoError(t, err)
	b, err := c.Deployment("", "web")
	require.NoError(t, err)

	a.Spec.Template.Spec.Containers[0].Image = "web:2"
	_, err = c.UpdateDeployment(a)
	require.NoError(t, err)
	after, err := c.Deployment("", "web")
	require.NoError(t, err)

	b.Spec.Replicas = new(int32)
	*b.Spec.Replicas = 5
	_, err = c.UpdateDeployment(b)
	require.Error(t, err)
	assert.True(t, meta.IsConflict(err))
	var ce *meta.ConflictError
	require.True(t, errors.As(err, &ce))
	assert.EqualError(t, err, `Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`)
	now, err := c.Deployment("", "web")
	require.NoError(t, err)
	assert.Equal(t, after, now, "a refused write changes nothing")
	assert.Equal(t, "web:2", now.Spec.Template.Spec.Containers[0].Image)

	// Read again, the same change goes through.
	b, err = c.Deployment("", "web")
	require.NoError(t, err)
	*b.Spec.Replicas = 5
	_, err = c.UpdateDeployment(b)
	require.NoError(t, err)

	// A resourceVersion of 0 asks for an unconditional update.
	b.ResourceVersion = 0
	*b.Spec.Replicas = 6
	_, err = c.UpdateDeployment(b)
	require.NoError(t, err)
}

// An update that changes nothing commits nothing: no new resourceVersion,
// no watch event, no sync.
func TestNoOpUpdateCommitsNothing(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 1))
	require.NoError(t, err)
	settle(c)
	d, err := c.Deployment("", "web")
	require.NoError(t, err)
	events := 0
	c.Watch(func(rollsim.WatchEvent) { events++ })
	before := c.Stats()
	got, err := c.UpdateDeployment(d)
	require.NoError(t, err)
	assert.Equal(t, d.ResourceVersion, got.ResourceVersion)
	assert.Zero(t, events)
	assert.Equal(t, before, c.Stats())
}

func TestNilObjectsAreErrors(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	_, err := c.CreateDeployment(nil)
	assert.ErrorIs(t, err, rollsim.ErrNilObject)
	_, err = c.UpdateDeployment(nil)
	assert.ErrorIs(t, err, rollsim.ErrNilObject)
	_, err = c.CreateReplicaSet(nil)
	assert.ErrorIs(t, err, rollsim.ErrNilObject)
	_, err = c.ApplyNode(nil)
	assert.ErrorIs(t, err, rollsim.ErrNilObject)
	assert.Zero(t, c.Stats().Writes)
}

// A replacement controller works on copies: what it changes in place
// never reaches the store, and a write from a copy that another write has
// overtaken is a conflict.
func TestReplacementSyncWorksOnCopies(t *testing.T) {
	var conflicts int
	tried := false
	c := rollsim.New(rollsim.Config{Seed: 1, DeploymentSync: func(env deployment.Env, d *deployment.Deployment) error {
		err := deployment.Sync(env, d)
		for _, rs := range env.ReplicaSets(d) {
			rs.Spec.Replicas = 99 // a copy: the store never sees it
			rs.SetAnnotation("scribbled", "yes")
		}
		d.Spec.Paused = true
		if rss := env.ReplicaSets(d); len(rss) > 0 && !tried {
			tried = true
			stale := rss[0].UpdateCopy()
			fresh := rss[0].UpdateCopy()
			fresh.SetAnnotation("first", "wins")
			if err := env.UpdateReplicaSet(&fresh); err != nil {
				return err
			}
			stale.SetAnnotation("second", "loses")
			if err := env.UpdateReplicaSet(&stale); meta.IsConflict(err) {
				conflicts++
			}
		}
		return err
	}})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 2))
	require.NoError(t, err)
	settle(c)
	assert.Equal(t, 1, conflicts)
	d, err := c.Deployment("", "web")
	require.NoError(t, err)
	assert.False(t, d.Spec.Paused)
	rss := c.ReplicaSetsOf(d)
	require.Len(t, rss, 1)
	assert.EqualValues(t, 2, rss[0].Spec.Replicas)
	assert.NotContains(t, rss[0].Annotations, "scribbled")
	assert.NotContains(t, rss[0].Annotations, "second")
	assert.Equal(t, "wins", rss[0].Annotations["first"])
}
