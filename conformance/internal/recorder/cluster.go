package recorder

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"
	"sync"
	"time"
	"unsafe"

	"github.com/go-logr/logr"

	appsv1 "k8s.io/api/apps/v1"
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

// workQueue stands in for a controller's work queue with client-go's
// semantics on the fake clock (util/workqueue: queue.go, delaying_queue.go,
// default_rate_limiters.go). The controllers' own event handlers and sync
// functions fill it; the driver (Settle) takes the queued keys in rounds
// instead of running worker goroutines, and turns every waiting entry into
// a timed event.
type workQueue struct {
	clock *fakeClock

	mu sync.Mutex
	// queued is the set of keys ready to be synced: adding a key that is
	// already queued changes nothing.
	queued map[string]bool
	// waiting holds one entry per key, the earliest asked for.
	waiting map[string]time.Time
	// failures counts the rate-limited adds of each key since it was last
	// forgotten.
	failures map[string]int

	// The limiter's shared token bucket: 10 per second, a burst of 100.
	bucketTokens float64
	bucketLast   time.Time
}

func newWorkQueue(clock *fakeClock) *workQueue {
	return &workQueue{clock: clock, queued: map[string]bool{}, waiting: map[string]time.Time{}, failures: map[string]int{}}
}

// Add queues key for a sync.
func (q *workQueue) Add(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queued[key] = true
}

// Len counts the queued keys.
func (q *workQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queued)
}

// The driver takes keys itself (take); the controllers' workers never run.
func (q *workQueue) Get() (string, bool) { return "", true }
func (q *workQueue) Done(string)         {}
func (q *workQueue) ShutDown()           {}
func (q *workQueue) ShutDownWithDrain()  {}
func (q *workQueue) ShuttingDown() bool  { return false }

// Forget clears the key's rate-limited adds; a waiting entry stays.
func (q *workQueue) Forget(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.failures, key)
}

// NumRequeues counts the key's rate-limited adds since it was forgotten.
func (q *workQueue) NumRequeues(key string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failures[key]
}

// AddAfter queues key once d has passed. As client-go's delaying queue, it
// keeps one waiting entry per key, the earliest: a later request is
// dropped, an earlier one replaces the entry; no delay means at once.
func (q *workQueue) AddAfter(key string, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addAfterLocked(key, d)
}

func (q *workQueue) addAfterLocked(key string, d time.Duration) {
	if d <= 0 {
		q.queued[key] = true
		return
	}
	at := q.clock.Now().Add(d)
	if w, ok := q.waiting[key]; ok && !at.Before(w) {
		return
	}
	q.waiting[key] = at
}

// AddRateLimited queues key after the default controller rate limiter's
// delay: the longer of 5ms doubling per rate-limited add since the key was
// last forgotten (capped at 1000s) and the delay of the queue's token
// bucket, whose reservation every such add takes.
func (q *workQueue) AddRateLimited(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.failures[key]
	q.failures[key] = n + 1
	d := 1000 * time.Second
	if n < 20 {
		d = min(d, (5*time.Millisecond)<<uint(n))
	}
	q.addAfterLocked(key, max(d, q.bucketDelayLocked()))
}

// bucketDelayLocked reserves a token of the bucket (10 per second, burst
// 100) on the fake clock and returns how long the reservation waits.
func (q *workQueue) bucketDelayLocked() time.Duration {
	now := q.clock.Now()
	if q.bucketLast.IsZero() {
		q.bucketTokens, q.bucketLast = 100, now
	}
	q.bucketTokens = min(100, q.bucketTokens+now.Sub(q.bucketLast).Seconds()*10)
	q.bucketLast = now
	q.bucketTokens--
	if q.bucketTokens >= 0 {
		return 0
	}
	return time.Duration(-q.bucketTokens / 10 * float64(time.Second))
}

// take empties the queue, returning its keys in name order.
func (q *workQueue) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	keys := make([]string, 0, len(q.queued))
	for k := range q.queued {
		keys = append(keys, k)
	}
	clear(q.queued)
	sort.Strings(keys)
	return keys
}

// nextWaiting returns the earliest waiting entry's instant.
func (q *workQueue) nextWaiting() (time.Time, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var next time.Time
	ok := false
	for _, at := range q.waiting {
		if !ok || at.Before(next) {
			next, ok = at, true
		}
	}
	return next, ok
}

// due queues every waiting key whose instant has come by at.
func (q *workQueue) due(at time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for k, w := range q.waiting {
		if !w.After(at) {
			delete(q.waiting, k)
			q.queued[k] = true
		}
	}
}

var _ workqueue.TypedRateLimitingInterface[string] = &workQueue{}

type timerKind int

// The recorder's kubelet events.
const (
	// timerPodStart: the pod's containers start (pod-startup after binding).
	timerPodStart timerKind = iota
	// timerPodReady: the readiness (or startup) probes have succeeded.
	timerPodReady
	// timerContainerExit: the crash-looping containers exit.
	timerContainerExit
	// timerContainerRestart: the crash-looping containers start again.
	timerContainerRestart
	// timerPodGone: a Terminating pod's containers have stopped; the
	// kubelet removes the pod.
	timerPodGone
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
	// crashing names the containers whose image crash-loops.
	crashing map[string]bool
	bound    bool
	// restarts counts the crash-looping containers' restarts.
	restarts int32
	// backoff is the current back-off of the crash-looping containers
	// (0: no back-off entry), lastRestart when they were last restarted.
	backoff     time.Duration
	lastRestart time.Time
	terminating bool
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
	// The controllers' work queues.
	dQueue, rsQueue *workQueue

	timers   []timer
	fired    int
	timerSeq int
	// dSyncs and rsSyncs count the controllers' syncs.
	dSyncs, rsSyncs int
	pods            map[string]*podState

	// PodStartup is the time from binding to Ready for pods created from now on.
	PodStartup time.Duration
	// NeverReady lists images whose pods never become Ready.
	NeverReady map[string]bool
	// PodShutdown is how long a pod deleted from now on stays Terminating
	// (at most its terminationGracePeriodSeconds); 0: gone at once.
	PodShutdown time.Duration
	// CrashLoop lists images whose containers exit pod-startup after they
	// start and are restarted with the kubelet's back-off.
	CrashLoop map[string]bool

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
		CrashLoop:  map[string]bool{},
	}
	c.srv = newServer(clock)
	c.srv.onPodCreating = c.bindOnCreate
	c.srv.onPodTerminating = c.terminating
	c.srv.onPodGone = c.forgetPod
	c.srv.isBound = func(name string) bool { st := c.pods[name]; return st != nil && st.bound }
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
	c.dQueue = newWorkQueue(clock)
	field(dc, "queue").Set(reflect.ValueOf(workqueue.TypedRateLimitingInterface[string](c.dQueue)))
	c.dc = dc
	c.dSync = field(dc, "syncHandler").Interface().(func(context.Context, string) error)

	rsc := replicaset.NewReplicaSetController(c.ctx, rsInf, pInf, c.srv.client, replicaset.BurstReplicas)
	field(rsc, "podControl").Set(reflect.ValueOf(controller.PodControlInterface(controller.RealPodControl{
		KubeClient: c.srv.client,
		Recorder:   &syncRecorder{},
	})))
	c.rsQueue = newWorkQueue(clock)
	field(rsc, "queue").Set(reflect.ValueOf(workqueue.TypedRateLimitingInterface[string](c.rsQueue)))
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

// Settle runs the controllers to a fixpoint at the current instant, as
// their workers would with caches that always hold the latest writes: in
// each round, every queued ReplicaSet key in name order, then every queued
// Deployment key in name order, until both queues are empty. A sync's
// error is handled as the controller's worker handles it: a successful
// sync forgets the key's rate-limited adds, a failed one is requeued
// rate-limited (the Deployment controller gives up after maxRetries).
func (c *Cluster) Settle() error {
	for round := 0; ; round++ {
		if round > 10000 {
			return fmt.Errorf("controllers did not settle")
		}
		c.schedulePending()
		rsKeys := c.rsQueue.take()
		for _, key := range rsKeys {
			c.rsSyncs++
			if err := c.rsSync(c.ctx, key); err != nil {
				if debugWrites {
					fmt.Fprintln(os.Stderr, "SYNC ERROR", key, err)
				}
				c.rsQueue.AddRateLimited(key)
			} else {
				c.rsQueue.Forget(key)
			}
		}
		dKeys := c.dQueue.take()
		for _, key := range dKeys {
			c.dSyncs++
			if debugWrites {
				fmt.Fprintln(os.Stderr, "SYNC", key, "at", c.Now().Sub(Start))
			}
			err := c.dSync(c.ctx, key)
			if err != nil && debugWrites {
				fmt.Fprintln(os.Stderr, "SYNC ERROR", key, err)
			}
			// The Deployment controller's handleErr.
			switch {
			case err == nil:
				c.dQueue.Forget(key)
			case c.dQueue.NumRequeues(key) < deploymentMaxRetries:
				c.dQueue.AddRateLimited(key)
			default:
				c.dQueue.Forget(key)
			}
		}
		if len(rsKeys) == 0 && len(dKeys) == 0 && c.rsQueue.Len() == 0 && c.dQueue.Len() == 0 {
			return nil
		}
	}
}

// deploymentMaxRetries is how many rate-limited retries of a failing key
// the Deployment controller makes before it drops the key.
const deploymentMaxRetries = 15

// nextTimer returns the earliest pending timed event: a kubelet event or a
// work queue's waiting entry.
func (c *Cluster) nextTimer() (time.Time, bool) {
	next, ok := time.Time{}, false
	for _, t := range c.timers {
		if !ok || t.at.Before(next) {
			next, ok = t.at, true
		}
	}
	for _, q := range []*workQueue{c.rsQueue, c.dQueue} {
		if at, has := q.nextWaiting(); has && (!ok || at.Before(next)) {
			next, ok = at, true
		}
	}
	return next, ok
}

// hasPodTimers tells whether a pod is still due to change in a way that
// can move a rollout: the kubelet is to start one, see one Ready or remove
// one, or the ReplicaSet controller waits to see one available. A crash
// loop's exits and restarts go on forever and make no pod Ready.
func (c *Cluster) hasPodTimers() bool {
	for _, t := range c.timers {
		if t.kind != timerContainerExit && t.kind != timerContainerRestart {
			return true
		}
	}
	_, ok := c.rsQueue.nextWaiting()
	return ok
}

// fireAt moves the clock to at, performs every timed event due then (the
// kubelet's in creation order; waiting keys become queued), and settles
// the controllers.
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
		c.kubeletEvent(t)
	}
	c.rsQueue.due(at)
	c.dQueue.due(at)
	return c.Settle()
}

// AdvanceTo moves the clock to t, stopping at every timed event on the way
// (and at t itself when events are due exactly then). The clock stop at t
// syncs nothing by itself.
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
