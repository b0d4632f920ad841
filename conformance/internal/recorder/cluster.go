package recorder

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/go-logr/logr"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller"
	"k8s.io/kubernetes/pkg/controller/deployment"
	"k8s.io/kubernetes/pkg/controller/replicaset"
)

// Start is the instant every scenario begins at.
var Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeClock is the scenario's clock; only the driver moves it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// The Deployment controller reads the time through two package variables;
// they are pointed at the fake clock of the running scenario.
//
//go:linkname deploymentNowFn k8s.io/kubernetes/pkg/controller/deployment.nowFn
var deploymentNowFn func() time.Time

//go:linkname deploymentUtilNowFn k8s.io/kubernetes/pkg/controller/deployment/util.nowFn
var deploymentUtilNowFn func() time.Time

// field gives write access to an unexported struct field.
func field(obj interface{}, name string) reflect.Value {
	v := reflect.ValueOf(obj).Elem().FieldByName(name)
	if !v.IsValid() {
		panic("recorder: no field " + name)
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// recordedEvent is one event a controller recorded.
type recordedEvent struct {
	kind, name             string
	eventType, reason, msg string
}

// syncRecorder records events synchronously, in the order they are made.
type syncRecorder struct {
	sink func(recordedEvent)
}

func (r *syncRecorder) Event(obj runtime.Object, eventtype, reason, message string) {
	if r.sink == nil {
		return
	}
	e := recordedEvent{eventType: eventtype, reason: reason, msg: message}
	switch o := obj.(type) {
	case *appsv1.Deployment:
		e.kind, e.name = "Deployment", o.Name
	case *appsv1.ReplicaSet:
		e.kind, e.name = "ReplicaSet", o.Name
	}
	r.sink(e)
}

func (r *syncRecorder) Eventf(obj runtime.Object, eventtype, reason, messageFmt string, args ...interface{}) {
	r.Event(obj, eventtype, reason, fmt.Sprintf(messageFmt, args...))
}

func (r *syncRecorder) AnnotatedEventf(obj runtime.Object, _ map[string]string, eventtype, reason, messageFmt string, args ...interface{}) {
	r.Eventf(obj, eventtype, reason, messageFmt, args...)
}

func (r *syncRecorder) WithLogger(klog.Logger) record.EventRecorderLogger { return r }

// delayQueue stands in for a controller's work queue. The driver syncs every
// key in every round, so plain adds are dropped; delayed adds become timed
// events on the fake clock (the Deployment controller's progress re-checks).
type delayQueue struct {
	owner    *Cluster
	keepTime bool
	requeues map[string]int

	bucketTokens float64
	bucketLast   time.Time
}

func (q *delayQueue) Add(string)                 {}
func (q *delayQueue) Len() int                   { return 0 }
func (q *delayQueue) Get() (string, bool)        { return "", true }
func (q *delayQueue) Done(string)                {}
func (q *delayQueue) ShutDown()                  {}
func (q *delayQueue) ShutDownWithDrain()         {}
func (q *delayQueue) ShuttingDown() bool         { return true }
func (q *delayQueue) Forget(key string)          { delete(q.requeues, key) }
func (q *delayQueue) NumRequeues(key string) int { return q.requeues[key] }

// AddAfter keeps, like client-go's delaying queue, one waiting entry per
// key: the earliest one.
func (q *delayQueue) AddAfter(key string, d time.Duration) {
	if !q.keepTime {
		return
	}
	at := q.owner.clock.Now().Add(d)
	c := q.owner
	for i, t := range c.timers {
		if t.kind == timerCheck && t.key == key {
			if !at.Before(t.at) {
				return
			}
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			break
		}
	}
	c.addTimer(at, timerCheck, key)
}

// AddRateLimited models the default controller rate limiter: the larger of
// 5ms doubling per failure (reset by Forget after every successful sync) and
// the delay of a shared 10/s token bucket with a burst of 100.
//
// Upstream asks for such a requeue when less than a second is left before
// the progress deadline, and also, endlessly, when a finished rollout is
// scaled up and its new pods never become available: a deployment whose
// Progressing reason is NewReplicaSetAvailable can never time out, so those
// polls change nothing and are not turned into timed events.
func (q *delayQueue) AddRateLimited(key string) {
	if q.keepTime && !q.owner.canTimeOut(key) {
		return
	}
	n := q.requeues[key]
	q.requeues[key] = n + 1
	d := (5 * time.Millisecond) << uint(n)
	if b := q.bucketDelay(); b > d {
		d = b
	}
	q.AddAfter(key, d)
}

// bucketDelay is the default limiter's other half: a token bucket of 10 per
// second with a burst of 100, shared by all keys, on the fake clock.
func (q *delayQueue) bucketDelay() time.Duration {
	now := q.owner.clock.Now()
	if q.bucketLast.IsZero() {
		q.bucketTokens, q.bucketLast = 100, now
	}
	q.bucketTokens += now.Sub(q.bucketLast).Seconds() * 10
	if q.bucketTokens > 100 {
		q.bucketTokens = 100
	}
	q.bucketLast = now
	q.bucketTokens--
	if q.bucketTokens >= 0 {
		return 0
	}
	return time.Duration(-q.bucketTokens / 10 * float64(time.Second))
}

var _ workqueue.TypedRateLimitingInterface[string] = &delayQueue{}

type timerKind int

const (
	timerPodReady timerKind = iota
	timerPodAvailable
	timerCheck
)

type timer struct {
	at   time.Time
	seq  int
	kind timerKind
	key  string
}

// podState is the recorder's kubelet view of one pod.
type podState struct {
	startup    time.Duration
	neverReady bool
	readyAt    time.Time
	bound      bool
}

// Cluster runs upstream's Deployment and ReplicaSet controllers over the
// in-process API server on a fake clock.
type Cluster struct {
	ctx    context.Context
	clock  *fakeClock
	srv    *server
	dc     *deployment.DeploymentController
	rsc    *replicaset.ReplicaSetController
	dSync  func(context.Context, string) error
	rsSync func(context.Context, string) error
	dQueue *delayQueue

	timers   []timer
	fired    int
	timerSeq int
	pods     map[string]*podState

	// PodStartup is the time from binding to Ready for pods created from now on.
	PodStartup time.Duration
	// NeverReady lists images whose pods never become Ready.
	NeverReady map[string]bool

	// OnEvent receives every event the Deployment controller records.
	OnEvent func(eventType, reason, msg string)
}

var gateOnce sync.Once

// maxTimedEvents bounds one run, so that a runaway scenario fails instead of hanging.
const maxTimedEvents = 100000

// NewCluster builds the controllers as kube-controller-manager does, without
// starting their workers or informers.
func NewCluster() (*Cluster, error) {
	var gateErr error
	gateOnce.Do(func() {
		// Controller logs (and the metrics re-registration complaint of
		// every new ReplicaSet controller) are not part of a trace.
		klog.SetLogger(logr.Discard())
		// The consistency store needs informer resource versions the
		// never-started informers do not have; the caches here are never stale.
		gateErr = utilfeature.DefaultMutableFeatureGate.SetFromMap(map[string]bool{"StaleControllerConsistencyReplicaSet": false})
	})
	if gateErr != nil {
		return nil, gateErr
	}
	clock := &fakeClock{now: Start}
	deploymentNowFn = clock.Now
	deploymentUtilNowFn = clock.Now
	c := &Cluster{
		ctx:        context.Background(),
		clock:      clock,
		pods:       map[string]*podState{},
		PodStartup: time.Second,
		NeverReady: map[string]bool{},
	}
	c.srv = newServer(clock)
	c.srv.onPodCreating = c.bindOnCreate
	dInf := deploymentInformer{c.srv.informers[resDeployments]}
	rsInf := replicaSetInformer{c.srv.informers[resReplicaSets]}
	pInf := podInformer{c.srv.informers[resPods]}

	dc, err := deployment.NewDeploymentController(c.ctx, dInf, rsInf, pInf, c.srv.client)
	if err != nil {
		return nil, err
	}
	rec := &syncRecorder{sink: func(e recordedEvent) {
		if e.kind == "Deployment" && c.OnEvent != nil {
			c.OnEvent(e.eventType, e.reason, e.msg)
		}
	}}
	field(dc, "eventRecorder").Set(reflect.ValueOf(record.EventRecorderLogger(rec)))
	field(dc, "rsControl").Set(reflect.ValueOf(controller.RSControlInterface(controller.RealRSControl{KubeClient: c.srv.client, Recorder: rec})))
	c.dQueue = &delayQueue{owner: c, keepTime: true, requeues: map[string]int{}}
	field(dc, "queue").Set(reflect.ValueOf(workqueue.TypedRateLimitingInterface[string](c.dQueue)))
	c.dc = dc
	c.dSync = field(dc, "syncHandler").Interface().(func(context.Context, string) error)

	rsc := replicaset.NewReplicaSetController(c.ctx, rsInf, pInf, c.srv.client, replicaset.BurstReplicas)
	field(rsc, "podControl").Set(reflect.ValueOf(controller.PodControlInterface(controller.RealPodControl{
		KubeClient: c.srv.client,
		Recorder:   &syncRecorder{},
	})))
	field(rsc, "queue").Set(reflect.ValueOf(workqueue.TypedRateLimitingInterface[string](&delayQueue{owner: c, requeues: map[string]int{}})))
	field(rsc, "clock").Set(reflect.ValueOf(clock))
	c.rsc = rsc
	c.rsSync = field(rsc, "syncHandler").Interface().(func(context.Context, string) error)
	return c, nil
}

// Now is the fake time.
func (c *Cluster) Now() time.Time { return c.clock.Now() }

func (c *Cluster) addTimer(at time.Time, kind timerKind, key string) {
	for _, t := range c.timers {
		if t.at.Equal(at) && t.kind == kind && t.key == key {
			return
		}
	}
	c.timerSeq++
	c.timers = append(c.timers, timer{at: at, seq: c.timerSeq, kind: kind, key: key})
}

// Settle runs the controllers to a fixpoint at the current instant: rounds of
// every ReplicaSet key in name order, then every Deployment key in name
// order, until a round commits no write and no sync fails.
func (c *Cluster) Settle() error {
	for round := 0; ; round++ {
		if round > 10000 {
			return fmt.Errorf("controllers did not settle")
		}
		before := c.srv.writeCount()
		failed := false
		c.schedulePending()
		for _, key := range c.keys(resReplicaSets) {
			if err := c.rsSync(c.ctx, key); err != nil {
				if debugWrites {
					fmt.Fprintln(os.Stderr, "SYNC ERROR", key, err)
				}
				failed = true
			}
		}
		for _, key := range c.keys(resDeployments) {
			if err := c.dSync(c.ctx, key); err != nil {
				if debugWrites {
					fmt.Fprintln(os.Stderr, "SYNC ERROR", key, err)
				}
				failed = true
			} else {
				c.dQueue.Forget(key)
			}
		}
		if !failed && c.srv.writeCount() == before {
			return nil
		}
	}
}

func (c *Cluster) keys(res string) []string {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	var keys []string
	for _, n := range c.srv.sortedNames(res) {
		keys = append(keys, keyOf(c.srv.objs[res][n]))
	}
	return keys
}

// nextTimer returns the earliest pending timed event.
func (c *Cluster) nextTimer() (time.Time, bool) {
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	min := c.timers[0].at
	for _, t := range c.timers[1:] {
		if t.at.Before(min) {
			min = t.at
		}
	}
	return min, true
}

// hasPodTimers tells whether a pod is still due to change.
func (c *Cluster) hasPodTimers() bool {
	for _, t := range c.timers {
		if t.kind != timerCheck {
			return true
		}
	}
	return false
}

// fireAt moves the clock to at, performs every timed event due then in
// creation order, and settles the controllers.
func (c *Cluster) fireAt(at time.Time) error {
	c.fired++
	if c.fired > maxTimedEvents {
		return fmt.Errorf("more than %d timed events: the scenario does not settle", maxTimedEvents)
	}
	c.clock.set(at)
	if debugWrites {
		fmt.Fprintln(os.Stderr, "CLOCK", at.Sub(Start))
	}
	var due, rest []timer
	for _, t := range c.timers {
		if !t.at.After(at) {
			due = append(due, t)
		} else {
			rest = append(rest, t)
		}
	}
	c.timers = rest
	sort.SliceStable(due, func(i, j int) bool {
		if !due[i].at.Equal(due[j].at) {
			return due[i].at.Before(due[j].at)
		}
		return due[i].seq < due[j].seq
	})
	for _, t := range due {
		if t.kind == timerPodReady {
			c.makeReady(t.key)
		}
	}
	return c.Settle()
}

// AdvanceTo moves the clock to t, stopping at every timed event on the way
// (and at t itself when events are due exactly then).
func (c *Cluster) AdvanceTo(t time.Time) error {
	for {
		next, ok := c.nextTimer()
		if !ok || next.After(t) {
			break
		}
		if err := c.fireAt(next); err != nil {
			return err
		}
	}
	if t.After(c.clock.Now()) {
		c.clock.set(t)
	}
	return nil
}

// Step performs the next timed event; it reports false when none is left.
func (c *Cluster) Step() (bool, error) {
	next, ok := c.nextTimer()
	if !ok {
		return false, nil
	}
	return true, c.fireAt(next)
}

// makeReady is the kubelet's report that a pod's containers started.
func (c *Cluster) makeReady(name string) {
	st := c.pods[name]
	if st == nil {
		return
	}
	c.srv.mu.Lock()
	cur, ok := c.srv.objs[resPods][name]
	c.srv.mu.Unlock()
	if !ok {
		return
	}
	p := cur.(*corev1.Pod).DeepCopy()
	now := c.clock.Now()
	p.Status.Phase = corev1.PodRunning
	ready := corev1.ConditionTrue
	if st.neverReady {
		ready = corev1.ConditionFalse
	}
	stamp := metav1.NewTime(now.Truncate(time.Second))
	p.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: stamp},
		{Type: corev1.ContainersReady, Status: ready, LastTransitionTime: stamp},
		{Type: corev1.PodReady, Status: ready, LastTransitionTime: stamp},
	}
	p.Status.StartTime = &stamp
	if _, err := c.srv.client.CoreV1().Pods(p.Namespace).UpdateStatus(c.ctx, p, metav1.UpdateOptions{}); err != nil {
		return
	}
	if st.neverReady {
		return
	}
	st.readyAt = now
	// The pod counts as available once it has been Ready for minReadySeconds
	// (measured from the stored, second-precision transition time).
	if mrs := c.minReadySecondsOf(p); mrs > 0 {
		c.addTimer(stamp.Add(time.Duration(mrs)*time.Second), timerPodAvailable, name)
	}
}

func (c *Cluster) minReadySecondsOf(p *corev1.Pod) int32 {
	ref := metav1.GetControllerOf(p)
	if ref == nil {
		return 0
	}
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	if rs, ok := c.srv.objs[resReplicaSets][ref.Name].(*appsv1.ReplicaSet); ok {
		return rs.Spec.MinReadySeconds
	}
	return 0
}

// canTimeOut tells whether a deployment's progress check could still flip
// it to ProgressDeadlineExceeded.
func (c *Cluster) canTimeOut(key string) bool {
	_, name, _ := strings.Cut(key, "/")
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	d, ok := c.srv.objs[resDeployments][name].(*appsv1.Deployment)
	if !ok {
		return false
	}
	for _, cond := range d.Status.Conditions {
		if cond.Type == appsv1.DeploymentProgressing {
			return cond.Reason != "NewReplicaSetAvailable" && cond.Reason != "ProgressDeadlineExceeded"
		}
	}
	return false
}
