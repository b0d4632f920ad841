package rollsim

import (
	"context"
	"fmt"
	"log/slog"
	mathrand "math/rand"
	"math/rand/v2"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/internal/workqueue"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// Epoch returns where a cluster's fake clock starts unless Config.Start
// says otherwise: 2024-01-01T00:00:00Z, as the conformance recorder's.
func Epoch() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }

// DefaultPodStartup is how long a pod takes from binding to Ready unless
// Config.PodStartup says otherwise.
const DefaultPodStartup = time.Second

// Config sets up a Cluster. The zero Config is valid.
type Config struct {
	// Seed drives every random choice (pod names, UIDs): the same seed and
	// the same calls give the same cluster. Pod name suffixes are drawn
	// from the API server's alphabet by math/rand seeded with Seed, so
	// seed 1 names pods as the conformance recorder does.
	Seed uint64
	// Start is the fake clock's first instant; zero means Epoch().
	Start time.Time
	// PodStartup is how long after binding a pod's containers start (and
	// it becomes Ready, unless probes make it wait); zero means
	// DefaultPodStartup.
	PodStartup time.Duration
	// PodStartupJitter, when positive, spreads each pod's start-up
	// uniformly over [PodStartup−PodStartupJitter, PodStartup+PodStartupJitter],
	// drawn from Seed.
	PodStartupJitter time.Duration
	// PodShutdown is how long a deleted pod stays Terminating (at most its
	// terminationGracePeriodSeconds); zero removes deleted pods at once.
	PodShutdown time.Duration
	// Logger receives a debug line for every event and write; nil is silent.
	Logger *slog.Logger
	// MaxEvents bounds the event log, dropping the oldest events; 0 keeps
	// every event.
	MaxEvents int
	// DeploymentSync replaces the Deployment controller's sync: the cluster
	// calls it wherever it would call deployment.Sync. Nil means
	// deployment.Sync. It lets a test wrap the controller, to try a custom
	// strategy or to check that an invariant catches a broken controller.
	DeploymentSync func(env deployment.Env, d *deployment.Deployment) error
}

// Cluster is an in-process Kubernetes control plane for Deployments,
// ReplicaSets, Pods and Nodes on a fake clock. It is a state machine: every
// method runs to completion on the calling goroutine, and it is not safe
// for concurrent use. See the package documentation for the caller's duties.
type Cluster struct {
	now        time.Time
	rng        *rand.Rand
	names      *mathrand.Rand
	log        *slog.Logger
	kubelet    kubelet.Kubelet
	maxEvents  int
	syncDeploy func(deployment.Env, *deployment.Deployment) error
	customSync bool // syncDeploy is Config.DeploymentSync
	batching   bool

	// Scheduling: pods waiting for room (oldest first; bound or deleted
	// ones are dropped lazily), pods per node, and active pods per owner
	// and node for the deletion ranking.
	pending      []*pod.Pod
	pendingCount int
	roomChanged  bool
	onNode       map[string]map[*pod.Pod]struct{}
	colo         map[string]map[string]int

	uidSeq   uint64
	indexSeq uint64
	rv       uint64

	deployments map[objKey]*deployment.Deployment
	replicaSets map[objKey]*replicaset.ReplicaSet
	rsByOwner   map[string][]*replicaset.ReplicaSet
	pods        map[objKey]*pod.Pod
	sched       *scheduler.Scheduler

	timers timerQueue
	// The controllers' work queues: the keys queued for a sync, and the
	// Deployment controller's waiting entries (one per Deployment) and
	// rate limiter.
	dirtyRS     workqueue.Set[*replicaset.ReplicaSet]
	dirtyDeploy workqueue.Set[*deployment.Deployment]
	requeues    workqueue.Waiting[*deployment.Deployment]
	limiter     workqueue.RateLimiter[*deployment.Deployment]
	// The objects one round of reconcile syncs, kept for the next round.
	syncRS   []*replicaset.ReplicaSet
	syncDeps []*deployment.Deployment
	syncing  *deployment.Deployment // the stored Deployment being synced
	stats    Stats

	events    eventLog
	observers []func(Event)
	watchers  []watcher
	watchSeq  uint64
	// err is the first NotSettledError, kept for Err.
	err error
}

// NotSettledError reports that the controllers kept finding work at one
// instant until the cluster gave up: a controller (usually a replacement
// Config.DeploymentSync) that rewrites what it reads never settles. The
// cluster's state after it is whatever the last round left.
type NotSettledError struct {
	// At is the fake instant the controllers did not settle at.
	At time.Time
	// Rounds is how many rounds of syncs ran before the cluster gave up.
	Rounds int
}

func (e *NotSettledError) Error() string {
	return fmt.Sprintf("the controllers did not settle at %s after %d rounds of syncs", e.At.Format(time.RFC3339Nano), e.Rounds)
}

// Err returns the *NotSettledError of the first instant at which the
// controllers did not settle, or nil: once it is set, what the cluster
// shows may be the middle of a loop rather than a state at rest.
func (c *Cluster) Err() error { return c.err }

type objKey struct{ namespace, name string }

// New returns an empty cluster whose clock reads cfg.Start.
func New(cfg Config) *Cluster {
	c := &Cluster{
		now:         cfg.Start,
		rng:         rand.New(rand.NewPCG(cfg.Seed, 0x726f6c6c73696d)),
		names:       mathrand.New(mathrand.NewSource(int64(cfg.Seed))),
		log:         cfg.Logger,
		maxEvents:   cfg.MaxEvents,
		syncDeploy:  cfg.DeploymentSync,
		deployments: map[objKey]*deployment.Deployment{},
		replicaSets: map[objKey]*replicaset.ReplicaSet{},
		rsByOwner:   map[string][]*replicaset.ReplicaSet{},
		pods:        map[objKey]*pod.Pod{},
		onNode:      map[string]map[*pod.Pod]struct{}{},
		colo:        map[string]map[string]int{},
	}
	if c.now.IsZero() {
		c.now = Epoch()
	}
	c.customSync = c.syncDeploy != nil
	if c.syncDeploy == nil {
		c.syncDeploy = (&deployment.Controller{RememberNewReplicaSet: true}).Sync
	}
	c.kubelet.Startup = cfg.PodStartup
	if c.kubelet.Startup == 0 {
		c.kubelet.Startup = DefaultPodStartup
	}
	c.kubelet.Jitter = cfg.PodStartupJitter
	c.kubelet.Shutdown = cfg.PodShutdown
	c.kubelet.Draw = c.rng.Uint64
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.sched = scheduler.New()
	return c
}

// Now returns the fake clock's time.
func (c *Cluster) Now() time.Time { return c.now }

// SetPodStartup sets how long pods created from now on take from binding
// to Ready.
// A negative d counts as 0.
func (c *Cluster) SetPodStartup(d time.Duration) { c.kubelet.Startup = max(d, 0) }

// SetPodStartupJitter spreads the start-up of pods created from now on
// uniformly over [PodStartup−j, PodStartup+j], drawn from the cluster's
// seed; 0 turns it off.
func (c *Cluster) SetPodStartupJitter(j time.Duration) { c.kubelet.Jitter = max(j, 0) }

// SetPodShutdown sets how long a pod deleted from now on stays
// Terminating: d, or its terminationGracePeriodSeconds if shorter; 0 (the
// default) removes deleted pods at once.
func (c *Cluster) SetPodShutdown(d time.Duration) { c.kubelet.Shutdown = max(d, 0) }

// SetCrashLoop marks an image whose containers exit once started and are
// restarted with the kubelet's back-off; its pods are never Ready.
func (c *Cluster) SetCrashLoop(image string) { c.kubelet.SetCrashLoop(image) }

// PodStartup returns how long new pods take from binding to Ready.
func (c *Cluster) PodStartup() time.Duration { return c.kubelet.Startup }

// SetNeverReady marks an image as broken: pods running it start but never
// become Ready.
func (c *Cluster) SetNeverReady(image string) { c.kubelet.SetNeverReady(image) }

func (c *Cluster) debug(msg string, args ...any) {
	if c.log.Enabled(context.Background(), slog.LevelDebug) {
		c.log.Debug(msg, append(args, "time", c.now.Sub(Epoch()))...)
	}
}

func (c *Cluster) nextUID() string {
	c.uidSeq++
	return meta.NewUID(c.rng)
}

func (c *Cluster) nextIndex() uint64 {
	c.indexSeq++
	return c.indexSeq
}

// Batch makes the changes f makes as one: the controllers run only after f
// returns, as they would after `kubectl apply` of a file with several
// objects. A Batch inside f is part of the outer one.
func (c *Cluster) Batch(f func() error) error {
	if f == nil {
		return fmt.Errorf("batch: %w", ErrNilObject)
	}
	if c.batching {
		return f()
	}
	c.batching = true
	err := f()
	c.batching = false
	c.reconcile()
	return err
}
