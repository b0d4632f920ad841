package kubeapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	appsv1client "k8s.io/client-go/kubernetes/typed/apps/v1"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/kubeapi"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/scheduler"
)

func ptr[T any](v T) *T { return &v }

// newDeployment is the Deployment the tests here create.
var newDeployment = fixture.APIDeployment

// create creates d in namespace default, failing the test if that
// fails, and returns the namespace's Deployments client and what was
// created.
func create(t *testing.T, ctx context.Context, cs kubernetes.Interface, d *appsv1.Deployment) (appsv1client.DeploymentInterface, *appsv1.Deployment) {
	t.Helper()
	deps := cs.AppsV1().Deployments("default")
	created, err := deps.Create(ctx, d, metav1.CreateOptions{})
	require.NoError(t, err)
	return deps, created
}

// setup serves a fresh cluster in-process and returns a clientset on it.
func setup(t *testing.T, opts kubeapi.Options) (*kubeapi.Handler, kubernetes.Interface) {
	t.Helper()
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), opts)
	t.Cleanup(h.Close)
	cs, err := kubernetes.NewForConfig(h.RESTConfig())
	require.NoError(t, err)
	return h, cs
}

func TestClientGoCreateGetListUpdateDelete(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	deps := cs.AppsV1().Deployments("default")

	d := newDeployment("web", "httpd:2.2.31", 3)
	d.Name = ""
	d.GenerateName = "web-"
	d.Labels = map[string]string{"app": "web"}
	d.Spec.Selector.MatchLabels = d.Labels
	d.Spec.Template.Labels = d.Labels
	created, err := deps.Create(ctx, d, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Regexp(t, `^web-[a-z0-9]{5}$`, created.Name)
	require.Equal(t, int64(1), created.Generation)
	require.NotEmpty(t, created.UID)

	_, err = deps.Create(ctx, newDeployment("httpd", "httpd:2.2.31", 3), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = deps.Create(ctx, newDeployment("httpd", "httpd:2.2.31", 3), metav1.CreateOptions{})
	require.True(t, apierrors.IsAlreadyExists(err), "%v", err)

	got, err := deps.Get(ctx, "httpd", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int32(3), got.Status.Replicas)

	_, err = deps.Get(ctx, "nope", metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err))
	require.EqualError(t, err, `deployments.apps "nope" not found`)

	l, err := deps.List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)
	require.NotEmpty(t, l.ResourceVersion)
	l, err = deps.List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + created.Name})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)
	_, err = deps.List(ctx, metav1.ListOptions{FieldSelector: "spec.paused=true"})
	require.True(t, apierrors.IsBadRequest(err))

	rss, err := cs.AppsV1().ReplicaSets("default").List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Len(t, rss.Items, 1)
	require.Equal(t, "Deployment", rss.Items[0].OwnerReferences[0].Kind)
	pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Len(t, pods.Items, 3)

	// Two writers from the same copy: the second is refused.
	a, b := got.DeepCopy(), got.DeepCopy()
	a.Spec.Template.Spec.Containers[0].Image = "httpd:2.2.32"
	_, err = deps.Update(ctx, a, metav1.UpdateOptions{})
	require.NoError(t, err)
	b.Spec.Replicas = ptr[int32](5)
	_, err = deps.Update(ctx, b, metav1.UpdateOptions{})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	require.EqualError(t, err, `Operation cannot be fulfilled on deployments.apps "httpd": the object has been modified; please apply your changes to the latest version and try again`)

	bad, err := deps.Get(ctx, "httpd", metav1.GetOptions{})
	require.NoError(t, err)
	bad.Spec.Replicas = ptr[int32](-1)
	_, err = deps.Update(ctx, bad, metav1.UpdateOptions{})
	require.True(t, apierrors.IsInvalid(err), "%v", err)
	st := err.(apierrors.APIStatus).Status()
	require.Equal(t, "spec.replicas", st.Details.Causes[0].Field)
	require.Equal(t, `Deployment.apps "httpd" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`, st.Message)

	// The scale subresource.
	sc, err := deps.GetScale(ctx, "httpd", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int32(3), sc.Spec.Replicas)
	require.Equal(t, "app=httpd", sc.Status.Selector)
	stale := sc.DeepCopy()
	sc.Spec.Replicas = 5
	sc, err = deps.UpdateScale(ctx, "httpd", sc, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.Equal(t, int32(5), sc.Spec.Replicas)
	stale.Spec.Replicas = 1
	_, err = deps.UpdateScale(ctx, "httpd", stale, metav1.UpdateOptions{})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	h.Do(func(c *rollsim.Cluster) { c.Advance(time.Minute) })
	got, err = deps.Get(ctx, "httpd", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int32(5), got.Status.AvailableReplicas)
	require.Equal(t, "2", got.Annotations["deployment.kubernetes.io/revision"])

	rsName := rss.Items[0].Name
	rsScale, err := cs.AppsV1().ReplicaSets("default").GetScale(ctx, rsName, metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int32(0), rsScale.Spec.Replicas)

	// A deleted old ReplicaSet stays deleted; the current one comes back,
	// under its name, as the controller makes it again.
	rsc := cs.AppsV1().ReplicaSets("default")
	require.NoError(t, rsc.Delete(ctx, rsName, metav1.DeleteOptions{}))
	_, err = rsc.Get(ctx, rsName, metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err))
	rss, err = rsc.List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Len(t, rss.Items, 1)
	require.NoError(t, rsc.Delete(ctx, rss.Items[0].Name, metav1.DeleteOptions{}))
	back, err := rsc.Get(ctx, rss.Items[0].Name, metav1.GetOptions{})
	require.NoError(t, err)
	require.NotEqual(t, rss.Items[0].UID, back.UID)

	// A collection deleted by selector: the ReplicaSet makes new pods.
	before, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Len(t, before.Items, 5)
	require.NoError(t, cs.CoreV1().Pods("default").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "app=httpd"}))
	after, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Len(t, after.Items, 5)
	for _, p := range after.Items {
		for _, q := range before.Items {
			require.NotEqual(t, q.Name, p.Name)
		}
	}

	// Delete takes the ReplicaSets and pods along.
	require.NoError(t, deps.Delete(ctx, "httpd", metav1.DeleteOptions{PropagationPolicy: ptr(metav1.DeletePropagationForeground)}))
	_, err = deps.Get(ctx, "httpd", metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err))
	pods, err = cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	require.NoError(t, err)
	require.Empty(t, pods.Items)
	err = deps.Delete(ctx, "httpd", metav1.DeleteOptions{})
	require.True(t, apierrors.IsNotFound(err))
	err = deps.Delete(ctx, created.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: ptr(types.UID("x"))}})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	require.EqualError(t, err, fmt.Sprintf(`Operation cannot be fulfilled on Deployment.apps %q: the UID in the precondition (x) does not match the UID in record (%s). The object might have been deleted and then recreated`, created.Name, created.UID))
}

func TestFieldValidation(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	body := []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replicaz":1,
		"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"x","image":"x"}]}}}}`)
	post := func(mode string) (rest_ *struct{ warnings []string }, err error) {
		res := cs.AppsV1().RESTClient().Post().Namespace("default").Resource("deployments").
			Param("fieldValidation", mode).Body(body).Do(context.Background())
		return nil, res.Error()
	}
	_, err := post("Strict")
	require.True(t, apierrors.IsBadRequest(err))
	require.EqualError(t, err, `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"`)
	_, err = post("Warn")
	require.NoError(t, err)
}

func TestPatches(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	deps, _ := create(t, ctx, cs, newDeployment("web", "web:1", 2))
	for _, p := range []struct {
		typ   types.PatchType
		patch string
		image string
	}{
		{types.JSONPatchType, `[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"}]`, "web:2"},
		{types.MergePatchType, `{"spec":{"template":{"metadata":{"annotations":{"a":"b"}}}}}`, "web:2"},
		{types.StrategicMergePatchType, `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:3"}]}}}}`, "web:3"},
	} {
		d, err := deps.Patch(ctx, "web", p.typ, []byte(p.patch), metav1.PatchOptions{})
		require.NoError(t, err, p.typ)
		require.Len(t, d.Spec.Template.Spec.Containers, 1, p.typ)
		require.Equal(t, p.image, d.Spec.Template.Spec.Containers[0].Image, p.typ)
	}
	d, err := deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, "b", d.Spec.Template.Annotations["a"])
	require.Equal(t, int64(4), d.Generation)

	_, err = deps.Patch(ctx, "web", types.JSONPatchType, []byte(`[{"op":"test","path":"/spec/paused","value":true}]`), metav1.PatchOptions{})
	require.Error(t, err)
	_, err = deps.Patch(ctx, "web", types.MergePatchType, []byte(`{"metadata":{"resourceVersion":"1"},"spec":{"paused":true}}`), metav1.PatchOptions{})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	_, err = deps.Patch(ctx, "web", types.MergePatchType, []byte(`{"spec":{"replicas":-2}}`), metav1.PatchOptions{})
	require.True(t, apierrors.IsInvalid(err), "%v", err)
	var sc autoscalingv1.Scale
	err = cs.AppsV1().RESTClient().Patch(types.MergePatchType).Namespace("default").Resource("deployments").Name("web").
		SubResource("scale").Body([]byte(`{"spec":{"replicas":4}}`)).Do(ctx).Into(&sc)
	require.NoError(t, err)
	require.Equal(t, int32(4), sc.Spec.Replicas)
}

func TestWatch(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{WatchCache: 50})
	ctx := context.Background()
	deps, d := create(t, ctx, cs, newDeployment("web", "web:1", 1))

	w, err := deps.Watch(ctx, metav1.ListOptions{ResourceVersion: d.ResourceVersion, FieldSelector: "metadata.name=web"})
	require.NoError(t, err)
	defer w.Stop()
	pw, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	require.NoError(t, err)
	defer pw.Stop()
	// The pod the controller created before the watch began.
	e := <-pw.ResultChan()
	require.Equal(t, watch.Added, e.Type)

	h.Do(func(c *rollsim.Cluster) { c.Advance(5 * time.Second) })
	var last *appsv1.Deployment
	for last == nil || last.Status.AvailableReplicas < 1 {
		e := <-w.ResultChan()
		require.Equal(t, watch.Modified, e.Type, "%v", e.Object)
		last = e.Object.(*appsv1.Deployment)
	}
	_, err = deps.Create(ctx, newDeployment("other", "web:1", 1), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, deps.Delete(ctx, "web", metav1.DeleteOptions{}))
	e = <-w.ResultChan()
	require.Equal(t, watch.Deleted, e.Type, "the watch saw only web")
	for e := range pw.ResultChan() {
		if e.Type == watch.Deleted {
			break
		}
	}

	// Far more writes than the cache holds: an old resourceVersion is gone.
	for i := range 30 {
		_, err := deps.Create(ctx, newDeployment(fmt.Sprint("x", i), "x:1", 1), metav1.CreateOptions{})
		require.NoError(t, err)
	}
	old, err := deps.Watch(ctx, metav1.ListOptions{ResourceVersion: d.ResourceVersion})
	require.NoError(t, err)
	e = <-old.ResultChan()
	require.Equal(t, watch.Error, e.Type)
	require.True(t, apierrors.IsResourceExpired(apierrors.FromObject(e.Object)) || apierrors.IsGone(apierrors.FromObject(e.Object)))
}

// A watcher that does not read is closed; the cluster goes on.
func TestSlowWatcherIsClosed(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{WatchBuffer: 5})
	ctx := context.Background()
	w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	defer w.Stop()
	create(t, ctx, cs, newDeployment("web", "web:1", 50))
	h.Do(func(c *rollsim.Cluster) { c.Advance(time.Minute) })
	n := 0
	for range w.ResultChan() {
		n++
	}
	require.Less(t, n, 150, "the watch ended before every pod write")
	d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int32(50), d.Status.AvailableReplicas)
}

// kubectl rollout status's loop: an informer on the one Deployment, its
// status judged at every event, while time moves.
func TestRolloutStatusOverWatch(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	deps, _ := create(t, ctx, cs, newDeployment("httpd", "httpd:2.2.31", 3))
	h.Do(func(c *rollsim.Cluster) { c.Advance(time.Minute) })
	_, err := deps.Patch(ctx, "httpd", types.StrategicMergePatchType,
		[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"httpd","image":"httpd:2.2.32"}]}}}}`), metav1.PatchOptions{})
	require.NoError(t, err)

	// The list and watch kubectl rollout status makes: one Deployment, by name.
	lw := cache.NewListWatchFromClient(cs.AppsV1().RESTClient(), "deployments", "default",
		fields.OneTermEqualSelector("metadata.name", "httpd"))
	var lines []string
	done := make(chan error, 1)
	go func() {
		_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.Deployment{}, nil, func(e watch.Event) (bool, error) {
			d, err := kubeapi.FromDeployment(e.Object.(*appsv1.Deployment))
			if err != nil {
				return false, err
			}
			st := kubectl.Status(d)
			if len(lines) == 0 || lines[len(lines)-1] != st.Message {
				lines = append(lines, st.Message)
			}
			return st.Done, nil
		})
		done <- err
	}()
	for {
		select {
		case err := <-done:
			require.NoError(t, err)
			require.Equal(t, `deployment "httpd" successfully rolled out`, lines[len(lines)-1])
			require.Contains(t, lines, `Waiting for deployment "httpd" rollout to finish: 1 out of 3 new replicas have been updated...`)
			return
		case <-time.After(5 * time.Millisecond):
			h.Do(func(c *rollsim.Cluster) { c.Step() })
		}
	}
}

// Clients on many goroutines, and time moving on another: the Handler
// serializes them (run with -race).
func TestConcurrentClients(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				h.Do(func(c *rollsim.Cluster) { c.Advance(time.Second) })
			}
		}
	}()
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprint("app", i)
			deps := cs.AppsV1().Deployments("default")
			w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
			if !assertNoError(t, err) {
				return
			}
			defer w.Stop()
			if _, err := deps.Create(ctx, newDeployment(name, "img:1", 3), metav1.CreateOptions{}); !assertNoError(t, err) {
				return
			}
			for j := range 5 {
				for {
					d, err := deps.Get(ctx, name, metav1.GetOptions{})
					if !assertNoError(t, err) {
						return
					}
					d.Spec.Template.Spec.Containers[0].Image = fmt.Sprint("img:", j+2)
					_, err = deps.Update(ctx, d, metav1.UpdateOptions{})
					if err == nil {
						break
					}
					if !apierrors.IsConflict(err) {
						t.Error(err)
						return
					}
				}
				_, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
				assertNoError(t, err)
			}
		}()
	}
	wg.Wait()
	close(stop)
}

func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

// With AutoTime, a client waiting on a watch sees the rollout through
// with no one moving the clock.
func TestAutoTimeRunsWhileClientsWatch(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go h.RunClock(ctx, kubeapi.AutoTime, 0)
	create(t, ctx, cs, newDeployment("httpd", "httpd:2.2.31", 3))
	time.Sleep(3 * kubeapi.SettleTime)
	var start time.Time
	h.Do(func(c *rollsim.Cluster) { start = c.Now() })
	require.Equal(t, rollsim.Epoch(), start, "no watch: the clock stands still")

	// The list and watch kubectl rollout status makes: one Deployment, by name.
	lw := cache.NewListWatchFromClient(cs.AppsV1().RESTClient(), "deployments", "default",
		fields.OneTermEqualSelector("metadata.name", "httpd"))
	_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.Deployment{}, nil, func(e watch.Event) (bool, error) {
		d, err := kubeapi.FromDeployment(e.Object.(*appsv1.Deployment))
		if err != nil {
			return false, err
		}
		return kubectl.Status(d).Done, nil
	})
	require.NoError(t, err)
	h.Do(func(c *rollsim.Cluster) {
		require.Equal(t, time.Second, c.Now().Sub(rollsim.Epoch()), "the clock went to the pods' readiness")
	})
}

// contentTypes records the media types of the responses a client reads.
type contentTypes struct {
	mu   sync.Mutex
	seen map[string]bool
	next http.RoundTripper
}

func (c *contentTypes) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		c.mu.Lock()
		c.seen[resp.Header.Get("Content-Type")] = true
		c.mu.Unlock()
	}
	return resp, err
}

// Typed clients get protobuf, as from the API server; JSON clients JSON.
func TestProtobuf(t *testing.T) {
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
	defer h.Close()
	cfg := h.RESTConfig()
	ct := &contentTypes{seen: map[string]bool{}}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { ct.next = rt; return ct }
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	defer w.Stop()
	create(t, ctx, cs, newDeployment("web", "web:1", 2))
	pods, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, pods.Items, 2)
	// Every resource's list comes back as its typed list.
	opts := metav1.ListOptions{}
	for _, l := range []struct {
		name string
		want int
		list func() (runtime.Object, error)
	}{
		{"deployments", 1, func() (runtime.Object, error) { return cs.AppsV1().Deployments("").List(ctx, opts) }},
		{"replicasets", 1, func() (runtime.Object, error) { return cs.AppsV1().ReplicaSets("default").List(ctx, opts) }},
		{"nodes", 0, func() (runtime.Object, error) { return cs.CoreV1().Nodes().List(ctx, opts) }},
		{"namespaces", 4, func() (runtime.Object, error) { return cs.CoreV1().Namespaces().List(ctx, opts) }},
		{"leases", 0, func() (runtime.Object, error) { return cs.CoordinationV1().Leases("").List(ctx, opts) }},
		{"events", 3, func() (runtime.Object, error) { return cs.CoreV1().Events("").List(ctx, opts) }},
	} {
		obj, err := l.list()
		require.NoError(t, err, l.name)
		require.Equal(t, l.want, meta.LenList(obj), l.name)
		acc, err := meta.ListAccessor(obj)
		require.NoError(t, err, l.name)
		require.Equal(t, pods.ResourceVersion, acc.GetResourceVersion(), l.name)
	}
	e := <-w.ResultChan()
	require.Equal(t, watch.Added, e.Type)
	require.Equal(t, pods.Items[0].Namespace, e.Object.(*corev1.Pod).Namespace)
	ct.mu.Lock()
	defer ct.mu.Unlock()
	require.True(t, ct.seen["application/vnd.kubernetes.protobuf"], "%v", ct.seen)
	require.True(t, ct.seen["application/vnd.kubernetes.protobuf;stream=watch"], "%v", ct.seen)
}

// Each node has the lease its kubelet would keep, which kubectl describe
// node shows.
func TestNodeLeases(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	h.Do(func(c *rollsim.Cluster) {
		_, err := c.ApplyNode(scheduler.NewNode("node-1", 1000, 1<<30, 10))
		require.NoError(t, err)
	})
	l, err := cs.CoordinationV1().Leases("kube-node-lease").Get(ctx, "node-1", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, "node-1", *l.Spec.HolderIdentity)
	_, err = cs.CoordinationV1().Leases("kube-node-lease").Get(ctx, "node-2", metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err), "%v", err)
	ls, err := cs.CoordinationV1().Leases("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, ls.Items, 1)
	groups, err := cs.Discovery().ServerGroups()
	require.NoError(t, err)
	var names []string
	for _, g := range groups.Groups {
		names = append(names, g.Name)
	}
	require.Equal(t, []string{"", "apps", "coordination.k8s.io"}, names)
}

// A client's status write is stored, with a conflict for a stale copy,
// and the controller then writes the status it computes.
func TestStatusSubresource(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	deps, _ := create(t, ctx, cs, newDeployment("web", "web:1", 2))
	h.Do(func(c *rollsim.Cluster) { c.Advance(time.Minute) })
	d, err := deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	w, err := deps.Watch(ctx, metav1.ListOptions{ResourceVersion: d.ResourceVersion})
	require.NoError(t, err)
	defer w.Stop()

	stale := d.DeepCopy()
	d.Status.ReadyReplicas, d.Status.AvailableReplicas = 1, 1
	_, err = deps.UpdateStatus(ctx, d, metav1.UpdateOptions{})
	require.NoError(t, err)
	e := <-w.ResultChan()
	require.Equal(t, int32(1), e.Object.(*appsv1.Deployment).Status.AvailableReplicas, "the client's write")
	e = <-w.ResultChan()
	require.Equal(t, int32(2), e.Object.(*appsv1.Deployment).Status.AvailableReplicas, "the controller's")

	_, err = deps.UpdateStatus(ctx, stale, metav1.UpdateOptions{})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	stale.ResourceVersion = ""
	stale.Status.AvailableReplicas = 3
	_, err = deps.UpdateStatus(ctx, stale, metav1.UpdateOptions{})
	require.True(t, apierrors.IsInvalid(err), "%v", err)
	require.Contains(t, err.Error(), "status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas")
}

// A Handler put in front of a cluster that already holds objects knows
// their namespaces.
func TestHandlerKnowsTheNamespacesItFinds(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	d := fixture.Deployment("web", "web:1", 1)
	d.Namespace = "team-a"
	_, err := c.Apply(d)
	require.NoError(t, err)
	h := kubeapi.NewHandler(c, kubeapi.Options{})
	t.Cleanup(h.Close)
	cs, err := kubernetes.NewForConfig(h.RESTConfig())
	require.NoError(t, err)
	ctx := context.Background()
	ns, err := cs.CoreV1().Namespaces().Get(ctx, "team-a", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, rollsim.Epoch(), ns.CreationTimestamp.UTC())
	other := newDeployment("api", "api:1", 1)
	other.Namespace = "team-a"
	_, err = cs.AppsV1().Deployments("team-a").Create(ctx, other, metav1.CreateOptions{})
	require.NoError(t, err)
}

// An update from a copy of a Deployment since deleted and made again is
// a Conflict naming the UIDs, as the API server's UID precondition is.
func TestUpdateOfARecreatedObjectIsAConflict(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	deps, old := create(t, ctx, cs, newDeployment("web", "web:1", 1))
	require.NoError(t, deps.Delete(ctx, "web", metav1.DeleteOptions{}))
	_, again := create(t, ctx, cs, newDeployment("web", "web:1", 1))
	old.ResourceVersion = ""
	_, err := deps.Update(ctx, old, metav1.UpdateOptions{})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	require.EqualError(t, err, fmt.Sprintf(`Operation cannot be fulfilled on deployments.apps "web": StorageError: invalid object, Code: 4, Key: /registry/deployments/default/web, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: %s, UID in object meta: %s`, old.UID, again.UID))

	// A patch has no UID precondition: another UID is a change of an
	// immutable field.
	_, err = deps.Patch(ctx, "web", types.MergePatchType, []byte(`{"metadata":{"uid":"bogus"}}`), metav1.PatchOptions{})
	require.True(t, apierrors.IsInvalid(err), "%v", err)
	require.EqualError(t, err, `Deployment.apps "web" is invalid: metadata.uid: Invalid value: "bogus": field is immutable`)

	// A scale's UID is a precondition of its own.
	_, err = deps.UpdateScale(ctx, "web", &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: old.UID}, Spec: autoscalingv1.ScaleSpec{Replicas: 2}}, metav1.UpdateOptions{})
	require.True(t, apierrors.IsConflict(err), "%v", err)
	require.EqualError(t, err, fmt.Sprintf(`Operation cannot be fulfilled on deployments/scale.apps "web": Precondition failed: UID in precondition: %s, UID in object meta: %s`, old.UID, again.UID))
}

// A delete's options are honoured as the API server honours them: a dry
// run is refused (rollsim makes none) and changes nothing; a pod's
// grace period shortens its stay in Terminating, 0 removing it at once.
func TestDeleteOptions(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	h.Do(func(c *rollsim.Cluster) { c.SetPodShutdown(30 * time.Second) })
	deps, _ := create(t, ctx, cs, newDeployment("web", "web:1", 3))
	err := deps.Delete(ctx, "web", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}})
	require.True(t, apierrors.IsBadRequest(err), "%v", err)
	_, err = deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err, "a refused dry run deletes nothing")
	h.Do(func(c *rollsim.Cluster) { c.Advance(time.Minute) })

	pods := cs.CoreV1().Pods("default")
	l, err := pods.List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, l.Items, 3)
	// The default: the pod's own grace period, cut to the configured shutdown.
	require.NoError(t, pods.Delete(ctx, l.Items[0].Name, metav1.DeleteOptions{}))
	// Shorter, as kubectl delete --grace-period=5.
	require.NoError(t, pods.Delete(ctx, l.Items[1].Name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(5))}))
	// At once, as kubectl delete --grace-period=0 --force.
	require.NoError(t, pods.Delete(ctx, l.Items[2].Name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}))

	p, err := pods.Get(ctx, l.Items[0].Name, metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(30), *p.DeletionGracePeriodSeconds)
	p, err = pods.Get(ctx, l.Items[1].Name, metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(5), *p.DeletionGracePeriodSeconds)
	_, err = pods.Get(ctx, l.Items[2].Name, metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err), "%v", err)

	// A Terminating pod deleted again with grace 0 is gone at once.
	require.NoError(t, pods.Delete(ctx, l.Items[0].Name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}))
	_, err = pods.Get(ctx, l.Items[0].Name, metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err), "%v", err)
	h.Do(func(c *rollsim.Cluster) { c.Advance(5 * time.Second) })
	_, err = pods.Get(ctx, l.Items[1].Name, metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err), "gone after its 5s: %v", err)
}

// A create that carries a resourceVersion (a copy of an object read back)
// is refused with the storage's words, as the API server passes them on.
func TestCreateWithAResourceVersion(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	d := newDeployment("web", "web:1", 1)
	d.ResourceVersion = "5"
	_, err := cs.AppsV1().Deployments("default").Create(ctx, d, metav1.CreateOptions{})
	var se *apierrors.StatusError
	require.ErrorAs(t, err, &se)
	require.Equal(t, int32(http.StatusInternalServerError), se.ErrStatus.Code)
	require.EqualError(t, err, "resourceVersion should not be set on objects to be created")
	_, err = cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err), "%v", err)
}

// The health endpoints answer as a healthy API server's.
func TestHealth(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	for _, path := range []string{"/healthz", "/livez", "/readyz"} {
		b, err := cs.Discovery().RESTClient().Get().AbsPath(path).DoRaw(context.Background())
		require.NoError(t, err, path)
		require.Equal(t, "ok", string(b), path)
	}
	v, err := cs.Discovery().ServerVersion()
	require.NoError(t, err)
	require.Equal(t, kubeapi.KubeletVersion, v.GitVersion)
}

// One resourceVersion is one state of an object: a pod's ADDED event
// shows what a read of it at that version shows, here (no nodes) bound
// and its container being created.
func TestAWatchedPodIsTheReadOne(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	defer w.Stop()
	create(t, ctx, cs, newDeployment("web", "web:1", 1))
	e := <-w.ResultChan()
	require.Equal(t, watch.Added, e.Type)
	watched := e.Object.(*corev1.Pod)
	read, err := cs.CoreV1().Pods("default").Get(ctx, watched.Name, metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, read.ResourceVersion, watched.ResourceVersion)
	require.Equal(t, read.Status, watched.Status)
	require.Equal(t, "ContainerCreating", watched.Status.ContainerStatuses[0].State.Waiting.Reason)
}

// An event's resourceVersion, as any object's, is a place to list or
// watch from.
func TestListAndWatchFromAnEventsVersion(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	create(t, ctx, cs, newDeployment("web", "web:1", 1))
	evs, err := cs.CoreV1().Events("default").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, evs.Items)
	rv := evs.Items[len(evs.Items)-1].ResourceVersion
	require.Contains(t, rv, ".")
	_, err = cs.CoreV1().Events("default").List(ctx, metav1.ListOptions{ResourceVersion: rv})
	require.NoError(t, err)
	w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
	require.NoError(t, err)
	defer w.Stop()
	h.Do(func(c *rollsim.Cluster) { c.Advance(time.Minute) })
	e := <-w.ResultChan()
	after, _, _ := strings.Cut(rv, ".")
	got, err := strconv.ParseUint(e.Object.(*corev1.Pod).ResourceVersion, 10, 64)
	require.NoError(t, err)
	want, err := strconv.ParseUint(after, 10, 64)
	require.NoError(t, err)
	require.Greater(t, got, want, "only writes after the event's")
	_, err = cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{ResourceVersion: "4.x"})
	require.True(t, apierrors.IsBadRequest(err), "%v", err)
}

// A namespace keeps the labels and annotations it was created with, so
// that applying a manifest with a Namespace again changes nothing.
func TestNamespaceKeepsItsMetadata(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop",
		Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"note": "kept"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	ns, err := cs.CoreV1().Namespaces().Get(ctx, "shop", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"team": "a", "kubernetes.io/metadata.name": "shop"}, ns.Labels)
	require.Equal(t, map[string]string{"note": "kept"}, ns.Annotations)
}
