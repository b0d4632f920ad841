package kubeapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/rollsim/rollsim"
)

// watcher is one open watch. The cluster's goroutine (whoever holds the
// lock) offers it events; the request's goroutine writes them out.
type watcher struct {
	res       *resource
	namespace string
	labels    labels.Selector
	fields    fields.Selector
	ch        chan item
	closed    bool
	// seen holds the objects a selective watch has reported as present,
	// so that an object leaving or entering its selection is reported as
	// deleted or added, as the API server's watch cache does.
	seen map[string]bool
	// pending counts the events offered and not yet written.
	pending int
}

type item struct {
	typ string
	o   object
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func (w *watcher) selective() bool { return !w.labels.Empty() || !w.fields.Empty() }

// offer hands o to the watcher if it concerns it; a watcher whose buffer
// is full is closed. Called with the lock held.
func (w *watcher) offer(h *Handler, o object, typ rollsim.WatchEventType) {
	if w.closed || o.kind() != w.res.kind || (w.namespace != "" && o.namespace() != w.namespace) {
		return
	}
	t := string(typ)
	if w.selective() {
		key := o.namespace() + "/" + o.name()
		was, now := w.seen[key], matches(o, w.labels, w.fields)
		switch {
		case typ == rollsim.Deleted && !was, typ != rollsim.Deleted && !was && !now:
			return
		case typ == rollsim.Deleted || !now:
			t = string(rollsim.Deleted)
			delete(w.seen, key)
		case !was:
			t = string(rollsim.Added)
			w.seen[key] = true
		}
	}
	select {
	case w.ch <- item{t, o}:
		w.pending++
		h.offers++
	default:
		h.dropWatcher(w)
	}
}

func (h *Handler) dropWatcher(w *watcher) {
	if w.closed {
		return
	}
	w.closed = true
	close(w.ch)
	delete(h.watchers, w)
}

// rawWatchEvent is a watch event whose object is encoded already.
type rawWatchEvent struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

type watchEvent struct {
	Type   string         `json:"type"`
	Object runtime.Object `json:"object"`
}

// watch serves a watch: first the initial events the request asks for
// (the current objects, or the cached writes after its resourceVersion),
// then every write as it is committed, until the client goes, the
// timeout passes, or the watcher falls too far behind.
func (h *Handler) watch(w http.ResponseWriter, r *http.Request, req request) {
	ls, fs, err := selectors(req)
	if err != nil {
		writeStatus(w, toAPIError(err, req.res, ""))
		return
	}
	q := req.query
	rvParam := q.Get("resourceVersion")
	sendInitial := isTrue(q.Get("sendInitialEvents"))
	if sendInitial && (q.Get("resourceVersionMatch") != string(metav1.ResourceVersionMatchNotOlderThan) || !isTrue(q.Get("allowWatchBookmarks"))) {
		writeStatus(w, toAPIError(invalidListOptions(), req.res, ""))
		return
	}
	wt := &watcher{res: req.res, namespace: req.namespace, labels: ls, fields: fs,
		ch: make(chan item, h.opts.WatchBuffer), seen: map[string]bool{}}
	var initial []item
	var expired *apiError
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		writeStatus(w, statusError(http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable, "the server is shutting down"))
		return
	}
	current, now := h.c.ResourceVersion(), h.c.Now()
	startCurrent := rvParam == "" || rvParam == "0" || sendInitial
	if startCurrent || wt.selective() {
		for _, o := range h.objects(req.res, req.namespace) {
			if !matches(o, ls, fs) {
				continue
			}
			if wt.selective() {
				wt.seen[o.namespace()+"/"+o.name()] = true
			}
			if startCurrent {
				initial = append(initial, item{string(rollsim.Added), o})
			}
		}
	}
	if !startCurrent {
		rv, err := requestVersion(rvParam)
		switch {
		case req.res == eventsResource || req.res == namespacesResource:
			// Events and namespaces are not in the cache of writes: a
			// watch of them starts now, from whatever version (an
			// event's is the write it followed and its own number).
		case err != nil:
			h.mu.Unlock()
			writeStatus(w, badRequest(err.Error()))
			return
		case rv < h.oldest:
			expired = gone(fmt.Sprintf("too old resource version: %d (%d)", rv, h.oldest+1))
		default:
			// A selective watch resuming from rv judges the writes it
			// replays by what was selected then, which the cache
			// rebuilds: seen restarts from the state at rv.
			replay := h.replay(rv)
			if wt.selective() {
				wt.seen = h.selectedAt(req, rv, replay, ls, fs)
			}
			for _, e := range replay {
				wt.offer(h, object{w: e}, e.Type)
			}
			for len(wt.ch) > 0 {
				initial = append(initial, <-wt.ch)
				wt.pending--
			}
		}
	}
	if expired == nil {
		h.watchers[wt] = struct{}{}
		// The initial events count as offered: the clock waits for them
		// too.
		wt.pending += len(initial)
	}
	h.mu.Unlock()

	flusher, _ := w.(http.Flusher)
	// kubectl get --watch asks for Tables: each object comes as a Table
	// of one row, the column definitions only in the first, as the API
	// server sends them.
	asTable := func(o object, now time.Time) runtime.Object { return o.api() }
	if wantsTable(r) {
		headers := true
		asTable = func(o object, at time.Time) runtime.Object {
			if o.ev != nil {
				at = o.ev.LastTimestamp.Time
			}
			t, err := table(req.res, []apiObject{o.api()}, current, at, req.query.Get("includeObject"))
			if err != nil {
				return o.api()
			}
			if !headers {
				t.ColumnDefinitions = nil
			}
			headers = false
			return t
		}
	}
	var write func(typ string, obj runtime.Object) error
	var writeRaw func(typ string, raw []byte) error
	protobuf := prefersProtobuf(r) && !wantsTable(r)
	gv := schema.GroupVersion{Group: req.res.group, Version: req.res.version}
	if protobuf {
		w.Header().Set("Content-Type", runtime.ContentTypeProtobuf+";stream=watch")
		pw := newProtobufWatch(w, gv)
		write, writeRaw = pw.send, pw.sendRaw
	} else {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		write = func(typ string, obj runtime.Object) error { return enc.Encode(watchEvent{Type: typ, Object: obj}) }
		writeRaw = func(typ string, raw []byte) error {
			return enc.Encode(rawWatchEvent{Type: typ, Object: json.RawMessage(raw)})
		}
	}
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	// The headers go out at once, as the API server sends them: a client
	// waits for them before it waits for events.
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	send := func(e watchEvent) bool {
		if err := write(e.Type, e.Object); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	if expired != nil {
		st := expired.status
		st.Kind, st.APIVersion = "Status", "v1"
		send(watchEvent{Type: "ERROR", Object: &st})
		return
	}
	defer func() {
		h.mu.Lock()
		h.dropWatcher(wt)
		h.mu.Unlock()
	}()
	for _, it := range initial {
		if !send(watchEvent{Type: it.typ, Object: asTable(it.o, now)}) {
			return
		}
	}
	if sendInitial {
		bm := bookmark(req.res, current)
		bm.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
		if !send(watchEvent{Type: "BOOKMARK", Object: bm}) {
			return
		}
	}
	h.mu.Lock()
	wt.pending -= len(initial)
	h.activity()
	h.mu.Unlock()
	var timeout <-chan time.Time
	if s := q.Get("timeoutSeconds"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			t := time.NewTimer(time.Duration(n) * time.Second)
			defer t.Stop()
			timeout = t.C
		}
	}
	for {
		select {
		case it, ok := <-wt.ch:
			if !ok {
				return
			}
			if wantsTable(r) {
				if !send(watchEvent{Type: it.typ, Object: asTable(it.o, it.o.w.Time)}) {
					return
				}
			} else {
				// One encoding of the write serves all its watchers.
				raw, err := it.o.encoded(protobuf, gv)
				if err != nil || writeRaw(it.typ, raw) != nil {
					return
				}
				if flusher != nil {
					flusher.Flush()
				}
			}
			h.mu.Lock()
			wt.pending--
			if wt.pending == 0 {
				h.activity()
			}
			h.mu.Unlock()
		case <-timeout:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// replay returns the cached writes after rv, oldest first. Called with
// the lock held.
func (h *Handler) replay(rv uint64) []rollsim.WatchEvent {
	var out []rollsim.WatchEvent
	for i := range h.cacheLen {
		e := h.cache[(h.cacheStart+i)%len(h.cache)]
		if e.ResourceVersion > rv {
			out = append(out, e)
		}
	}
	return out
}

// selectedAt returns which objects matched a selective watch at rv: the
// current ones, with the writes since undone, last first.
func (h *Handler) selectedAt(req request, rv uint64, since []rollsim.WatchEvent, ls labels.Selector, fs fields.Selector) map[string]bool {
	seen := map[string]bool{}
	for _, o := range h.objects(req.res, req.namespace) {
		seen[o.namespace()+"/"+o.name()] = matches(o, ls, fs)
	}
	// For each object written since rv, its state at rv is that of its
	// last write at or before rv, which the cache may not hold: the
	// object's first write after rv tells whether it existed then.
	first := map[string]rollsim.WatchEvent{}
	for _, e := range since {
		o := object{w: e}
		if o.kind() != req.res.kind {
			continue
		}
		key := o.namespace() + "/" + o.name()
		if _, ok := first[key]; !ok {
			first[key] = e
		}
	}
	for key, e := range first {
		if e.Type == rollsim.Added {
			seen[key] = false
			continue
		}
		// Modified or deleted after rv: it existed at rv; whether it
		// matched then is judged by the labels it had when first
		// written after rv, the nearest the cache knows.
		seen[key] = matches(object{w: e}, ls, fs)
	}
	for k, v := range seen {
		if !v {
			delete(seen, k)
		}
	}
	return seen
}

// bookmark returns an object of r's kind holding only a resourceVersion.
func bookmark(r *resource, rv uint64) apiObject {
	o := r.empty()
	o.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{Group: r.group, Version: r.version, Kind: r.kind})
	o.SetResourceVersion(strconv.FormatUint(rv, 10))
	return o
}

func invalidListOptions() error {
	return badRequest("sendInitialEvents requires resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true")
}
