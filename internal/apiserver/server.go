// Package apiserver is the simulated cluster's API server: it stores
// Deployments, ReplicaSets and Pods (the scheduler's table holds Nodes),
// fills in what the API server sets on create, defaults and validates a
// client's objects, and passes every write through one commit point that
// checks the writer's resourceVersion, gives the object the next one and
// tells the control loop's event handlers and the cluster's watchers.
// It keeps no clock of its own: Now is set by whoever moves time.
package apiserver

import (
	"context"
	"log/slog"
	mathrand "math/rand"
	"math/rand/v2"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// Epoch is where a cluster's fake clock starts unless told otherwise:
// 2024-01-01T00:00:00Z, as the conformance recorder's.
func Epoch() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }

// Key names a namespaced object.
type Key struct{ Namespace, Name string }

// KeyOf returns the key of an object's metadata, in the default namespace
// when it names none.
func KeyOf(m *meta.ObjectMeta) Key { return Key{Namespace(m.Namespace), m.Name} }

// Namespace returns ns, or the default namespace for "".
func Namespace(ns string) string {
	if ns == "" {
		return meta.DefaultNamespace
	}
	return ns
}

// Server holds the stored objects. Its maps are the stored objects
// themselves: the control loop reads them as upstream's controllers read
// their informers' caches, and changes them only through writes that end
// in Committed.
type Server struct {
	// Now is the fake clock's reading, which stamps every write.
	Now time.Time
	// Log receives a debug line for every write.
	Log *slog.Logger
	// Handle is called with every committed write before the watchers
	// are told: the control loop's event handlers, which queue syncs.
	Handle func(Change)
	// Notify, when set, is called last with every committed write and
	// its resourceVersion: the cluster's watchers.
	Notify func(Change)

	Deployments map[Key]*deployment.Deployment
	ReplicaSets map[Key]*replicaset.ReplicaSet
	// ByOwner lists the ReplicaSets of each Deployment, by the
	// Deployment's UID, in creation order.
	ByOwner map[string][]*replicaset.ReplicaSet
	Pods    map[Key]*pod.Pod
	// Nodes is the scheduler, whose table stores the Node objects.
	Nodes *scheduler.Scheduler

	rng      *rand.Rand
	names    *mathrand.Rand
	indexSeq uint64
	rv       uint64
	writes   int
}

// New returns an empty API server whose random choices (UIDs, generated
// names, start-up jitter through Draw) come from seed.
func New(seed uint64, now time.Time, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{
		Now:         now,
		Log:         log,
		rng:         rand.New(rand.NewPCG(seed, 0x726f6c6c73696d)),
		names:       mathrand.New(mathrand.NewSource(int64(seed))),
		Deployments: map[Key]*deployment.Deployment{},
		ReplicaSets: map[Key]*replicaset.ReplicaSet{},
		ByOwner:     map[string][]*replicaset.ReplicaSet{},
		Pods:        map[Key]*pod.Pod{},
		Nodes:       scheduler.New(),
	}
}

// Draw returns a uniformly distributed uint64 from the server's seed; the
// kubelet's start-up jitter shares it, so that one seed fixes everything.
func (s *Server) Draw() uint64 { return s.rng.Uint64() }

// NewUID returns a fresh object UID.
func (s *Server) NewUID() string { return meta.NewUID(s.rng) }

// NameDraw draws one character index of a generated name, as the API
// server's names are drawn.
func (s *Server) NameDraw() uint64 { return uint64(s.names.Intn(pod.NameAlphabetLen)) }

// Created fills the metadata the API server sets on create.
func (s *Server) Created(m *meta.ObjectMeta) {
	m.Namespace = Namespace(m.Namespace)
	m.UID = s.NewUID()
	m.CreationTimestamp = s.Now
	s.indexSeq++
	m.CreationIndex = s.indexSeq
	m.Generation = 1
}

// ResourceVersion returns the resourceVersion of the last committed write.
func (s *Server) ResourceVersion() uint64 { return s.rv }

// Writes counts the committed writes.
func (s *Server) Writes() int { return s.writes }

// DebugOn reports whether the logger takes debug lines, so that callers
// build a line's arguments (which allocates) only when it does.
func (s *Server) DebugOn() bool { return s.Log.Enabled(context.Background(), slog.LevelDebug) }

// Debug logs a debug line stamped with the fake time since Epoch.
func (s *Server) Debug(msg string, args ...any) {
	if s.DebugOn() {
		s.Log.Debug(msg, append(args, "time", s.Now.Sub(Epoch()))...)
	}
}
