package kubeapi

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/meta"
)

// resource is one REST resource the Handler serves.
type resource struct {
	group, version    string
	plural, singular  string
	kind              string
	namespaced        bool
	short, categories []string
	verbs             []string
	subresources      map[string][]string // name → verbs
	// fieldLabels are the field selectors accepted besides
	// metadata.name and metadata.namespace.
	fieldLabels []string
	// empty returns an empty object of the resource's API type.
	empty func() apiObject
}

func (r *resource) groupResource() schema.GroupResource {
	return schema.GroupResource{Group: r.group, Resource: r.plural}
}

func (r *resource) apiVersion() string {
	if r.group == "" {
		return r.version
	}
	return r.group + "/" + r.version
}

var (
	readVerbs  = []string{"get", "list", "watch"}
	writeVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

	deploymentsResource = &resource{group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment",
		namespaced: true, short: []string{"deploy"}, categories: []string{"all"}, verbs: writeVerbs,
		subresources: map[string][]string{"status": {"get", "patch", "update"}, "scale": {"get", "patch", "update"}},
		empty:        func() apiObject { return &appsv1.Deployment{} }}
	replicaSetsResource = &resource{group: "apps", version: "v1", plural: "replicasets", singular: "replicaset", kind: "ReplicaSet",
		namespaced: true, short: []string{"rs"}, categories: []string{"all"}, verbs: []string{"create", "delete", "deletecollection", "get", "list", "watch"},
		subresources: map[string][]string{"status": {"get"}, "scale": {"get", "patch", "update"}},
		empty:        func() apiObject { return &appsv1.ReplicaSet{} }}
	podsResource = &resource{version: "v1", plural: "pods", singular: "pod", kind: "Pod",
		namespaced: true, short: []string{"po"}, categories: []string{"all"}, verbs: []string{"delete", "deletecollection", "get", "list", "watch"},
		subresources: map[string][]string{"status": {"get"}, "eviction": {"create"}},
		fieldLabels:  []string{"spec.nodeName", "status.phase"}, empty: func() apiObject { return &corev1.Pod{} }}
	nodesResource = &resource{version: "v1", plural: "nodes", singular: "node", kind: "Node",
		short: []string{"no"}, verbs: writeVerbs, subresources: map[string][]string{"status": {"get"}},
		fieldLabels: []string{"spec.unschedulable"}, empty: func() apiObject { return &corev1.Node{} }}
	eventsResource = &resource{version: "v1", plural: "events", singular: "event", kind: "Event",
		namespaced: true, short: []string{"ev"}, verbs: readVerbs,
		fieldLabels: []string{"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
			"involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"},
		empty: func() apiObject { return &corev1.Event{} }}
	namespacesResource = &resource{version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace",
		short: []string{"ns"}, verbs: []string{"create", "get", "list", "watch"}, empty: func() apiObject { return &corev1.Namespace{} }}

	// leasesResource holds each node's lease in kube-node-lease, which
	// kubectl describe node shows.
	leasesResource = &resource{group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
		namespaced: true, verbs: []string{"get", "list"}, empty: func() apiObject { return &coordinationv1.Lease{} }}

	coreResources  = []*resource{eventsResource, namespacesResource, nodesResource, podsResource}
	appsResources  = []*resource{deploymentsResource, replicaSetsResource}
	leaseResources = []*resource{leasesResource}

	// groups are the API groups besides the core one, in discovery's order.
	groups = []struct {
		name      string
		resources []*resource
	}{{"apps", appsResources}, {"coordination.k8s.io", leaseResources}}
)

// nodeLeaseNamespace holds the nodes' leases.
const nodeLeaseNamespace = "kube-node-lease"

func groupResources(group string) []*resource {
	if group == "" {
		return coreResources
	}
	for _, g := range groups {
		if g.name == group {
			return g.resources
		}
	}
	return nil
}

func lookupResource(group, plural string) *resource {
	for _, r := range groupResources(group) {
		if r.plural == plural {
			return r
		}
	}
	return nil
}

// object is one object of the cluster as the Handler holds it: a write
// the cluster committed (or a current object dressed as one), or an event.
type object struct {
	w     rollsim.WatchEvent
	ev    *corev1.Event
	ns    *corev1.Namespace
	lease *coordinationv1.Lease
	// enc, for a write the watchers are offered, is shared by them.
	enc *encodings
}

func (o object) kind() string {
	switch {
	case o.lease != nil:
		return "Lease"
	case o.ev != nil:
		return "Event"
	case o.ns != nil:
		return "Namespace"
	}
	return o.w.Kind()
}

// other returns the object when it is no write of the cluster's: an
// event, a namespace or a lease; nil for a write.
func (o object) other() metav1.Object {
	switch {
	case o.lease != nil:
		return o.lease
	case o.ev != nil:
		return o.ev
	case o.ns != nil:
		return o.ns
	}
	return nil
}

func (o object) name() string {
	if x := o.other(); x != nil {
		return x.GetName()
	}
	return o.w.Meta().Name
}

func (o object) namespace() string {
	if x := o.other(); x != nil {
		return x.GetNamespace()
	}
	return o.w.Meta().Namespace
}

func (o object) labels() map[string]string {
	if x := o.other(); x != nil {
		return x.GetLabels()
	}
	return o.w.Meta().Labels
}

// fieldSet returns the fields a field selector may test.
func (o object) fieldSet() fields.Set {
	s := fields.Set{"metadata.name": o.name(), "metadata.namespace": o.namespace()}
	switch {
	case o.ev != nil:
		e := o.ev
		s["involvedObject.kind"] = e.InvolvedObject.Kind
		s["involvedObject.namespace"] = e.InvolvedObject.Namespace
		s["involvedObject.name"] = e.InvolvedObject.Name
		s["involvedObject.uid"] = string(e.InvolvedObject.UID)
		s["involvedObject.apiVersion"] = e.InvolvedObject.APIVersion
		s["involvedObject.resourceVersion"] = e.InvolvedObject.ResourceVersion
		s["involvedObject.fieldPath"] = e.InvolvedObject.FieldPath
		s["reason"] = e.Reason
		s["reportingComponent"] = e.ReportingController
		s["source"] = e.Source.Component
		s["type"] = e.Type
	case o.w.Pod != nil:
		s["spec.nodeName"] = o.w.Pod.NodeName
		s["status.phase"] = string(o.w.Pod.Phase)
	case o.w.Node != nil:
		s["spec.unschedulable"] = "false"
		if o.w.Node.Unschedulable {
			s["spec.unschedulable"] = "true"
		}
	}
	return s
}

// apiObject is an object of the API's types.
type apiObject interface {
	metav1.Object
	runtime.Object
}

// api returns the object as the API's type, with its kind and version.
func (o object) api() apiObject {
	switch {
	case o.lease != nil:
		return o.lease.DeepCopy()
	case o.ev != nil:
		return o.ev.DeepCopy()
	case o.ns != nil:
		return o.ns.DeepCopy()
	case o.w.Deployment != nil:
		return Deployment(o.w.Deployment)
	case o.w.ReplicaSet != nil:
		return ReplicaSet(o.w.ReplicaSet)
	case o.w.Pod != nil:
		return Pod(o.w.Pod)
	}
	return Node(o.w.Node)
}

// current dresses a current object as the write that made it so.
func current(e rollsim.WatchEvent) object {
	e.Type, e.ResourceVersion = rollsim.Added, e.Meta().ResourceVersion
	return object{w: e}
}

// objects returns the current objects of r in namespace ns ("" for
// every namespace), by namespace and name. Called with the lock held.
func (h *Handler) objects(r *resource, ns string) []object {
	var out []object
	add := func(o object) {
		if ns == "" || o.namespace() == ns {
			out = append(out, o)
		}
	}
	c := h.c
	switch r {
	case deploymentsResource:
		for _, d := range c.Deployments() {
			add(current(rollsim.WatchEvent{Deployment: d}))
		}
	case replicaSetsResource:
		for _, rs := range c.ReplicaSets() {
			add(current(rollsim.WatchEvent{ReplicaSet: rs}))
		}
	case podsResource:
		for _, p := range c.Pods() {
			add(current(rollsim.WatchEvent{Pod: p}))
		}
	case nodesResource:
		for _, n := range c.Nodes() {
			add(current(rollsim.WatchEvent{Node: n}))
		}
	case eventsResource:
		for _, ev := range h.events {
			add(object{ev: ev})
		}
		slices.SortStableFunc(out, func(a, b object) int {
			return cmp.Or(cmp.Compare(a.namespace(), b.namespace()), cmp.Compare(a.name(), b.name()))
		})
	case namespacesResource:
		for _, name := range slices.Sorted(maps.Keys(h.namespaces)) {
			add(object{ns: h.namespaceObject(name)})
		}
	case leasesResource:
		for _, n := range c.Nodes() {
			add(object{lease: h.nodeLease(n.Name, n.UID, n.CreationTimestamp)})
		}
	}
	return out
}

// nodeLease is the lease a node's kubelet keeps renewing: held by the
// node, renewed now.
func (h *Handler) nodeLease(node, uid string, created time.Time) *coordinationv1.Lease {
	renewed := metav1.NewMicroTime(h.c.Now())
	holder := node
	duration := int32(40)
	return &coordinationv1.Lease{
		TypeMeta: metav1.TypeMeta{APIVersion: "coordination.k8s.io/v1", Kind: "Lease"},
		ObjectMeta: metav1.ObjectMeta{Name: node, Namespace: nodeLeaseNamespace, CreationTimestamp: metav1.NewTime(created),
			ResourceVersion: strconv.FormatUint(h.c.ResourceVersion(), 10),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node, UID: types.UID(uid)}}},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &duration, RenewTime: &renewed},
	}
}

func (h *Handler) namespaceObject(name string) *corev1.Namespace {
	labels := maps.Clone(h.nsMeta[name].Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels["kubernetes.io/metadata.name"] = name
	return &corev1.Namespace{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: "", CreationTimestamp: h.namespaces[name],
			Labels: labels, Annotations: maps.Clone(h.nsMeta[name].Annotations), ResourceVersion: "1"},
		Spec:   corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
		Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
	}
}

// find returns the named object of r, or a NotFound error. Called with
// the lock held.
func (h *Handler) find(r *resource, ns, name string) (object, error) {
	c := h.c
	var e rollsim.WatchEvent
	var err error
	switch r {
	case deploymentsResource:
		e.Deployment, err = c.Deployment(ns, name)
	case replicaSetsResource:
		e.ReplicaSet, err = c.ReplicaSet(ns, name)
	case podsResource:
		e.Pod, err = c.Pod(ns, name)
	case nodesResource:
		e.Node, err = c.Node(name)
	case eventsResource:
		for _, ev := range h.events {
			if ev.Namespace == ns && ev.Name == name {
				return object{ev: ev}, nil
			}
		}
		return object{}, &meta.NotFoundError{Resource: "events", Name: name}
	case namespacesResource:
		if _, ok := h.namespaces[name]; !ok {
			return object{}, &meta.NotFoundError{Resource: "namespaces", Name: name}
		}
		return object{ns: h.namespaceObject(name)}, nil
	case leasesResource:
		n, err := c.Node(name)
		if err != nil || ns != nodeLeaseNamespace {
			return object{}, &meta.NotFoundError{Resource: "leases.coordination.k8s.io", Name: name}
		}
		return object{lease: h.nodeLease(n.Name, n.UID, n.CreationTimestamp)}, nil
	}
	if err != nil {
		return object{}, err
	}
	return current(e), nil
}
