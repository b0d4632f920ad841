package kubeapi_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/kubeapi"
	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/scheduler"
)

const richTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rich
  labels: {app: rich}
  annotations: {note: kept}
spec:
  replicas: 4
  selector:
    matchExpressions: [{key: app, operator: In, values: [rich]}]
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}
  minReadySeconds: 2
  template:
    metadata:
      labels: {app: rich}
    spec:
      nodeSelector: {disk: ssd}
      terminationGracePeriodSeconds: 5
      volumes: [{name: data, emptyDir: {}}]
      containers:
      - name: web
        image: web:1
        command: [serve]
        ports: [{containerPort: 80}]
        env: [{name: A, value: b}]
        resources: {requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 1Gi}, limits: {cpu: 200m}}
        readinessProbe: {httpGet: {path: /, port: 80}}
        volumeMounts: [{name: data, mountPath: /data}]
`

// cluster returns a cluster in the middle of a rollout: pods running,
// starting and waiting for room, Deployments with conditions.
func cluster(t *testing.T) *rollsim.Cluster {
	t.Helper()
	c := rollsim.New(rollsim.Config{Seed: 1, PodStartup: 3 * time.Second})
	n := scheduler.NewNode("node-1", 2000, 1<<30, 110)
	n.Labels = map[string]string{"disk": "ssd"}
	_, err := c.ApplyNode(n)
	require.NoError(t, err)
	objs, err := manifest.Decode("rich.yml", []byte(richTemplate))
	require.NoError(t, err)
	_, err = c.CreateDeployment(objs[0].Deployment)
	require.NoError(t, err)
	labels := map[string]string{"app": "simple"}
	_, err = c.CreateDeployment(&deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "simple", Namespace: "team"},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](12),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{
				Name: "app", Image: "app:1", Requests: pod.Resources{MilliCPU: 100}}}}},
		},
	})
	require.NoError(t, err)
	_, err = c.CreateDeployment(&deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "stuck", Namespace: "team"},
		Spec: deployment.Spec{
			Selector: &meta.Selector{MatchLabels: map[string]string{"app": "stuck"}},
			Template: pod.Template{Labels: map[string]string{"app": "stuck"}, Spec: pod.Spec{
				Containers: []pod.Container{{Name: "app", Image: "app:1", Requests: pod.Resources{MilliCPU: 5000}}}}},
		},
	})
	require.NoError(t, err)
	c.Advance(4 * time.Second)
	_, err = c.SetImage("team", "simple", "app", "app:2")
	require.NoError(t, err)
	c.Advance(time.Second)
	return c
}

// unused clears what a template's Extra holds but does not use (its
// containers, restart policy and node selector live in the modeled
// fields), which a conversion does not carry twice.
func unused(t *pod.Template) {
	if x := t.Spec.Extra; x != nil {
		x.Containers, x.RestartPolicy, x.NodeSelector = nil, "", nil
	}
}

// roundTrip converts o to its API type and back.
func roundTrip[V, A any](t *testing.T, o V, to func(V) A, from func(A) (V, error)) V {
	t.Helper()
	got, err := from(to(o))
	require.NoError(t, err)
	return got
}

func TestRoundTrips(t *testing.T) {
	c := cluster(t)
	for _, d := range c.Deployments() {
		got := roundTrip(t, d, kubeapi.Deployment, kubeapi.FromDeployment)
		d.CreationIndex = 0
		unused(&d.Spec.Template)
		require.Equal(t, d, got, d.Name)
		require.NotEmpty(t, d.Status.Conditions)
	}
	for _, rs := range c.ReplicaSets() {
		got := roundTrip(t, rs, kubeapi.ReplicaSet, kubeapi.FromReplicaSet)
		rs.CreationIndex = 0
		unused(&rs.Spec.Template)
		require.Equal(t, rs, got, rs.Name)
	}
	var running, starting, waiting int
	for _, p := range c.Pods() {
		got := roundTrip(t, p, kubeapi.Pod, kubeapi.FromPod)
		p.CreationIndex = 0
		tmpl := pod.Template{Spec: *p.Spec}
		unused(&tmpl)
		p.Available = false
		switch {
		case p.Phase == pod.Running:
			running++
		case p.Bound:
			starting++
			// Not started: the status does not tell the startup delay.
			p.Startup = 0
		default:
			waiting++
			p.Startup = 0
		}
		require.Equal(t, p, got, p.Name)
	}
	require.NotZero(t, running)
	require.NotZero(t, starting)
	require.NotZero(t, waiting)
	for _, n := range c.Nodes() {
		got := roundTrip(t, n, kubeapi.Node, kubeapi.FromNode)
		n.CreationIndex = 0
		require.Equal(t, n, got)
	}
	for _, e := range c.Events() {
		require.Equal(t, e, kubeapi.FromEvent(kubeapi.Event(e)))
	}
}

func TestFromDeploymentRefusesWhatItCannotKeep(t *testing.T) {
	d := kubeapi.Deployment(cluster(t).Deployments()[0])
	d.ResourceVersion = "x"
	_, err := kubeapi.FromDeployment(d)
	require.EqualError(t, err, `invalid resource version "x"`)
	_, err = kubeapi.FromDeployment(nil)
	require.Error(t, err)
}

// Terminating and crash-looping pods, a Deployment's kept metadata and
// the terminating counts come back as they went.
func TestRoundTripsOfThePodLifecycle(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1, PodShutdown: 20 * time.Second})
	c.SetCrashLoop("app:crash")
	yes := true
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "app"},
		Meta: &metav1.ObjectMeta{Finalizers: []string{"example.com/keep"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "example.com/v1", Kind: "App", Name: "app", UID: "u-1", Controller: &yes}}},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](3),
			Selector: &meta.Selector{MatchLabels: map[string]string{"app": "app"}},
			Template: pod.Template{Labels: map[string]string{"app": "app"}, Spec: pod.Spec{Containers: []pod.Container{{Name: "app", Image: "app:1"}}}},
		},
	}
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	c.Advance(5 * time.Second)
	_, err = c.SetImage("", "app", "app", "app:crash")
	require.NoError(t, err)
	c.Advance(30 * time.Second)
	require.NoError(t, c.DeletePod("", c.Pods()[0].Name))

	var terminating, restarted int
	for _, p := range c.Pods() {
		got := roundTrip(t, p, kubeapi.Pod, kubeapi.FromPod)
		if p.Terminating() {
			terminating++
			assert.Equal(t, p.DeletionTimestamp, got.DeletionTimestamp)
			assert.Equal(t, p.DeletionGracePeriodSeconds, got.DeletionGracePeriodSeconds)
		}
		if p.Restarts > 0 {
			restarted++
			assert.Equal(t, p.Restarts, got.Restarts)
			assert.Equal(t, p.CrashLooping, got.CrashLooping)
			assert.Equal(t, p.LastExit.Truncate(time.Second), got.LastExit)
		}
	}
	assert.NotZero(t, terminating)
	assert.NotZero(t, restarted)
	for _, d := range c.Deployments() {
		got := roundTrip(t, d, kubeapi.Deployment, kubeapi.FromDeployment)
		assert.Equal(t, d.Meta, got.Meta)
		assert.Equal(t, d.Status.TerminatingReplicas, got.Status.TerminatingReplicas)
		assert.NotZero(t, got.Status.TerminatingReplicas)
	}
	for _, rs := range c.ReplicaSets() {
		got := roundTrip(t, rs, kubeapi.ReplicaSet, kubeapi.FromReplicaSet)
		assert.Equal(t, rs.Status.TerminatingReplicas, got.Status.TerminatingReplicas)
	}
}

// A crash-looping container's runs are told as the kubelet tells them:
// the current run's start, and the crashed run's start and end, each run
// a startup period long and each restart its back-off after the exit.
func TestCrashLoopRuns(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1, PodStartup: 2 * time.Second})
	c.SetCrashLoop("app:crash")
	_, err := c.CreateDeployment(fixture.Deployment("app", "app:crash", 1))
	require.NoError(t, err)
	start := c.Now()
	// Started at 2s, exits at 4s and restarts at once; exits at 6s and
	// waits 10s; restarts at 16s, exits at 18s, waits 20s.
	for _, tt := range []struct {
		at                         time.Duration
		waiting                    bool
		running, started, finished time.Duration // 0: none
	}{
		{at: 3 * time.Second, running: 2 * time.Second},
		{at: 5 * time.Second, running: 4 * time.Second, started: 2 * time.Second, finished: 4 * time.Second},
		{at: 7 * time.Second, waiting: true, started: 4 * time.Second, finished: 6 * time.Second},
		{at: 17 * time.Second, running: 16 * time.Second, started: 4 * time.Second, finished: 6 * time.Second},
		{at: 19 * time.Second, waiting: true, started: 16 * time.Second, finished: 18 * time.Second},
	} {
		c.AdvanceTo(start.Add(tt.at))
		back, err := kubeapi.FromPod(kubeapi.Pod(c.Pods()[0]))
		require.NoError(t, err)
		assert.Equal(t, 2*time.Second, back.Startup, "the startup read back, at %v", tt.at)
		cs := kubeapi.Pod(c.Pods()[0]).Status.ContainerStatuses[0]
		if tt.waiting {
			require.NotNil(t, cs.State.Waiting, "at %v", tt.at)
			assert.Equal(t, "CrashLoopBackOff", cs.State.Waiting.Reason)
		} else {
			require.NotNil(t, cs.State.Running, "at %v", tt.at)
			assert.Equal(t, start.Add(tt.running), cs.State.Running.StartedAt.Time, "running, at %v", tt.at)
		}
		term := cs.LastTerminationState.Terminated
		if tt.finished == 0 {
			assert.Nil(t, term, "at %v", tt.at)
			continue
		}
		require.NotNil(t, term, "at %v", tt.at)
		assert.Equal(t, start.Add(tt.started), term.StartedAt.Time, "started, at %v", tt.at)
		assert.Equal(t, start.Add(tt.finished), term.FinishedAt.Time, "finished, at %v", tt.at)
	}
}
