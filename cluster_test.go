package rollsim_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/internal/watchcheck"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

func newReplicaSet(name string, replicas, minReady int32) *replicaset.ReplicaSet {
	return &replicaset.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: name},
		Spec: replicaset.Spec{
			Replicas:        replicas,
			MinReadySeconds: minReady,
			Selector:        &meta.Selector{MatchLabels: map[string]string{"app": name}},
			Template: pod.Template{Labels: map[string]string{"app": name},
				Spec: pod.Spec{Containers: []pod.Container{{Name: name, Image: name + ":1"}}}},
		},
	}
}

func TestReplicaSetAvailabilityAndScaleDown(t *testing.T) {
	c := rollsim.New(rollsim.Config{PodStartup: 2 * time.Second})
	_, err := c.CreateReplicaSet(newReplicaSet("web", 3, 5))
	require.NoError(t, err)
	rs, err := c.ReplicaSet("", "web")
	require.NoError(t, err)
	assert.Equal(t, int64(1), rs.Generation)
	assert.Equal(t, int32(3), rs.Status.Replicas)

	c.Advance(6900 * time.Millisecond)
	rs, _ = c.ReplicaSet("", "web")
	assert.Equal(t, int32(3), rs.Status.ReadyReplicas)
	assert.Equal(t, int32(0), rs.Status.AvailableReplicas, "at 6.9s")

	c.Advance(100 * time.Millisecond)
	rs, _ = c.ReplicaSet("", "web")
	assert.Equal(t, int32(3), rs.Status.AvailableReplicas, "at 7s")

	// Delete one pod: its replacement is created at 7s and is not Ready
	// yet, so scaling to 1 deletes it first, then the newest Ready pod.
	pods := podNames(c)
	require.Len(t, pods, 3)
	require.NoError(t, c.DeletePod("", pods[0]))
	after := podNames(c)
	require.Len(t, after, 3)
	replacement := missingFrom(after, pods)
	oldest, newest := creationOrder(c, pods[1], pods[2])

	require.NoError(t, c.ScaleReplicaSet("", "web", 1))
	assert.Equal(t, []string{oldest}, podNames(c), "kept the oldest Ready pod")
	var deleted []string
	for _, e := range c.Events() {
		if e.Reason == "SuccessfulDelete" {
			deleted = append(deleted, e.Message)
		}
	}
	assert.Equal(t, []string{"Deleted pod: " + replacement, "Deleted pod: " + newest}, deleted)
}

func podNames(c *rollsim.Cluster) []string {
	var out []string
	for _, p := range c.Pods() {
		out = append(out, p.Name)
	}
	return out
}

func missingFrom(now, before []string) string {
	for _, n := range now {
		found := false
		for _, b := range before {
			found = found || n == b
		}
		if !found {
			return n
		}
	}
	return ""
}

// creationOrder returns two pod names oldest first.
func creationOrder(c *rollsim.Cluster, a, b string) (string, string) {
	var pa, pb *pod.Pod
	for _, p := range c.Pods() {
		switch p.Name {
		case a:
			pa = p
		case b:
			pb = p
		}
	}
	if pa.NewerThan(&pb.ObjectMeta) {
		return b, a
	}
	return a, b
}

func TestReplicaSetValidation(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	_, err := c.CreateReplicaSet(newReplicaSet("keep", 1, 0))
	require.NoError(t, err)
	before := c.ReplicaSets()

	bad := newReplicaSet("x", -1, 0)
	_, err = c.CreateReplicaSet(bad)
	assert.EqualError(t, err, `ReplicaSet.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`)

	mismatch := newReplicaSet("x", 1, 0)
	mismatch.Spec.Template.Labels = map[string]string{"app": "y"}
	_, err = c.CreateReplicaSet(mismatch)
	assert.EqualError(t, err, `ReplicaSet.apps "x" is invalid: spec.template.metadata.labels: Invalid value: {"app":"y"}: `+"`selector` does not match template `labels`")

	unnamed := newReplicaSet("", 1, 0)
	unnamed.Spec.Selector = &meta.Selector{MatchLabels: map[string]string{"app": ""}}
	unnamed.Spec.Template.Labels = map[string]string{"app": ""}
	unnamed.Spec.Template.Spec.Containers[0].Name = "web"
	_, err = c.CreateReplicaSet(unnamed)
	assert.EqualError(t, err, `ReplicaSet.apps "" is invalid: metadata.name: Required value: name or generateName is required`)

	_, err = c.CreateReplicaSet(newReplicaSet("keep", 2, 0))
	assert.EqualError(t, err, `replicasets.apps "keep" already exists`)
	assert.Error(t, c.ScaleReplicaSet("", "keep", -2))

	assert.Equal(t, before, c.ReplicaSets(), "a rejected command changes nothing")
	assert.Equal(t, 1, c.PodCount())
}

func TestDeploymentValidationChangesNothing(t *testing.T) {
	c := settled(t, rollsim.Config{}, newDeployment("web", "web:1", 2))
	before, _ := c.Deployment("", "web")

	bad := newDeployment("web", "web:2", 2)
	bad = fixture.Rolling(bad, "0", "0%")
	_, err := c.UpdateDeployment(bad)
	assert.EqualError(t, err, `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `+"`maxSurge` is 0")
	var inv *meta.InvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, `The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `+"`maxSurge` is 0", inv.KubectlMessage())

	after, _ := c.Deployment("", "web")
	assert.Equal(t, before, after)
}

// The same seed and the same calls give the same events, names included.
func TestDeterministicEventLog(t *testing.T) {
	run := func(seed uint64) []string {
		c := rollsim.New(rollsim.Config{Seed: seed})
		var log []string
		c.Observe(func(e rollsim.Event) {
			log = append(log, fmt.Sprintf("%s %s %s/%s %s", e.Time.Sub(rollsim.Epoch()), e.Reason, e.Kind, e.Name, e.Message))
		})
		_, err := c.CreateDeployment(newDeployment("web", "web:1", 5))
		require.NoError(t, err)
		c.Advance(3 * time.Second)
		setImage(t, c, "web", "web:2")
		c.Advance(time.Minute)
		return log
	}
	a, b := run(7), run(7)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, run(8), "another seed names pods otherwise")
}

// ViewDeployment shows the stored Deployment, the one Deployment copies.
func TestViewDeployment(t *testing.T) {
	c := settled(t, rollsim.Config{}, newDeployment("web", "web:1", 2))
	want, err := c.Deployment("", "web")
	require.NoError(t, err)
	var got *deployment.Deployment
	require.NoError(t, c.ViewDeployment("", "web", func(d *deployment.Deployment) { got = d.Clone() }))
	assert.Equal(t, want, got)

	called := false
	err = c.ViewDeployment("", "nope", func(*deployment.Deployment) { called = true })
	assert.EqualError(t, err, `deployments.apps "nope" not found`)
	assert.False(t, called)
}

// fullCluster has three nodes with room for exactly one 800m pod each, and
// a Deployment "web" of three such pods, rolled out.
func fullCluster(t *testing.T, surge, unavailable string) *rollsim.Cluster {
	t.Helper()
	c := rollsim.New(rollsim.Config{Seed: 1})
	for i := 1; i <= 3; i++ {
		_, err := c.ApplyNode(scheduler.NewNode(fmt.Sprintf("node-%d", i), 1000, 2<<30, 110))
		require.NoError(t, err)
	}
	d := fixture.Rolling(newDeployment("web", "nginx:1.27", 3), surge, unavailable)
	d.Spec.ProgressDeadlineSeconds = deployment.Ptr[int32](30)
	d.Spec.Template.Spec.Containers[0].Requests = pod.Resources{MilliCPU: 800, Memory: 256 << 20}
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	require.True(t, c.RunUntil(complete("web"), time.Minute))
	for _, n := range c.NodeStates() {
		require.Equal(t, 1, n.Pods, "one pod per node: %+v", n)
	}
	return c
}

func complete(name string) func(*rollsim.Cluster) bool {
	return func(c *rollsim.Cluster) bool {
		d, err := c.Deployment("", name)
		return err == nil && d.Status.ObservedGeneration == d.Generation &&
			d.Status.UpdatedReplicas == d.DesiredReplicas() && d.Status.AvailableReplicas == d.DesiredReplicas() &&
			d.Status.Replicas == d.DesiredReplicas()
	}
}

func progressing(t *testing.T, c *rollsim.Cluster, name string) *deployment.Condition {
	t.Helper()
	d, err := c.Deployment("", name)
	require.NoError(t, err)
	return d.Status.Condition(deployment.Progressing)
}

func TestNoRoomToSurgeStallsUntilTheDeadline(t *testing.T) {
	c := fullCluster(t, "1", "0")
	start := c.Now()
	setImage(t, c, "web", "nginx:1.28")

	assert.Equal(t, 1, c.PendingPods(), "the surge pod has nowhere to go")
	var pending *pod.Pod
	for _, p := range c.Pods() {
		if !p.Bound {
			pending = p
		}
	}
	require.NotNil(t, pending)
	assert.Equal(t, pod.Pending, pending.Phase)
	assert.Equal(t, "Unschedulable", pending.Reason)
	assert.Equal(t, "0/3 nodes are available: 3 Insufficient cpu.", pending.Message)
	var failed []string
	for _, e := range c.Events() {
		if e.Reason == "FailedScheduling" {
			failed = append(failed, fmt.Sprintf("%s %s %s/%s: %s", e.Type, e.Source, e.Kind, e.Name, e.Message))
		}
	}
	assert.Equal(t, []string{"Warning default-scheduler Pod/" + pending.Name + ": 0/3 nodes are available: 3 Insufficient cpu."}, failed)

	// Nothing old may go while the new pod is unavailable: the rollout
	// stalls, availability stays at 3.
	c.Advance(30 * time.Second)
	d, err := c.Deployment("", "web")
	require.NoError(t, err)
	assert.EqualValues(t, 3, d.Status.AvailableReplicas)
	assert.Equal(t, deployment.ReasonRSUpdated, progressing(t, c, "web").Reason, "not yet at 30s")

	// Upstream notices only at its re-check. The sync of the new image
	// writes the Deployment twice, and its retry after the conflict
	// replaces the re-check the first rollout asked for; the retry asks
	// for one a second past this stall's deadline, at its last progress
	// (stored to the second) + 30s + 1s.
	require.True(t, c.RunUntil(func(c *rollsim.Cluster) bool {
		return progressing(t, c, "web").Reason == deployment.ReasonTimedOut
	}, time.Minute))
	assert.Equal(t, start.Truncate(time.Second).Add(31*time.Second), c.Now())
	assert.Equal(t, 1, c.PendingPods())
	d, err = c.Deployment("", "web")
	require.NoError(t, err)
	assert.EqualValues(t, 3, d.Status.AvailableReplicas)
	assert.EqualValues(t, 4, d.Status.Replicas)
}

func TestNoRoomToSurgeWithMaxUnavailableCompletes(t *testing.T) {
	c := fullCluster(t, "0", "1")
	setImage(t, c, "web", "nginx:1.28")
	require.True(t, c.RunUntil(complete("web"), time.Minute))
	assert.Equal(t, 0, c.PendingPods())
	for _, p := range c.Pods() {
		assert.Equal(t, "nginx:1.28", p.Image())
		assert.NotEmpty(t, p.NodeName)
	}
}

func TestNodeFailureMidRolloutIsHealed(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	for i := 1; i <= 4; i++ {
		_, err := c.ApplyNode(scheduler.NewNode(fmt.Sprintf("node-%d", i), 4000, 8<<30, 110))
		require.NoError(t, err)
	}
	_, err := c.CreateDeployment(newDeployment("web", "nginx:1.27", 8))
	require.NoError(t, err)
	require.True(t, c.RunUntil(complete("web"), time.Minute))
	setImage(t, c, "web", "nginx:1.28")
	c.Advance(500 * time.Millisecond)

	var lost int
	for _, n := range c.NodeStates() {
		if n.Name == "node-2" {
			lost = n.Pods
		}
	}
	require.Positive(t, lost)
	require.NoError(t, c.DeleteNode("node-2"))
	for _, p := range c.Pods() {
		assert.NotEqual(t, "node-2", p.NodeName, "the node's pods are gone")
	}
	require.True(t, c.RunUntil(complete("web"), time.Minute), "the ReplicaSets replace the lost pods and the rollout completes")
	assert.Len(t, c.NodeStates(), 3)
	assert.Equal(t, 8, c.PodCount())
	assert.Equal(t, 0, c.PendingPods())
}

func TestDrainAndCordon(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	for _, n := range []string{"a", "b"} {
		_, err := c.ApplyNode(scheduler.NewNode(n, 4000, 8<<30, 4))
		require.NoError(t, err)
	}
	_, err := c.CreateDeployment(newDeployment("web", "nginx", 6))
	require.NoError(t, err)
	require.True(t, c.RunUntil(complete("web"), time.Minute))

	changed, err := c.Cordon("b")
	require.NoError(t, err)
	assert.True(t, changed)
	changed, err = c.Cordon("b")
	require.NoError(t, err)
	assert.False(t, changed, "already cordoned")
	evicted, err := c.Drain("b")
	require.NoError(t, err)
	assert.Len(t, evicted, 3)
	assert.Equal(t, 2, c.PendingPods(), "node a has four pod slots")
	assert.Equal(t, "0/2 nodes are available: 1 Too many pods, 1 node(s) were unschedulable.", pendingMessage(c))

	_, err = c.Uncordon("b")
	require.NoError(t, err)
	assert.Equal(t, 0, c.PendingPods(), "uncordoning makes room")

	// Drain cordons the node itself, as kubectl drain does.
	_, err = c.Drain("a")
	require.NoError(t, err)
	for _, n := range c.NodeStates() {
		if n.Name == "a" {
			assert.True(t, n.Unschedulable, "drain cordons")
			assert.Zero(t, n.Pods)
		}
	}

	_, err = c.Drain("nope")
	assert.EqualError(t, err, `nodes "nope" not found`)
	assert.EqualError(t, c.DeleteNode("nope"), `nodes "nope" not found`)
}

func pendingMessage(c *rollsim.Cluster) string {
	for _, p := range c.Pods() {
		if !p.Bound {
			return p.Message
		}
	}
	return ""
}

// A watch started on an empty cluster sees every write, in commit order,
// one resourceVersion after another: what it rebuilds is the store.
func TestWatchSeesEveryWriteInOrder(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	seen := watchcheck.Store{}
	var last uint64
	var count int
	c.Watch(func(e rollsim.WatchEvent) {
		count++
		assert.Equal(t, last+1, e.ResourceVersion, "writes are numbered one after another")
		last = e.ResourceVersion
		assert.Equal(t, c.Now(), e.Time)
		seen.Apply(t, e)
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
	_, err = c.Cordon("node-a")
	require.NoError(t, err)
	_, err = c.Drain("node-b")
	require.NoError(t, err)
	_, err = c.Uncordon("node-a")
	require.NoError(t, err)
	settle(c)
	require.NoError(t, c.DeleteNode("node-b"))
	settle(c)
	scaleTo(t, c, "web", 2)
	settle(c)

	assert.Equal(t, watchcheck.Stored(c), seen)
	assert.Equal(t, c.Stats().Writes, count, "Stats counts the same writes")
	require.NoError(t, c.DeleteDeployment("", "web"))
	assert.Equal(t, watchcheck.Stored(c), seen, "the cascade of a deletion")
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
	c := settled(t, rollsim.Config{Seed: 1}, newDeployment("web", "web:1", 3))
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

	// Even so, a copy of a Deployment that was deleted and made again is
	// stale: its UID is a precondition.
	require.NoError(t, c.DeleteDeployment("", "web"))
	_, err = c.CreateDeployment(newDeployment("web", "web:1", 3))
	require.NoError(t, err)
	again, err := c.Deployment("", "web")
	require.NoError(t, err)
	*b.Spec.Replicas = 7
	_, err = c.UpdateDeployment(b)
	assert.True(t, meta.IsConflict(err))
	assert.EqualError(t, err, fmt.Sprintf(`Operation cannot be fulfilled on deployments.apps "web": StorageError: invalid object, Code: 4, Key: /registry/deployments/default/web, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: %s, UID in object meta: %s`, b.UID, again.UID))
	_, err = c.UpdateDeploymentStatus(b)
	assert.True(t, meta.IsConflict(err))
	now, err = c.Deployment("", "web")
	require.NoError(t, err)
	assert.Equal(t, again, now, "a refused write changes nothing")
}

// An update that changes nothing commits nothing: no new resourceVersion,
// no watch event, no sync.
func TestNoOpUpdateCommitsNothing(t *testing.T) {
	c := settled(t, rollsim.Config{Seed: 1}, newDeployment("web", "web:1", 1))
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
	_, err = c.Apply(nil)
	assert.ErrorIs(t, err, rollsim.ErrNilObject)
	assert.ErrorIs(t, c.Batch(nil), rollsim.ErrNilObject)
	assert.Nil(t, c.PodsOf(nil))
	assert.Nil(t, c.ReplicaSetsOf(nil))
	c.Observe(nil)
	c.Watch(nil)()
	assert.False(t, c.RunUntil(nil, time.Second))
	assert.Zero(t, c.Stats().Writes)
	_, err = c.CreateDeployment(newDeployment("web", "web:1", 1))
	require.NoError(t, err, "a nil observer or watcher is never called")
	assert.NoError(t, c.ViewDeployment("", "web", nil), "a nil view views nothing")
	assert.True(t, meta.IsNotFound(c.ViewDeployment("", "nope", nil)))
}

// PodsOf finds the stored Deployment by name, so the object handed to
// Apply serves.
func TestPodsOfTheAppliedObject(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	d := newDeployment("web", "web:1", 3)
	_, err := c.Apply(d)
	require.NoError(t, err)
	assert.Len(t, c.PodsOf(d), 3)
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

func TestClassicRollingUpdate(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	r := record(c)
	_, err := c.CreateDeployment(newDeployment("httpd", "httpd:2.2.31", 3))
	require.NoError(t, err)
	settle(c)
	assert.Equal(t, []string{"t=0s Scaled up replica set httpd:2.2.31 from 0 to 3"}, r.take())

	setImage(t, c, "httpd", "httpd:2.2.32")
	settle(c)
	assert.Equal(t, []string{
		"t=1h0m0s Scaled up replica set httpd:2.2.32 from 0 to 1",
		"t=1h0m1s Scaled down replica set httpd:2.2.31 from 3 to 2",
		"t=1h0m1s Scaled up replica set httpd:2.2.32 from 1 to 2",
		"t=1h0m2s Scaled down replica set httpd:2.2.31 from 2 to 1",
		"t=1h0m2s Scaled up replica set httpd:2.2.32 from 2 to 3",
		"t=1h0m3s Scaled down replica set httpd:2.2.31 from 1 to 0",
	}, r.take())
	// The old ReplicaSet stays, at 0.
	assert.Equal(t, []string{"httpd:2.2.31=0/0", "httpd:2.2.32=3/3"}, sizes(t, c, "httpd"))
	d, err := c.Deployment("", "httpd")
	require.NoError(t, err)
	assert.Equal(t, deployment.Status{ObservedGeneration: 2, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3},
		withoutConditions(d.Status))
	assert.Equal(t, "NewReplicaSetAvailable", d.Status.Condition(deployment.Progressing).Reason)
	assert.Equal(t, "MinimumReplicasAvailable", d.Status.Condition(deployment.Available).Reason)
}

func withoutConditions(s deployment.Status) deployment.Status {
	s.Conditions = nil
	return s
}

// Each rolling update moves in steps its strategy allows: surge 3,
// unavailable 2 over 10 replicas moves both ways in big steps (creating the
// new ReplicaSet shares a sync with a scale-down); maxSurge 0 over 3 makes
// room before each new pod.
func TestRollingUpdateSteps(t *testing.T) {
	for _, tc := range []struct {
		name               string
		replicas           int32
		surge, unavailable string
		events             []string
	}{
		{"Surge3Unavailable2", 10, "3", "2", []string{
			"t=1h0m0s Scaled up replica set web:2 from 0 to 3",
			"t=1h0m0s Scaled down replica set web:1 from 10 to 8",
			"t=1h0m0s Scaled up replica set web:2 from 3 to 5",
			"t=1h0m1s Scaled down replica set web:1 from 8 to 3",
			"t=1h0m1s Scaled up replica set web:2 from 5 to 10",
			"t=1h0m2s Scaled down replica set web:1 from 3 to 0",
		}},
		{"MaxSurgeZero", 3, "0", "1", []string{
			"t=1h0m0s Scaled down replica set web:1 from 3 to 2",
			"t=1h0m0s Scaled up replica set web:2 from 0 to 1",
			"t=1h0m1s Scaled down replica set web:1 from 2 to 1",
			"t=1h0m1s Scaled up replica set web:2 from 1 to 2",
			"t=1h0m2s Scaled down replica set web:1 from 1 to 0",
			"t=1h0m2s Scaled up replica set web:2 from 2 to 3",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, r := rolledOut(t, tc.replicas, tc.surge, tc.unavailable)
			setImage(t, c, "web", "web:2")
			settle(c)
			assert.Equal(t, tc.events, r.take())
		})
	}
}

// A rollover: v2 never becomes Ready; v3 replaces it before v2 finished,
// and v2's unhealthy pods go first.
func TestRolloverOfBrokenRelease(t *testing.T) {
	c, r := rolledOut(t, 10, "3", "2")
	c.SetNeverReady("web:2")
	setImage(t, c, "web", "web:2")
	c.Advance(5 * time.Second)
	assert.Equal(t, []string{
		"t=1h0m0s Scaled up replica set web:2 from 0 to 3",
		"t=1h0m0s Scaled down replica set web:1 from 10 to 8",
		"t=1h0m0s Scaled up replica set web:2 from 3 to 5",
	}, r.take())
	assert.Equal(t, []string{"web:1=8/8", "web:2=5/0"}, sizes(t, c, "web"))
	setImage(t, c, "web", "web:3")
	settle(c)
	ev := r.take()
	require.NotEmpty(t, ev)
	assert.Equal(t, []string{
		"t=1h0m5s Scaled down replica set web:2 from 5 to 0",
		"t=1h0m5s Scaled up replica set web:3 from 0 to 5",
	}, ev[:2])
	assert.Equal(t, []string{"web:1=0/0", "web:2=0/0", "web:3=10/10"}, sizes(t, c, "web"))
}

// Scaling mid-rollout shares the change among the ReplicaSets in
// proportion to their sizes.
func TestProportionalScaling(t *testing.T) {
	for _, tc := range []struct {
		name   string
		to     int32
		events []string
		sizes  []string
	}{
		{"up 10 to 15", 15, []string{
			"t=1h0m5s Scaled up replica set web:1 from 8 to 11",
			"t=1h0m5s Scaled up replica set web:2 from 5 to 7",
		}, []string{"web:1=11/8", "web:2=7/0"}},
		// After the proportional step the rollout goes on at once: 5
		// replicas allow 2 unavailable, so 2 more old pods go and the new
		// ReplicaSet takes their room.
		{"down 10 to 5", 5, []string{
			"t=1h0m5s Scaled down replica set web:1 from 8 to 5",
			"t=1h0m5s Scaled down replica set web:2 from 5 to 3",
			"t=1h0m5s Scaled down replica set web:1 from 5 to 3",
			"t=1h0m5s Scaled up replica set web:2 from 3 to 5",
		}, []string{"web:1=3/3", "web:2=5/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, r := rolledOut(t, 10, "3", "2")
			c.SetNeverReady("web:2")
			setImage(t, c, "web", "web:2")
			c.Advance(5 * time.Second)
			r.take()
			scaleTo(t, c, "web", tc.to)
			assert.Equal(t, tc.events, r.take())
			assert.Equal(t, tc.sizes, sizes(t, c, "web"))
		})
	}
}

// Recreate: the old ReplicaSet goes to 0, the new one comes up only once
// the old pods are gone.
func TestRecreate(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	r := record(c)
	d := newDeployment("web", "web:1", 3)
	d.Spec.Strategy.Type = deployment.Recreate
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	settle(c)
	r.take()
	setImage(t, c, "web", "web:2")
	assert.Equal(t, []string{
		"t=1h0m0s Scaled down replica set web:1 from 3 to 0",
		"t=1h0m0s Scaled up replica set web:2 from 0 to 3",
	}, r.take())
	assert.Equal(t, []string{"web:1=0/0", "web:2=3/0"}, sizes(t, c, "web"))
	settle(c)
	assert.Equal(t, []string{"web:1=0/0", "web:2=3/3"}, sizes(t, c, "web"))
}

// A release whose pods never become Ready keeps availability at or above
// replicas - maxUnavailable, and the Deployment reports
// ProgressDeadlineExceeded progressDeadlineSeconds + 1s after its last
// progress.
func TestProgressDeadlineExceeded(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	d := fixture.Rolling(newDeployment("web", "web:1", 4), "1", "1")
	d.Spec.ProgressDeadlineSeconds = deployment.Ptr[int32](30)
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	settle(c)
	c.SetNeverReady("web:2")
	start := c.Now()
	setImage(t, c, "web", "web:2")
	var flipped time.Duration
	for c.Now().Sub(start) < 2*time.Minute {
		cur, err := c.Deployment("", "web")
		require.NoError(t, err)
		assert.GreaterOrEqual(t, cur.Status.AvailableReplicas, int32(3), "availability floor")
		if cond := cur.Status.Condition(deployment.Progressing); cond.Reason == deployment.ReasonTimedOut && flipped == 0 {
			flipped = c.Now().Sub(start)
		}
		if !c.Step() {
			break
		}
	}
	// The last progress: the new pods were created at start (pods never
	// get Ready, so nothing moves after).
	assert.Equal(t, 31*time.Second, flipped)
	cur, err := c.Deployment("", "web")
	require.NoError(t, err)
	cond := cur.Status.Condition(deployment.Progressing)
	assert.Equal(t, "False", cond.Status)
	assert.Contains(t, cond.Message, "has timed out progressing.")
}

// A current ReplicaSet whose revision does not parse keeps its
// annotations: upstream copies the Deployment's annotations onto a copy
// of it, then drops that copy when the revision cannot be compared.
func TestUnparsableRevisionKeepsAnnotations(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	d := newDeployment("web", "web:1", 2)
	d.Spec.Paused = true // no ReplicaSet of its own yet
	d.Annotations = map[string]string{deployment.ChangeCauseAnnotation: "first"}
	created, err := c.CreateDeployment(d)
	require.NoError(t, err)
	require.Empty(t, c.ReplicaSets())

	rs := &replicaset.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web-manual", Labels: map[string]string{"app": "web"},
			Annotations: map[string]string{deployment.RevisionAnnotation: "x"},
			Owner:       &meta.OwnerRef{Kind: "Deployment", Name: "web", UID: created.UID}},
		Spec: replicaset.Spec{Selector: &meta.Selector{MatchLabels: map[string]string{"app": "web"}}, Template: d.Spec.Template.Clone()},
	}
	_, err = c.CreateReplicaSet(rs)
	require.NoError(t, err)
	got, err := c.ReplicaSet("", "web-manual")
	require.NoError(t, err)
	assert.NotContains(t, got.Annotations, deployment.ChangeCauseAnnotation)
	assert.Equal(t, "x", got.Annotations[deployment.RevisionAnnotation])
	// Scaling it (a paused Deployment still scales) stores the replica
	// annotations, on the ReplicaSet as it was.
	assert.Equal(t, int32(2), got.Spec.Replicas)
	assert.Equal(t, "2", got.Annotations[deployment.DesiredReplicasAnnotation])

	// A change of minReadySeconds is stored, and with it, as upstream
	// stores its annotated copy, the annotations copied from the
	// Deployment; the revision still does not parse, so it stays.
	live, err := c.Deployment("", "web")
	require.NoError(t, err)
	live.Spec.MinReadySeconds = 3
	_, err = c.UpdateDeployment(live)
	require.NoError(t, err)
	got, err = c.ReplicaSet("", "web-manual")
	require.NoError(t, err)
	assert.Equal(t, int32(3), got.Spec.MinReadySeconds)
	assert.Equal(t, "first", got.Annotations[deployment.ChangeCauseAnnotation])
	assert.Equal(t, "x", got.Annotations[deployment.RevisionAnnotation])
}

// reversedEnv lists a Deployment's ReplicaSets newest first, the reverse
// of the order the cluster keeps them in.
type reversedEnv struct{ deployment.Env }

func (e reversedEnv) ReplicaSets(d *deployment.Deployment) []*replicaset.ReplicaSet {
	rss := slices.Clone(e.Env.ReplicaSets(d))
	slices.Reverse(rss)
	return rss
}

// The Deployment controller's decisions do not depend on the order in
// which the cluster lists its ReplicaSets, nor on what a Controller
// remembers between syncs: rollouts interrupted by new images, which
// leave several old ReplicaSets to scale down oldest first, give the same
// events and ReplicaSets every way.
func TestSyncIndependentOfListOrderAndMemory(t *testing.T) {
	play := func(sync func(deployment.Env, *deployment.Deployment) error) (events []string, state []string) {
		c := settled(t, rollsim.Config{Seed: 7, DeploymentSync: sync}, fixture.Rolling(newDeployment("web", "web:1", 10), "3", "2"))
		for i := 2; i <= 6; i++ {
			setImage(t, c, "web", fmt.Sprintf("web:%d", i))
			for range i % 3 {
				c.Step()
			}
		}
		scaleTo(t, c, "web", 14)
		c.Step()
		settle(c)
		for _, e := range c.Events() {
			events = append(events, e.Kind+" "+e.String())
		}
		for _, rs := range c.ReplicaSets() {
			state = append(state, fmt.Sprintf("%s rev=%d spec=%d available=%d", rs.Image(), rs.Revision(), rs.Spec.Replicas, rs.Status.AvailableReplicas))
		}
		return events, state
	}
	events, state := play(nil)
	require.Greater(t, strings.Count(strings.Join(events, "\n"), "Scaled down"), 5)
	for name, sync := range map[string]func(deployment.Env, *deployment.Deployment) error{
		"reversed list": func(env deployment.Env, d *deployment.Deployment) error {
			return deployment.Sync(reversedEnv{env}, d)
		},
		"reversed list, remembering": func() func(deployment.Env, *deployment.Deployment) error {
			ctl := &deployment.Controller{RememberNewReplicaSet: true}
			return func(env deployment.Env, d *deployment.Deployment) error { return ctl.Sync(reversedEnv{env}, d) }
		}(),
	} {
		gotEvents, gotState := play(sync)
		assert.Equal(t, events, gotEvents, name)
		assert.Equal(t, state, gotState, name)
	}
}

// A controller that never settles is an error the cluster keeps, not a
// hang: the round limit stops it and Err reports it.
func TestNotSettledIsAnError(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1, DeploymentSync: func(env deployment.Env, d *deployment.Deployment) error {
		err := deployment.Sync(env, d)
		env.RequeueAt(d, env.Now()) // again at once, for ever
		return err
	}})
	require.NoError(t, c.Err())
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 1))
	require.NoError(t, err)
	var ns *rollsim.NotSettledError
	require.ErrorAs(t, c.Err(), &ns)
	assert.Equal(t, c.Now(), ns.At)
	assert.Contains(t, ns.Error(), "did not settle")
}

// A namespace that no API server would accept is refused in its words.
func TestInvalidNamespace(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	d := newDeployment("web", "web:1", 1)
	d.Namespace = "Bad_NS"
	_, err := c.CreateDeployment(d)
	assert.True(t, meta.IsInvalid(err))
	assert.EqualError(t, err, `Deployment.apps "web" is invalid: metadata.namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`)
	assert.Empty(t, c.Deployments())
}

// ReplicaSetsOf orders as upstream's controller and kubectl do: by
// creation time kept to the second, then by name.
func TestReplicaSetsOfOrder(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	_, err := c.CreateDeployment(newDeployment("web", "web:2", 1))
	require.NoError(t, err)
	for _, image := range []string{"web:1", "web:3"} {
		c.Advance(100 * time.Millisecond)
		_, err = c.SetImage("", "web", "web", image)
		require.NoError(t, err)
	}
	c.AdvanceTo(rollsim.Epoch().Add(1500 * time.Millisecond))
	_, err = c.SetImage("", "web", "web", "web:4")
	require.NoError(t, err)
	d, err := c.Deployment("", "web")
	require.NoError(t, err)
	var names []string
	for _, rs := range c.ReplicaSetsOf(d) {
		names = append(names, rs.Name)
	}
	require.Len(t, names, 4)
	assert.True(t, slices.IsSorted(names[:3]), "one second: by name, %v", names)
	last, err := c.ReplicaSet("", names[3])
	require.NoError(t, err)
	assert.Equal(t, "web:4", last.Image(), "a later second comes last")
}
