package rollsim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/meta"
)

// podsBy counts the cluster's pods by their kubectl STATUS.
func podsBy(c *rollsim.Cluster) map[string]int {
	out := map[string]int{}
	for _, p := range c.Pods() {
		out[p.Status()]++
	}
	return out
}

// On a full cluster a pod deleted by the rollout keeps its node's room
// while it terminates: its replacement waits Pending until it is gone.
func TestTerminatingPodsHoldTheirNode(t *testing.T) {
	c := fullCluster(t, "0", "1")
	c.SetPodShutdown(20 * time.Second)
	start := c.Now()
	setImage(t, c, "web", "nginx:1.28")

	assert.Equal(t, map[string]int{"Running": 2, "Terminating": 1, "Pending": 1}, podsBy(c))
	d, err := c.Deployment("", "web")
	require.NoError(t, err)
	assert.EqualValues(t, 1, d.Status.TerminatingReplicas)
	assert.EqualValues(t, 3, d.Status.Replicas, "two old pods and the new pending one: the terminating pod is not active")
	var terminating int32
	for _, rs := range c.ReplicaSetsOf(d) {
		terminating += rs.Status.TerminatingReplicas
	}
	assert.EqualValues(t, 1, terminating)

	// Still there a moment before its grace period ends; gone at its end,
	// when the waiting pod is bound in its place.
	c.AdvanceTo(start.Add(20*time.Second - time.Millisecond))
	assert.Equal(t, 1, podsBy(c)["Terminating"])
	assert.Equal(t, 1, c.PendingPods())
	c.AdvanceTo(start.Add(20 * time.Second))
	assert.Zero(t, podsBy(c)["Terminating"])
	assert.Zero(t, c.PendingPods())

	// Each old pod's turn takes its grace period and the new pod's start.
	require.True(t, c.RunUntil(complete("web"), 5*time.Minute))
	assert.Equal(t, start.Add(3*(20*time.Second+time.Second)), c.Now())
	assert.Equal(t, map[string]int{"Running": 3}, podsBy(c))
}

// slowToStop returns a settled cluster of replicas web pods whose
// containers take a minute to stop, with a terminationGracePeriodSeconds
// of grace.
func slowToStop(t *testing.T, replicas int32, grace int64) *rollsim.Cluster {
	t.Helper()
	c := rollsim.New(rollsim.Config{Seed: 1, PodShutdown: time.Minute})
	d := newDeployment("web", "web:1", replicas)
	d.Spec.Template.Spec.Extra = &corev1.PodSpec{TerminationGracePeriodSeconds: &grace}
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	settle(c)
	return c
}

// A terminationGracePeriodSeconds shorter than the shutdown setting wins,
// and a deleted pod is replaced at once.
func TestDeletedPodIsReplacedAtOnce(t *testing.T) {
	c := slowToStop(t, 2, 7)
	victim := c.Pods()[0]
	start := c.Now()
	require.NoError(t, c.DeletePod("", victim.Name))
	assert.Equal(t, map[string]int{"Running": 1, "Terminating": 1, "ContainerCreating": 1}, podsBy(c))
	p, err := c.Pod("", victim.Name)
	require.NoError(t, err)
	assert.Equal(t, start.Add(7*time.Second), p.DeletionTimestamp)
	assert.Equal(t, start.Add(7*time.Second), p.DeletionDeadline)
	c.Advance(7 * time.Second)
	_, err = c.Pod("", victim.Name)
	assert.Error(t, err, "gone after its grace period")
	assert.Equal(t, map[string]int{"Running": 2}, podsBy(c))
}

// A readiness probe delays Ready, and so the rollout, to the probe's first
// counting run.
func TestReadinessProbeDelaysTheRollout(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	d := newDeployment("web", "web:1", 1)
	d.Spec.Template.Spec.Containers[0].Extra = &corev1.Container{ReadinessProbe: &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(80)}},
		InitialDelaySeconds: 5, PeriodSeconds: 3, SuccessThreshold: 2,
	}}
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	start := c.Now()
	require.True(t, c.RunUntil(complete("web"), time.Minute))
	// Started at 1s; counting runs at 6s and 9s after the start.
	assert.Equal(t, start.Add(time.Second+9*time.Second), c.Now())
}

// A Deployment's generateName names it when it has no name, and its
// owner references and finalizers are kept through updates.
func TestDeploymentKeptMetadata(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	d := newDeployment("web", "web:1", 1)
	d.Name = ""
	d.Meta = &metav1.ObjectMeta{GenerateName: "web-", Finalizers: []string{"example.com/keep"}}
	got, err := c.CreateDeployment(d)
	require.NoError(t, err)
	assert.Regexp(t, `^web-[bcdfghjklmnpqrstvwxz2456789]{5}$`, got.Name)
	assert.Equal(t, []string{"example.com/keep"}, got.Meta.Finalizers)

	got.Meta.Finalizers = nil
	got.Meta.OwnerReferences = []metav1.OwnerReference{{APIVersion: "example.com/v1", Kind: "App", Name: "web", UID: "u-1"}}
	_, err = c.UpdateDeployment(got)
	require.NoError(t, err)
	now, err := c.Deployment("", got.Name)
	require.NoError(t, err)
	assert.Empty(t, now.Meta.Finalizers)
	assert.Equal(t, "App", now.Meta.OwnerReferences[0].Kind)
	assert.Equal(t, got.Generation, now.Generation, "metadata is not spec: no new generation")

	_, err = kubectl.ApplyDeployment(c, d, "", "")
	assert.EqualError(t, err, "from web-: cannot use generate name with apply")
}

// A delete's own grace period is stored as given, and the pod stays
// Terminating while its containers stop within it (never longer than
// they take); 0 removes the pod at once, even one Terminating already.
func TestDeletePodGrace(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1, PodShutdown: 20 * time.Second})
	_, err := c.CreateDeployment(newDeployment("web", "web:1", 3))
	require.NoError(t, err)
	settle(c)
	pods := c.Pods()
	start := c.Now()
	require.NoError(t, c.DeletePodGrace("", pods[0].Name, 5*time.Second))
	require.NoError(t, c.DeletePodGrace("", pods[1].Name, time.Hour))
	require.NoError(t, c.DeletePod("", pods[2].Name))
	for i, want := range []int64{5, 3600, 30} {
		p, err := c.Pod("", pods[i].Name)
		require.NoError(t, err)
		assert.Equal(t, want, p.DeletionGracePeriodSeconds, p.Name)
	}
	require.NoError(t, c.DeletePodGrace("", pods[2].Name, 0))
	_, err = c.Pod("", pods[2].Name)
	assert.True(t, meta.IsNotFound(err))
	c.AdvanceTo(start.Add(5 * time.Second))
	_, err = c.Pod("", pods[0].Name)
	assert.True(t, meta.IsNotFound(err))
	_, err = c.Pod("", pods[1].Name)
	assert.NoError(t, err)
	assert.True(t, meta.IsNotFound(c.DeletePodGrace("", "nope", 0)))
}

// As the API server has it: a delete's grace period replaces the pod's
// own, even a longer one; a negative one counts as 1s; a second delete of
// a Terminating pod may only shorten it, from the first delete's instant.
func TestDeletePodGraceAsTheAPIServer(t *testing.T) {
	c := slowToStop(t, 3, 10)
	pods := c.Pods()
	start := c.Now()
	require.NoError(t, c.DeletePodGrace("", pods[0].Name, 45*time.Second))
	require.NoError(t, c.DeletePodGrace("", pods[1].Name, -5*time.Second))
	require.NoError(t, c.DeletePod("", pods[2].Name))
	for i, want := range []int64{45, 1, 10} {
		p, err := c.Pod("", pods[i].Name)
		require.NoError(t, err)
		assert.Equal(t, want, p.DeletionGracePeriodSeconds, p.Name)
	}
	// 20s later the first pod's grace is cut to 30s from its deletion:
	// 10s left. A longer one changes nothing.
	c.AdvanceTo(start.Add(20 * time.Second))
	require.NoError(t, c.DeletePodGrace("", pods[0].Name, 30*time.Second))
	require.NoError(t, c.DeletePodGrace("", pods[0].Name, 40*time.Second))
	p, err := c.Pod("", pods[0].Name)
	require.NoError(t, err)
	assert.Equal(t, int64(30), p.DeletionGracePeriodSeconds)
	assert.Equal(t, start.Add(30*time.Second), p.DeletionTimestamp)
	c.AdvanceTo(start.Add(30*time.Second - time.Millisecond))
	_, err = c.Pod("", pods[0].Name)
	assert.NoError(t, err)
	c.AdvanceTo(start.Add(30 * time.Second))
	_, err = c.Pod("", pods[0].Name)
	assert.True(t, meta.IsNotFound(err), "gone 30s after its deletion")
}
