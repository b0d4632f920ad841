package kubeapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

// request is one resource request, its path taken apart.
type request struct {
	res       *resource
	namespace string
	name      string
	sub       string
	query     url.Values
	// body is a write's request body, read once by the router.
	body []byte
}

func (h *Handler) route(w http.ResponseWriter, r *http.Request) {
	seg := splitPath(r.URL.Path)
	if r.Method == http.MethodGet {
		switch {
		case len(seg) == 1 && seg[0] == "version":
			writeJSON(w, http.StatusOK, serverVersion())
			return
		case len(seg) == 1 && (seg[0] == "healthz" || seg[0] == "livez" || seg[0] == "readyz"):
			// Always healthy: there is nothing here to wait for.
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			io.WriteString(w, "ok")
			return
		case len(seg) == 1 && seg[0] == "api":
			writeJSON(w, http.StatusOK, apiVersions(r))
			return
		case len(seg) == 1 && seg[0] == "apis":
			writeJSON(w, http.StatusOK, apiGroupList())
			return
		case len(seg) == 2 && seg[0] == "api" && seg[1] == "v1":
			writeJSON(w, http.StatusOK, resourceList("v1", coreResources))
			return
		case len(seg) == 2 && seg[0] == "apis" && groupResources(seg[1]) != nil:
			writeJSON(w, http.StatusOK, apiGroup(seg[1]))
			return
		case len(seg) == 3 && seg[0] == "apis" && seg[2] == "v1" && groupResources(seg[1]) != nil:
			writeJSON(w, http.StatusOK, resourceList(seg[1]+"/v1", groupResources(seg[1])))
			return
		case len(seg) >= 2 && seg[0] == "openapi" && seg[1] == "v3":
			if serveOpenAPI(w, seg) {
				return
			}
		}
	}
	var group string
	var rest []string
	switch {
	case len(seg) >= 3 && seg[0] == "api" && seg[1] == "v1":
		rest = seg[2:]
	case len(seg) >= 4 && seg[0] == "apis" && seg[1] != "" && groupResources(seg[1]) != nil && seg[2] == "v1":
		group, rest = seg[1], seg[3:]
	default:
		writeStatus(w, notFoundPath())
		return
	}
	req := request{query: r.URL.Query()}
	if len(rest) >= 3 && rest[0] == "namespaces" {
		req.namespace, rest = rest[1], rest[2:]
	}
	if len(rest) == 0 || len(rest) > 3 {
		writeStatus(w, notFoundPath())
		return
	}
	req.res = lookupResource(group, rest[0])
	if req.res == nil || (req.namespace != "" && !req.res.namespaced) {
		writeStatus(w, notFoundPath())
		return
	}
	if len(rest) > 1 {
		req.name = rest[1]
	}
	if len(rest) > 2 {
		req.sub = rest[2]
		if _, ok := req.res.subresources[req.sub]; !ok {
			writeStatus(w, notFoundPath())
			return
		}
	}
	if req.res.namespaced && req.namespace == "" && req.name != "" {
		writeStatus(w, notFoundPath())
		return
	}
	watch := req.name == "" && r.Method == http.MethodGet && isTrue(req.query.Get("watch"))
	h.begin(watch)
	defer h.end(watch)
	if watch {
		h.watch(w, r, req)
		return
	}
	var err error
	var out response
	if r.Method != http.MethodGet {
		req.body, err = writePreamble(r, req)
	}
	switch {
	case err != nil:
	case r.Method == http.MethodGet && req.name == "":
		err = h.list(w, r, req)
	case r.Method == http.MethodGet && req.sub == "scale":
		err = h.getScale(w, r, req)
	case r.Method == http.MethodGet:
		err = h.get(w, r, req)
	case r.Method == http.MethodPost && req.name == "":
		err = h.create(w, r, req, &out)
	case r.Method == http.MethodPost && req.sub == "eviction":
		err = h.evict(w, req, &out)
	case r.Method == http.MethodPut && req.sub == "scale", r.Method == http.MethodPatch && req.sub == "scale":
		err = h.writeScale(w, r, req, &out)
	case (r.Method == http.MethodPut || r.Method == http.MethodPatch) && req.name != "" && req.sub == "",
		(r.Method == http.MethodPut || r.Method == http.MethodPatch) && req.sub == "status" && req.res == deploymentsResource:
		err = h.update(w, r, req, &out)
	case r.Method == http.MethodDelete && req.name != "" && req.sub == "":
		err = h.delete(w, r, req, &out)
	case r.Method == http.MethodDelete && req.name == "":
		err = h.deleteCollection(w, r, req, &out)
	default:
		err = methodNotSupported(req.res, verbOf(r.Method, req))
	}
	switch {
	case err != nil:
		writeStatus(w, toAPIError(err, req.res, req.name))
	case out.code != 0:
		reply(w, r, out.code, out.v)
	}
}

func verbOf(method string, req request) string {
	switch method {
	case http.MethodGet:
		return "get"
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	case http.MethodPatch:
		return "patch"
	case http.MethodDelete:
		if req.name == "" {
			return "deletecollection"
		}
		return "delete"
	}
	return method
}

func isTrue(s string) bool { return s == "true" || s == "1" }

// selectors reads the labelSelector and fieldSelector of a list or watch,
// refusing a field the resource cannot be selected by.
func selectors(req request) (labels.Selector, fields.Selector, error) {
	ls, err := labels.Parse(req.query.Get("labelSelector"))
	if err != nil {
		return nil, nil, badRequest(fmt.Sprintf("unable to parse requirement: %v", err))
	}
	fs, err := fields.ParseSelector(req.query.Get("fieldSelector"))
	if err != nil {
		return nil, nil, badRequest(err.Error())
	}
	for _, r := range fs.Requirements() {
		switch r.Field {
		case "metadata.name", "metadata.namespace":
			continue
		}
		ok := false
		for _, f := range req.res.fieldLabels {
			ok = ok || f == r.Field
		}
		if !ok {
			return nil, nil, badRequest(fmt.Sprintf("field label not supported: %s", r.Field))
		}
	}
	return ls, fs, nil
}

func matches(o object, ls labels.Selector, fs fields.Selector) bool {
	return ls.Matches(labels.Set(o.labels())) && fs.Matches(o.fieldSet())
}

// list is a list as the API server writes it in JSON: its items are the
// API's objects without their kind and version.
type list struct {
	Kind       string            `json:"kind"`
	APIVersion string            `json:"apiVersion"`
	Metadata   metav1.ListMeta   `json:"metadata"`
	Items      []json.RawMessage `json:"items"`
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, req request) error {
	ls, fs, err := selectors(req)
	if err != nil {
		return err
	}
	h.mu.Lock()
	rv, now := h.c.ResourceVersion(), h.c.Now()
	if err := checkListVersion(req.query, rv); err != nil {
		h.mu.Unlock()
		return err
	}
	var items []object
	for _, o := range h.objects(req.res, req.namespace) {
		if matches(o, ls, fs) {
			items = append(items, o)
		}
	}
	h.mu.Unlock()
	if wantsTable(r) {
		objs := make([]apiObject, len(items))
		for i, o := range items {
			objs[i] = o.api()
		}
		t, err := table(req.res, objs, rv, now, req.query.Get("includeObject"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, t)
		return nil
	}
	if prefersProtobuf(r) {
		objs := make([]apiObject, len(items))
		for i, o := range items {
			objs[i] = o.api()
		}
		l, err := typedList(req.res, objs, strconv.FormatUint(rv, 10))
		if err != nil {
			return err
		}
		reply(w, r, http.StatusOK, l)
		return nil
	}
	out := list{Kind: req.res.kind + "List", APIVersion: req.res.apiVersion(),
		Metadata: metav1.ListMeta{ResourceVersion: strconv.FormatUint(rv, 10)}, Items: []json.RawMessage{}}
	for _, o := range items {
		var err error
		if out.Items, err = appendItem(out.Items, o); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// clearType drops an item's kind and version, which a list's items do
// not repeat.
func clearType(a apiObject) { a.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{}) }

// checkListVersion applies a list's resourceVersion and
// resourceVersionMatch: the Handler holds only the current state, which
// satisfies any version not newer than it, and no exact older one.
func checkListVersion(q url.Values, current uint64) error {
	s := q.Get("resourceVersion")
	if s == "" || s == "0" {
		return nil
	}
	rv, err := requestVersion(s)
	if err != nil {
		return badRequest(err.Error())
	}
	switch {
	case rv > current:
		return tooLarge(rv, current)
	case q.Get("resourceVersionMatch") == string(metav1.ResourceVersionMatchExact) && rv != current:
		return gone("The resourceVersion for the provided list is too old.")
	}
	return nil
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, req request) error {
	h.mu.Lock()
	o, err := h.find(req.res, req.namespace, req.name)
	rv, now := h.c.ResourceVersion(), h.c.Now()
	h.mu.Unlock()
	if err != nil {
		return err
	}
	if wantsTable(r) {
		t, err := table(req.res, []apiObject{o.api()}, rv, now, req.query.Get("includeObject"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, t)
		return nil
	}
	reply(w, r, http.StatusOK, o.api())
	return nil
}

func serverVersion() version.Info {
	return version.Info{
		Major: "1", Minor: "37", GitVersion: KubeletVersion, GitCommit: "rollsim", GitTreeState: "clean",
		BuildDate: "2024-01-01T00:00:00Z", GoVersion: "go1.26", Compiler: "gc", Platform: "linux/amd64",
	}
}

func apiVersions(r *http.Request) metav1.APIVersions {
	return metav1.APIVersions{
		TypeMeta: metav1.TypeMeta{Kind: "APIVersions"},
		Versions: []string{"v1"},
		ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{{
			ClientCIDR: "0.0.0.0/0", ServerAddress: r.Host,
		}},
	}
}

func apiGroup(name string) metav1.APIGroup {
	gv := metav1.GroupVersionForDiscovery{GroupVersion: name + "/v1", Version: "v1"}
	return metav1.APIGroup{TypeMeta: metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"},
		Name: name, Versions: []metav1.GroupVersionForDiscovery{gv}, PreferredVersion: gv}
}

func apiGroupList() metav1.APIGroupList {
	l := metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
	for _, g := range groups {
		l.Groups = append(l.Groups, apiGroup(g.name))
	}
	return l
}

func resourceList(gv string, rs []*resource) metav1.APIResourceList {
	out := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv}
	for _, r := range rs {
		out.APIResources = append(out.APIResources, metav1.APIResource{
			Name: r.plural, SingularName: r.singular, Namespaced: r.namespaced, Kind: r.kind,
			Verbs: r.verbs, ShortNames: r.short, Categories: r.categories,
		})
		for _, sub := range sortedKeys(r.subresources) {
			res := metav1.APIResource{Name: r.plural + "/" + sub, Namespaced: r.namespaced, Kind: r.kind, Verbs: r.subresources[sub]}
			// Subresources of another group's kind name it: kubectl drain
			// evicts only where discovery lists policy/v1 Evictions.
			switch sub {
			case "scale":
				res.Group, res.Version, res.Kind = "autoscaling", "v1", "Scale"
			case "eviction":
				res.Group, res.Version, res.Kind = "policy", "v1", "Eviction"
			}
			out.APIResources = append(out.APIResources, res)
		}
	}
	return out
}

// appendItem appends o, as a list's item (without its kind), to items.
func appendItem(items []json.RawMessage, o object) ([]json.RawMessage, error) {
	a := o.api()
	clearType(a)
	b, err := json.Marshal(a)
	if err != nil {
		return items, internalError(err)
	}
	return append(items, b), nil
}

// writePreamble is what every write's handler starts with: dry runs are
// refused, and the body is read.
func writePreamble(r *http.Request, req request) ([]byte, error) {
	if len(req.query["dryRun"]) > 0 {
		return nil, badRequest("dry run is not supported by rollsim")
	}
	return readBody(r)
}

// maxBodyBytes is the API server's default limit on a request body.
const maxBodyBytes = 3 << 20

// readBody reads a request's body, refusing one over the limit as the API
// server does (413) rather than cutting it short into a body that fails
// to decode.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest(err.Error())
	}
	if len(b) > maxBodyBytes {
		return nil, fromStatusError(apierrors.NewRequestEntityTooLargeError(fmt.Sprintf("limit is %d", maxBodyBytes)))
	}
	return b, nil
}
