package rollsim

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/internal/controlloop"
)

// Epoch returns where a cluster's fake clock starts unless Config.Start
// says otherwise: 2024-01-01T00:00:00Z, as the conformance recorder's.
func Epoch() time.Time { return apiserver.Epoch() }

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
//
// A Cluster is the front of three parts: the API server's store and its
// commit point (internal/apiserver), the control loop that runs the
// controllers, the kubelet and the scheduler on the fake clock
// (internal/controlloop), and the event log and watchers here.
type Cluster struct {
	api  *apiserver.Server
	loop *controlloop.Loop

	maxEvents int
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
func (c *Cluster) Err() error {
	if ns := c.loop.NotSettled(); ns != nil && c.err == nil {
		c.err = &NotSettledError{At: ns.At, Rounds: ns.Rounds}
	}
	return c.err
}

// New returns an empty cluster whose clock reads cfg.Start.
func New(cfg Config) *Cluster {
	start := cfg.Start
	if start.IsZero() {
		start = Epoch()
	}
	c := &Cluster{maxEvents: cfg.MaxEvents}
	c.api = apiserver.New(cfg.Seed, start, cfg.Logger)
	c.api.Notify = c.notify
	c.loop = controlloop.New(c.api, cfg.DeploymentSync, c.Event)
	k := &c.loop.Kubelet
	k.Startup = cfg.PodStartup
	if k.Startup == 0 {
		k.Startup = DefaultPodStartup
	}
	k.Jitter = cfg.PodStartupJitter
	k.Shutdown = cfg.PodShutdown
	return c
}

// Now returns the fake clock's time.
func (c *Cluster) Now() time.Time { return c.api.Now }

// SetPodStartup sets how long pods created from now on take from binding
// to Ready.
// A negative d counts as 0.
func (c *Cluster) SetPodStartup(d time.Duration) { c.loop.Kubelet.Startup = max(d, 0) }

// SetPodStartupJitter spreads the start-up of pods created from now on
// uniformly over [PodStartup−j, PodStartup+j], drawn from the cluster's
// seed; 0 turns it off.
func (c *Cluster) SetPodStartupJitter(j time.Duration) { c.loop.Kubelet.Jitter = max(j, 0) }

// SetPodShutdown sets how long a pod deleted from now on stays
// Terminating: d, or its terminationGracePeriodSeconds if shorter; 0 (the
// default) removes deleted pods at once.
func (c *Cluster) SetPodShutdown(d time.Duration) { c.loop.Kubelet.Shutdown = max(d, 0) }

// SetCrashLoop marks an image whose containers exit once started and are
// restarted with the kubelet's back-off; its pods are never Ready.
func (c *Cluster) SetCrashLoop(image string) { c.loop.Kubelet.SetCrashLoop(image) }

// PodStartup returns how long new pods take from binding to Ready.
func (c *Cluster) PodStartup() time.Duration { return c.loop.Kubelet.Startup }

// SetNeverReady marks an image as broken: pods running it start but never
// become Ready.
func (c *Cluster) SetNeverReady(image string) { c.loop.Kubelet.SetNeverReady(image) }

// Batch makes the changes f makes as one: the controllers run only after f
// returns, as they would after `kubectl apply` of a file with several
// objects. A Batch inside f is part of the outer one.
func (c *Cluster) Batch(f func() error) error {
	if f == nil {
		return nilObject("batch")
	}
	return c.loop.Batch(f)
}
