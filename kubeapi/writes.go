package kubeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
)

// decode reads a request's object into into, as the API server's
// decoder does under the request's fieldValidation: an unknown or
// duplicate field is an error (Strict), a warning (Warn, the default), or
// nothing (Ignore).
func decode(w http.ResponseWriter, body []byte, into any, q url.Values, r *resource) error {
	if isProtobuf(body) {
		// Typed clients send protobuf; its decoder knows no unknown
		// fields, so there is nothing for field validation to report.
		obj, ok := into.(runtime.Object)
		if !ok {
			return badRequest("unexpected protobuf body")
		}
		if _, _, err := scheme.Codecs.UniversalDeserializer().Decode(body, nil, obj); err != nil {
			return badRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", r.kind, r.version, r.kind, err))
		}
		return nil
	}
	mode := q.Get("fieldValidation")
	switch mode {
	case "":
		mode = metav1.FieldValidationWarn
	case metav1.FieldValidationIgnore, metav1.FieldValidationWarn, metav1.FieldValidationStrict:
	default:
		return badRequest(fmt.Sprintf("fieldValidation: Unsupported value: %q: supported values: \"Ignore\", \"Warn\", \"Strict\"", mode))
	}
	strict, err := sigsjson.UnmarshalStrict(body, into)
	if err != nil {
		return badRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", r.kind, r.version, r.kind, err))
	}
	if len(strict) == 0 || mode == metav1.FieldValidationIgnore {
		return nil
	}
	if mode == metav1.FieldValidationStrict {
		msgs := make([]string, len(strict))
		for i, e := range strict {
			msgs[i] = e.Error()
		}
		return badRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: strict decoding error: %s",
			r.kind, r.version, r.kind, strings.Join(msgs, ", ")))
	}
	for _, e := range strict {
		w.Header().Add("Warning", "299 - "+strconv.Quote(e.Error()))
	}
	return nil
}

// protobufMagic opens every object the API's protobuf encoding writes.
var protobufMagic = []byte{0x6b, 0x38, 0x73, 0x00}

func isProtobuf(body []byte) bool { return bytes.HasPrefix(body, protobufMagic) }

// checkTarget refuses an object whose namespace or name differs from the
// request's.
func checkTarget(m *metav1.ObjectMeta, req request) error {
	if req.res.namespaced {
		if m.Namespace == "" {
			m.Namespace = req.namespace
		} else if m.Namespace != req.namespace {
			return badRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
	} else {
		m.Namespace = ""
	}
	if req.name != "" && m.Name != req.name {
		return badRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.Name, req.name))
	}
	return nil
}

// decodeDeploymentFor decodes a Deployment written to the object req
// names, checks that it is that object, and converts it.
func decodeDeploymentFor(w http.ResponseWriter, body []byte, req request) (*deployment.Deployment, error) {
	in := &appsv1.Deployment{}
	if err := decode(w, body, in, req.query, req.res); err != nil {
		return nil, err
	}
	if err := checkTarget(&in.ObjectMeta, req); err != nil {
		return nil, err
	}
	d, err := FromDeployment(in)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	return d, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request, req request, out *response) error {
	if req.res.namespaced {
		// As the API server's namespace admission: no object goes into a
		// namespace that does not exist.
		if _, ok := h.namespaces[req.namespace]; !ok {
			return fromStatusError(apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, req.namespace))
		}
	}
	body := req.body
	if !slices.Contains(req.res.verbs, "create") {
		return methodNotSupported(req.res, "create")
	}
	obj := req.res.empty()
	m := obj.(metav1.ObjectMetaAccessor).GetObjectMeta().(*metav1.ObjectMeta)
	if err := decode(w, body, obj, req.query, req.res); err != nil {
		return err
	}
	if err := checkTarget(m, req); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.Name == "" && m.GenerateName != "" {
		m.Name = m.GenerateName + pod.RandomSuffix(5, h.rng.Uint64)
	}
	m.GenerateName = ""
	if m.ResourceVersion != "" {
		// The storage's refusal, which the API server passes on as it is.
		return statusError(http.StatusInternalServerError, metav1.StatusReasonUnknown, "resourceVersion should not be set on objects to be created")
	}
	// The server sets these; what a client sends is ignored.
	m.UID, m.ResourceVersion, m.Generation, m.CreationTimestamp = "", "", 0, metav1.Time{}
	var created apiObject
	var err error
	switch o := obj.(type) {
	case *appsv1.Deployment:
		created, err = convertStore(o, FromDeployment, h.c.CreateDeployment, Deployment, req.res, m.Name)
	case *appsv1.ReplicaSet:
		created, err = convertStore(o, FromReplicaSet, h.c.CreateReplicaSet, ReplicaSet, req.res, m.Name)
	case *corev1.Node:
		if _, err := h.c.Node(o.Name); err == nil {
			return toAPIError(alreadyExists(req.res, o.Name), req.res, o.Name)
		}
		created, err = h.applyNode(o, req.res)
	case *corev1.Namespace:
		if _, ok := h.namespaces[o.Name]; ok {
			return toAPIError(alreadyExists(req.res, o.Name), req.res, o.Name)
		}
		h.noteNamespace(o.Name)
		h.nsMeta[o.Name] = metav1.ObjectMeta{Labels: o.Labels, Annotations: o.Annotations}
		created = h.namespaceObject(o.Name)
	}
	if err != nil {
		return err
	}
	h.activity()
	out.set(http.StatusCreated, created)
	return nil
}

// convertStore converts a client's object with from, stores it with
// write and converts what was stored back with to, answering a bad
// object with the API server's errors.
func convertStore[I, O any, A apiObject](in I, from func(I) (O, error), write func(O) (O, error), to func(O) A, r *resource, name string) (apiObject, error) {
	o, err := from(in)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	stored, err := write(o)
	if err != nil {
		return nil, toAPIError(err, r, name)
	}
	return to(stored), nil
}

// applyNode stores a client's Node, new or changed.
func (h *Handler) applyNode(in *corev1.Node, r *resource) (apiObject, error) {
	n, err := FromNode(in)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	if _, err := h.c.ApplyNode(n); err != nil {
		return nil, toAPIError(err, r, in.Name)
	}
	stored, _ := h.c.Node(in.Name)
	return Node(stored), nil
}

func alreadyExists(r *resource, name string) error {
	return fromStatusError(alreadyExistsStatus(r, name))
}

// update serves PUT and PATCH of an object, and of a Deployment's status
// subresource: a patch is applied to the object as it is now, and the
// result stored as an update would be. The lock is held throughout, so a
// patch cannot conflict with another write; an update or patch naming a
// stale resourceVersion does. Of a status, only the status is taken; the
// controller then syncs the Deployment and writes the status it
// computes, as upstream's does.
func (h *Handler) update(w http.ResponseWriter, r *http.Request, req request, out *response) error {
	if req.res != deploymentsResource && req.res != nodesResource {
		return methodNotSupported(req.res, verbOf(r.Method, req))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	body := req.body
	var patchedUID types.UID
	if r.Method == http.MethodPatch {
		cur, err := h.find(req.res, req.namespace, req.name)
		if err != nil {
			return toAPIError(err, req.res, req.name)
		}
		patchedUID = cur.api().GetUID()
		if body, err = patch(r.Header.Get("Content-Type"), cur.api(), body); err != nil {
			return err
		}
	}
	var stored apiObject
	switch req.res {
	case deploymentsResource:
		d, err := decodeDeploymentFor(w, body, req)
		if err != nil {
			return err
		}
		if patchedUID != "" && types.UID(d.UID) != patchedUID {
			// A patch carries no UID precondition: a changed UID is
			// an update of an immutable field.
			return fromStatusError(apierrors.NewInvalid(schema.GroupKind{Group: req.res.group, Kind: req.res.kind}, req.name,
				field.ErrorList{field.Invalid(field.NewPath("metadata", "uid"), d.UID, "field is immutable")}))
		}
		write := h.c.UpdateDeployment
		if req.sub == "status" {
			write = h.c.UpdateDeploymentStatus
		}
		if stored, err = convertStore(d, same, write, Deployment, req.res, req.name); err != nil {
			return err
		}
	case nodesResource:
		in := &corev1.Node{}
		if err := decode(w, body, in, req.query, req.res); err != nil {
			return err
		}
		if err := checkTarget(&in.ObjectMeta, req); err != nil {
			return err
		}
		cur, err := h.c.Node(req.name)
		if err != nil {
			return toAPIError(err, req.res, req.name)
		}
		if in.ResourceVersion != "" && in.ResourceVersion != strconv.FormatUint(cur.ResourceVersion, 10) {
			return toAPIError(conflict(req.res, req.name), req.res, req.name)
		}
		if stored, err = h.applyNode(in, req.res); err != nil {
			return err
		}
	}
	h.activity()
	out.set(http.StatusOK, stored)
	return nil
}

// same is the conversion of an object that needs none.
func same[T any](o T) (T, error) { return o, nil }

// patch applies a JSON patch, a JSON merge patch or a strategic merge
// patch to cur and returns the patched object's JSON.
func patch(contentType string, cur apiObject, p []byte) ([]byte, error) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	orig, err := json.Marshal(cur)
	if err != nil {
		return nil, internalError(err)
	}
	var out []byte
	switch types.PatchType(strings.TrimSpace(mediaType)) {
	case types.JSONPatchType:
		ops, err := jsonpatch.DecodePatch(p)
		if err != nil {
			return nil, badRequest(err.Error())
		}
		out, err = ops.Apply(orig)
		if err != nil {
			return nil, fromStatusError(unprocessable(err))
		}
	case types.MergePatchType:
		out, err = jsonpatch.MergePatch(orig, p)
		if err != nil {
			return nil, badRequest(err.Error())
		}
	case types.StrategicMergePatchType:
		out, err = strategicpatch.StrategicMergePatch(orig, p, schemaOf(cur))
		if err != nil {
			return nil, badRequest(err.Error())
		}
	case types.ApplyYAMLPatchType, types.ApplyCBORPatchType:
		return nil, statusError(http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType,
			"server-side apply is not supported by rollsim")
	default:
		return nil, statusError(http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType,
			fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: %s, %s, %s",
				types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType))
	}
	return out, nil
}

// schemaOf returns the Go type that tells a strategic merge patch how to
// merge lists.
func schemaOf(o apiObject) any {
	switch o.(type) {
	case *appsv1.Deployment:
		return appsv1.Deployment{}
	case *appsv1.ReplicaSet:
		return appsv1.ReplicaSet{}
	case *corev1.Node:
		return corev1.Node{}
	case *autoscalingv1.Scale:
		return autoscalingv1.Scale{}
	}
	return corev1.Pod{}
}

// deleteOptions reads a delete's options from its body and query.
func (h *Handler) deleteOptions(req request) (metav1.DeleteOptions, error) {
	var opts metav1.DeleteOptions
	if body := req.body; len(strings.TrimSpace(string(body))) > 0 {
		var err error
		if isProtobuf(body) {
			_, _, err = scheme.Codecs.UniversalDeserializer().Decode(body, nil, &opts)
		} else {
			err = json.Unmarshal(body, &opts)
		}
		if err != nil {
			return opts, badRequest(err.Error())
		}
	}
	if p := req.query.Get("propagationPolicy"); p != "" {
		pp := metav1.DeletionPropagation(p)
		opts.PropagationPolicy = &pp
	}
	if g := req.query.Get("gracePeriodSeconds"); g != "" {
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return opts, badRequest(fmt.Sprintf("gracePeriodSeconds: invalid value %q", g))
		}
		opts.GracePeriodSeconds = &n
	}
	if len(opts.DryRun) > 0 {
		// kubectl sends a delete's dry run in its options, not the query.
		return opts, badRequest("dry run is not supported by rollsim")
	}
	if p := opts.PropagationPolicy; p != nil {
		switch *p {
		case metav1.DeletePropagationBackground, metav1.DeletePropagationForeground:
		case metav1.DeletePropagationOrphan:
			return opts, badRequest("orphaning dependents is not supported by rollsim: a Deployment's ReplicaSets and pods are deleted with it")
		default:
			return opts, badRequest(fmt.Sprintf("propagationPolicy: Unsupported value: %q: supported values: \"Foreground\", \"Background\", \"Orphan\"", *p))
		}
	}
	return opts, nil
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request, req request, out *response) error {
	opts, err := h.deleteOptions(req)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	cur, err := h.find(req.res, req.namespace, req.name)
	if err != nil {
		return toAPIError(err, req.res, req.name)
	}
	a := cur.api()
	if pre := opts.Preconditions; pre != nil {
		// The delete's own check, which names the kind, not the resource.
		kind := schema.GroupResource{Group: req.res.group, Resource: req.res.kind}
		if pre.UID != nil && *pre.UID != a.GetUID() {
			return fromStatusError(apierrors.NewConflict(kind, req.name, fmt.Errorf(
				"the UID in the precondition (%s) does not match the UID in record (%s). The object might have been deleted and then recreated", *pre.UID, a.GetUID())))
		}
		if pre.ResourceVersion != nil && *pre.ResourceVersion != a.GetResourceVersion() {
			return fromStatusError(apierrors.NewConflict(kind, req.name, fmt.Errorf(
				"the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified", *pre.ResourceVersion, a.GetResourceVersion())))
		}
	}
	if err := h.remove(req.res, req.namespace, req.name, opts); err != nil {
		return toAPIError(err, req.res, req.name)
	}
	h.activity()
	out.set(http.StatusOK, success(req.res, req.name, string(a.GetUID())))
	return nil
}

// remove deletes one object; a pod's grace period is the options' when
// they set one. Called with the lock held.
func (h *Handler) remove(r *resource, namespace, name string, opts metav1.DeleteOptions) error {
	switch r {
	case deploymentsResource:
		return h.c.DeleteDeployment(namespace, name)
	case replicaSetsResource:
		return h.c.DeleteReplicaSet(namespace, name)
	case podsResource:
		if g := opts.GracePeriodSeconds; g != nil {
			return h.c.DeletePodGrace(namespace, name, time.Duration(*g)*time.Second)
		}
		return h.c.DeletePod(namespace, name)
	case nodesResource:
		return h.c.DeleteNode(name)
	}
	return methodNotSupported(r, "delete")
}

// deleteCollection deletes every object of the collection its selectors
// pick, one after the other, and answers the list of them as they were.
func (h *Handler) deleteCollection(w http.ResponseWriter, r *http.Request, req request, out *response) error {
	opts, err := h.deleteOptions(req)
	if err != nil {
		return err
	}
	if !hasVerb(req.res, "delete") {
		return methodNotSupported(req.res, "deletecollection")
	}
	ls, fs, err := selectors(req)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l := list{Kind: req.res.kind + "List", APIVersion: req.res.apiVersion(), Items: []json.RawMessage{}}
	for _, o := range h.objects(req.res, req.namespace) {
		if !matches(o, ls, fs) {
			continue
		}
		// An object an earlier delete took along (a ReplicaSet with its
		// Deployment's pods, say) is gone already.
		if _, err := h.find(req.res, o.namespace(), o.name()); err != nil {
			continue
		}
		if err := h.remove(req.res, o.namespace(), o.name(), opts); err != nil {
			return toAPIError(err, req.res, o.name())
		}
		if l.Items, err = appendItem(l.Items, o); err != nil {
			return err
		}
	}
	l.Metadata.ResourceVersion = strconv.FormatUint(h.c.ResourceVersion(), 10)
	h.activity()
	out.set(http.StatusOK, l)
	return nil
}

func success(r *resource, name, uid string) metav1.Status {
	return metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusSuccess,
		Details:  &metav1.StatusDetails{Name: name, Group: r.group, Kind: r.plural, UID: types.UID(uid)},
	}
}

// evict serves the eviction subresource kubectl drain uses: the pod is
// deleted at once, and its ReplicaSet replaces it.
func (h *Handler) evict(w http.ResponseWriter, req request, out *response) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.c.DeletePod(req.namespace, req.name); err != nil {
		return toAPIError(err, req.res, req.name)
	}
	h.activity()
	out.set(http.StatusCreated, metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess})
	return nil
}

// scale returns the Scale of a Deployment or ReplicaSet. Called with
// the lock held.
func (h *Handler) scale(req request) (*autoscalingv1.Scale, error) {
	cur, err := h.find(req.res, req.namespace, req.name)
	if err != nil {
		return nil, toAPIError(err, req.res, req.name)
	}
	s := &autoscalingv1.Scale{TypeMeta: metav1.TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"}}
	var sel *metav1.LabelSelector
	switch {
	case cur.w.Deployment != nil:
		d := Deployment(cur.w.Deployment)
		s.ObjectMeta = metav1.ObjectMeta{Name: d.Name, Namespace: d.Namespace, UID: d.UID,
			ResourceVersion: d.ResourceVersion, CreationTimestamp: d.CreationTimestamp}
		s.Spec.Replicas = cur.w.Deployment.DesiredReplicas()
		s.Status.Replicas = d.Status.Replicas
		sel = d.Spec.Selector
	case cur.w.ReplicaSet != nil:
		rs := ReplicaSet(cur.w.ReplicaSet)
		s.ObjectMeta = metav1.ObjectMeta{Name: rs.Name, Namespace: rs.Namespace, UID: rs.UID,
			ResourceVersion: rs.ResourceVersion, CreationTimestamp: rs.CreationTimestamp}
		s.Spec.Replicas = *rs.Spec.Replicas
		s.Status.Replicas = rs.Status.Replicas
		sel = rs.Spec.Selector
	}
	if ls, err := metav1.LabelSelectorAsSelector(sel); err == nil {
		s.Status.Selector = ls.String()
	}
	return s, nil
}

func (h *Handler) getScale(w http.ResponseWriter, r *http.Request, req request) error {
	h.mu.Lock()
	s, err := h.scale(req)
	h.mu.Unlock()
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s)
	return nil
}

// writeScale serves PUT and PATCH of the scale subresource: only
// spec.replicas is taken, and a stale resourceVersion is a conflict.
func (h *Handler) writeScale(w http.ResponseWriter, r *http.Request, req request, out *response) error {
	body := req.body
	h.mu.Lock()
	defer h.mu.Unlock()
	cur, err := h.scale(req)
	if err != nil {
		return err
	}
	if r.Method == http.MethodPatch {
		if body, err = patch(r.Header.Get("Content-Type"), cur, body); err != nil {
			return err
		}
	}
	in := &autoscalingv1.Scale{}
	scaleRes := &resource{group: "autoscaling", version: "v1", kind: "Scale"}
	if err := decode(w, body, in, req.query, scaleRes); err != nil {
		return err
	}
	if err := checkTarget(&in.ObjectMeta, req); err != nil {
		return err
	}
	if in.ResourceVersion != "" && in.ResourceVersion != cur.ResourceVersion {
		return toAPIError(conflict(req.res, req.name), req.res, req.name)
	}
	if in.UID != "" && in.UID != cur.UID {
		return fromStatusError(apierrors.NewConflict(schema.GroupResource{Group: req.res.group, Resource: req.res.plural + "/scale"}, req.name,
			fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", in.UID, cur.UID)))
	}
	switch req.res {
	case deploymentsResource:
		d, err := h.c.Deployment(req.namespace, req.name)
		if err != nil {
			return toAPIError(err, req.res, req.name)
		}
		d.Spec.Replicas = &in.Spec.Replicas
		if _, err := h.c.UpdateDeployment(d); err != nil {
			return toAPIError(err, req.res, req.name)
		}
	case replicaSetsResource:
		if err := h.c.ScaleReplicaSet(req.namespace, req.name, in.Spec.Replicas); err != nil {
			return toAPIError(err, req.res, req.name)
		}
	}
	h.activity()
	s, err := h.scale(req)
	if err != nil {
		return err
	}
	out.set(http.StatusOK, s)
	return nil
}

// response is what a write answers, sent once the lock is released so
// that a client slow to read never holds the cluster.
type response struct {
	code int
	v    any
}

func (r *response) set(code int, v any) { r.code, r.v = code, v }
