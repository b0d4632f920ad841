package rollsim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/scheduler"
)

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

	changed, err := c.Cordon("b", true)
	require.NoError(t, err)
	assert.True(t, changed)
	changed, err = c.Cordon("b", true)
	require.NoError(t, err)
	assert.False(t, changed, "already cordoned")
	evicted, err := c.Drain("b")
	require.NoError(t, err)
	assert.Len(t, evicted, 3)
	assert.Equal(t, 2, c.PendingPods(), "node a has four pod slots")
	assert.Equal(t, "0/2 nodes are available: 1 Too many pods, 1 node(s) were unschedulable.", pendingMessage(c))

	_, err = c.Cordon("b", false)
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
