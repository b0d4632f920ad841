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
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
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
	c := rollsim.New(rollsim.Config{})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 2))
	require.NoError(t, err)
	settle(c)
	before, _ := c.Deployment("", "web")

	bad := newDeployment("web", "web:2", 2)
	bad = fixture.Rolling(bad, "0", "0%")
	_, err = c.UpdateDeployment(bad)
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
			log = append(log, fmt.Sprintf("%s %s %s/%s %s", e.Time.Sub(rollsim.Epoch), e.Reason, e.Kind, e.Name, e.Message))
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
	c := rollsim.New(rollsim.Config{})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 2))
	require.NoError(t, err)
	settle(c)
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
