package kubeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
)

// Defaults of Options.
const (
	// DefaultWatchCache is how many recent writes a Handler keeps for
	// watches that resume from a resourceVersion.
	DefaultWatchCache = 10000
	// DefaultWatchBuffer is how many events a watcher may fall behind
	// before the Handler closes its watch.
	DefaultWatchBuffer = 1000
)

// Options tune a Handler. The zero Options is valid.
type Options struct {
	// WatchCache is how many of the latest writes are kept for watches
	// that start from a resourceVersion; an older one is answered 410
	// Gone, as the API server answers one its watch cache no longer
	// holds. 0 means DefaultWatchCache.
	WatchCache int
	// WatchBuffer is how many events may wait for one watcher; a watcher
	// further behind is closed, as the API server closes a watcher that
	// does not keep up, and the client watches again. 0 means
	// DefaultWatchBuffer.
	WatchBuffer int
	// Seed drives the suffixes of generated names (metadata.generateName).
	Seed uint64
	// Authorize, when set, is asked about every request before it is
	// served; false answers 401 Unauthorized.
	Authorize func(r *http.Request) bool
}

// Handler serves the Kubernetes REST API of a simulated cluster. The
// cluster is single-goroutine: the Handler serializes every request's use
// of it, and Do lends it to the caller under the same lock. Watches are
// fed from the cluster's commit point (Cluster.Watch) through bounded
// buffers, so a slow watcher never holds the cluster up.
type Handler struct {
	mu   sync.Mutex
	c    *rollsim.Cluster
	opts Options
	rng  *rand.Rand

	stopWatch  func()
	stopped    bool
	cache      []rollsim.WatchEvent // ring of the latest writes
	cacheStart int
	cacheLen   int
	oldest     uint64 // a watch may resume from this resourceVersion or later
	watchers   map[*watcher]struct{}
	events     []*corev1.Event
	eventNames map[string]int
	eventRV    uint64 // events are numbered after the writes
	namespaces map[string]metav1.Time
	// nsMeta holds the labels and annotations a client created a
	// namespace with (kubectl apply's last-applied configuration, say).
	nsMeta      map[string]metav1.ObjectMeta
	onActivity  func()
	activeCalls int
	activeWatch int
	// offers counts the events handed to watchers: the clock tells by it
	// a step that no client saw.
	offers uint64
}

// NewHandler returns a Handler serving c. From now on c must be used only
// through the Handler (Do) until Close.
func NewHandler(c *rollsim.Cluster, opts Options) *Handler {
	if opts.WatchCache <= 0 {
		opts.WatchCache = DefaultWatchCache
	}
	if opts.WatchBuffer <= 0 {
		opts.WatchBuffer = DefaultWatchBuffer
	}
	h := &Handler{
		c:          c,
		opts:       opts,
		rng:        rand.New(rand.NewPCG(opts.Seed, 0x67656e6e616d65)),
		cache:      make([]rollsim.WatchEvent, opts.WatchCache),
		oldest:     c.ResourceVersion(),
		watchers:   map[*watcher]struct{}{},
		eventNames: map[string]int{},
		namespaces: map[string]metav1.Time{},
		nsMeta:     map[string]metav1.ObjectMeta{},
	}
	for _, ns := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		h.namespaces[ns] = metav1.NewTime(rollsim.Epoch())
	}
	// The namespaces of objects the cluster already holds exist since the
	// first of their objects was created.
	var metas []*meta.ObjectMeta
	for _, d := range c.Deployments() {
		metas = append(metas, &d.ObjectMeta)
	}
	for _, rs := range c.ReplicaSets() {
		metas = append(metas, &rs.ObjectMeta)
	}
	for _, p := range c.Pods() {
		metas = append(metas, &p.ObjectMeta)
	}
	for _, m := range metas {
		ns := m.Namespace
		if ns == "" {
			ns = meta.DefaultNamespace
		}
		if t, ok := h.namespaces[ns]; !ok || m.CreationTimestamp.Before(t.Time) {
			h.namespaces[ns] = metav1.NewTime(m.CreationTimestamp.Truncate(time.Second))
		}
	}
	for _, e := range c.Events() {
		h.recordEvent(e)
	}
	h.stopWatch = c.Watch(h.committed)
	stopObserve := false
	c.Observe(func(e rollsim.Event) {
		if !stopObserve {
			h.recordEvent(e)
		}
	})
	prev := h.stopWatch
	h.stopWatch = func() { prev(); stopObserve = true }
	return h
}

// Do calls f with the cluster, holding the lock every request holds: the
// way for a test to move time (c.Advance) or read the cluster while
// clients run. Writes f makes reach watchers as a client's do.
func (h *Handler) Do(f func(c *rollsim.Cluster)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(h.c)
	h.activity()
}

// Close ends every watch and detaches the Handler from the cluster, which
// the caller may then use directly again. Requests after Close are
// answered 503.
func (h *Handler) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	h.stopped = true
	h.stopWatch()
	for w := range h.watchers {
		h.dropWatcher(w)
	}
}

// committed is the cluster's watch: it keeps the write in the cache and
// hands it to every watcher it concerns, closing a watcher whose buffer is
// full rather than waiting for it.
func (h *Handler) committed(e rollsim.WatchEvent) {
	if h.cacheLen == len(h.cache) {
		h.oldest = h.cache[h.cacheStart].ResourceVersion
		h.cacheStart = (h.cacheStart + 1) % len(h.cache)
		h.cacheLen--
	}
	h.cache[(h.cacheStart+h.cacheLen)%len(h.cache)] = e
	h.cacheLen++
	if e.Meta() != nil && e.Meta().Namespace != "" {
		h.noteNamespace(e.Meta().Namespace)
	}
	if len(h.watchers) == 0 {
		return
	}
	o := object{w: e, enc: &encodings{}}
	for w := range h.watchers {
		w.offer(h, o, e.Type)
	}
}

func (h *Handler) noteNamespace(ns string) {
	if _, ok := h.namespaces[ns]; !ok {
		h.namespaces[ns] = metav1.NewTime(h.c.Now())
	}
}

// recordEvent keeps an event as the API server stores it: named after its
// object and instant (made unique when several share both), with the UID
// of the object it is about.
func (h *Handler) recordEvent(e rollsim.Event) {
	ev := Event(e)
	if n := h.eventNames[ev.Name]; n > 0 {
		h.eventNames[ev.Name] = n + 1
		ev.Name += "." + strconv.Itoa(n)
	} else {
		h.eventNames[ev.Name] = 1
	}
	ev.UID = types.UID(meta.NewUID(h.rng))
	ev.InvolvedObject.UID = types.UID(h.uidOfObject(e.Kind, e.Namespace, e.Name))
	h.eventRV++
	ev.ResourceVersion = strconv.FormatUint(h.c.ResourceVersion(), 10) + "." + strconv.FormatUint(h.eventRV, 10)
	h.events = append(h.events, ev)
	if len(h.watchers) == 0 {
		return
	}
	o := object{ev: ev, enc: &encodings{}}
	for w := range h.watchers {
		w.offer(h, o, "ADDED")
	}
}

func (h *Handler) uidOfObject(kind, namespace, name string) (uid string) {
	switch kind {
	case "Deployment":
		h.c.ViewDeployment(namespace, name, func(d *deployment.Deployment) { uid = d.UID })
	case "ReplicaSet":
		if rs, err := h.c.ReplicaSet(namespace, name); err == nil {
			uid = rs.UID
		}
	case "Pod":
		if p, err := h.c.Pod(namespace, name); err == nil {
			uid = p.UID
		}
	case "Node":
		if n, err := h.c.Node(name); err == nil {
			uid = n.UID
		}
	}
	return uid
}

// ServeHTTP answers one API request. A fault in serving it is answered
// 500, as the API server answers one, rather than taking the process down.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			writeStatus(w, internalError(fmt.Errorf("%v", p)))
		}
	}()
	if h.opts.Authorize != nil && !h.opts.Authorize(r) {
		writeStatus(w, statusError(http.StatusUnauthorized, metav1.StatusReasonUnauthorized, "Unauthorized"))
		return
	}
	h.route(w, r)
}

// begin and end count the requests in flight, for a clock that moves
// only while every open request is a watch.
func (h *Handler) begin(watch bool) {
	h.mu.Lock()
	if watch {
		h.activeWatch++
	} else {
		h.activeCalls++
	}
	h.activity()
	h.mu.Unlock()
}

func (h *Handler) end(watch bool) {
	h.mu.Lock()
	if watch {
		h.activeWatch--
	} else {
		h.activeCalls--
	}
	h.activity()
	h.mu.Unlock()
}

// activity tells the clock, if one follows the Handler, that something
// changed; called with the lock held.
func (h *Handler) activity() {
	if h.onActivity != nil {
		h.onActivity()
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeStatus(w, internalError(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
	w.Write([]byte("\n"))
}

// splitPath returns the non-empty segments of p.
func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
