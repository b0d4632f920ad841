package recorder

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"sync"
	"time"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	appsinternal "k8s.io/kubernetes/pkg/apis/apps"
	deploymentregistry "k8s.io/kubernetes/pkg/registry/apps/deployment"

	_ "k8s.io/kubernetes/pkg/apis/apps/install" // apps defaulting and conversion in legacyscheme
	_ "k8s.io/kubernetes/pkg/apis/core/install" // core defaulting and conversion in legacyscheme
)

// Resource names served by the in-process API server.
const (
	resDeployments = "deployments"
	resReplicaSets = "replicasets"
	resPods        = "pods"
	resNodes       = "nodes"
)

// nameAlphabet is the alphabet the API server draws generated name suffixes from.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// server is a small stand-in for kube-apiserver in front of client-go's fake
// clientset. It keeps its own store, applies defaulting, registry strategy
// rules (generation, status/spec split), validation, optimistic concurrency,
// patches and owner-reference garbage collection, and it feeds every committed
// write synchronously into the informer caches the controllers read.
type server struct {
	mu     sync.Mutex
	clock  *fakeClock
	objs   map[string]map[string]runtime.Object
	rv     int64
	uidSeq int64
	// lastPodStamp is the creation time of the last pod created.
	lastPodStamp time.Time
	rnd          *rand.Rand
	writes       int
	informers    map[string]*fakeInformer
	// onPodCreating sees every new pod (under mu) just before it is stored;
	// the recorder's scheduler binds it there.
	onPodCreating func(pod *corev1.Pod)
	// onPodTerminating is told (under mu) of a pod whose graceful deletion
	// has just begun; it reports whether the pod's kubelet will end it
	// later (false: the pod is removed at once).
	onPodTerminating func(pod *corev1.Pod) bool
	// isBound tells whether a pod without a nodeName was bound anyway (the
	// cluster had no Node objects when it was created).
	isBound func(name string) bool
	// onPodGone is told (under mu) that a pod was removed from the store.
	onPodGone func(name string)
	client    *fake.Clientset
}

func newServer(clock *fakeClock) *server {
	s := &server{
		clock:     clock,
		objs:      map[string]map[string]runtime.Object{},
		rnd:       rand.New(rand.NewSource(1)),
		informers: map[string]*fakeInformer{},
	}
	for _, r := range []string{resDeployments, resReplicaSets, resPods, resNodes} {
		s.objs[r] = map[string]runtime.Object{}
		s.informers[r] = newFakeInformer()
	}
	s.client = fake.NewClientset()
	s.client.PrependReactor("*", "*", s.react)
	s.client.PrependWatchReactor("*", func(action clienttesting.Action) (bool, watch.Interface, error) {
		return true, nil, fmt.Errorf("watch is not served")
	})
	return s
}

// writeCount returns how many writes have been committed so far.
func (s *server) writeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

func groupResource(res string) schema.GroupResource {
	switch res {
	case resDeployments, resReplicaSets:
		return schema.GroupResource{Group: "apps", Resource: res}
	}
	return schema.GroupResource{Resource: res}
}

func (s *server) react(action clienttesting.Action) (bool, runtime.Object, error) {
	res := action.GetResource().Resource
	if res == "events" {
		if ca, ok := action.(clienttesting.CreateAction); ok {
			return true, ca.GetObject(), nil
		}
		return true, nil, nil
	}
	if _, ok := s.objs[res]; !ok {
		return true, nil, fmt.Errorf("resource %q is not served", res)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch action.GetVerb() {
	case "get":
		a := action.(clienttesting.GetAction)
		obj, ok := s.objs[res][a.GetName()]
		if !ok {
			return true, nil, apierrors.NewNotFound(groupResource(res), a.GetName())
		}
		return true, obj.DeepCopyObject(), nil
	case "list":
		return true, s.list(res), nil
	case "create":
		a := action.(clienttesting.CreateAction)
		obj, err := s.create(res, a.GetObject().DeepCopyObject())
		return true, obj, err
	case "update":
		a := action.(clienttesting.UpdateAction)
		obj, err := s.update(res, a.GetObject().DeepCopyObject(), a.GetSubresource() == "status")
		return true, obj, err
	case "patch":
		a := action.(clienttesting.PatchAction)
		obj, err := s.patch(res, a.GetName(), a.GetPatchType(), a.GetPatch(), a.GetSubresource() == "status")
		return true, obj, err
	case "delete":
		a := action.(clienttesting.DeleteAction)
		if res == resPods {
			return true, nil, s.deletePod(a.GetName(), a.GetDeleteOptions().GracePeriodSeconds)
		}
		err := s.delete(res, a.GetName())
		return true, nil, err
	}
	return true, nil, fmt.Errorf("verb %q is not served", action.GetVerb())
}

func (s *server) sortedNames(res string) []string {
	names := make([]string, 0, len(s.objs[res]))
	for n := range s.objs[res] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *server) list(res string) runtime.Object {
	rv := fmt.Sprint(s.rv)
	switch res {
	case resDeployments:
		l := &appsv1.DeploymentList{ListMeta: metav1.ListMeta{ResourceVersion: rv}}
		for _, n := range s.sortedNames(res) {
			l.Items = append(l.Items, *s.objs[res][n].(*appsv1.Deployment).DeepCopy())
		}
		return l
	case resReplicaSets:
		l := &appsv1.ReplicaSetList{ListMeta: metav1.ListMeta{ResourceVersion: rv}}
		for _, n := range s.sortedNames(res) {
			l.Items = append(l.Items, *s.objs[res][n].(*appsv1.ReplicaSet).DeepCopy())
		}
		return l
	case resPods:
		l := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: rv}}
		for _, n := range s.sortedNames(res) {
			l.Items = append(l.Items, *s.objs[res][n].(*corev1.Pod).DeepCopy())
		}
		return l
	default:
		l := &corev1.NodeList{ListMeta: metav1.ListMeta{ResourceVersion: rv}}
		for _, n := range s.sortedNames(res) {
			l.Items = append(l.Items, *s.objs[res][n].(*corev1.Node).DeepCopy())
		}
		return l
	}
}

// stamp returns the creation timestamp of an object created now. The API
// server keeps it to the second, and so it is here, so that upstream's
// controllers break ties within a second as in a cluster: ReplicaSets by
// name. Pods are the exception: upstream's scale-down ranking leaves pods
// created in the same second unordered (the lister's order decides, which
// a cluster does not fix), so pods created at one fake instant are a
// microsecond apart in creation order, the newest ranked first.
func (s *server) stamp(obj runtime.Object) time.Time {
	t := s.clock.Now()
	if _, ok := obj.(*corev1.Pod); !ok {
		return t.Truncate(time.Second)
	}
	if !t.After(s.lastPodStamp) {
		t = s.lastPodStamp.Add(time.Microsecond)
	}
	s.lastPodStamp = t
	return t
}

// nextUID hands out uids that sort in decreasing order of creation, so that a
// tie broken on uid ranks the newer object first.
func (s *server) nextUID() types.UID {
	s.uidSeq++
	return types.UID(fmt.Sprintf("%012d-0000-4000-8000-000000000000", 999999999999-s.uidSeq))
}

func (s *server) suffix() string {
	b := make([]byte, 5)
	for i := range b {
		b[i] = nameAlphabet[s.rnd.Intn(len(nameAlphabet))]
	}
	return string(b)
}

func (s *server) create(res string, obj runtime.Object) (runtime.Object, error) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	if acc.GetName() == "" && acc.GetGenerateName() != "" {
		for {
			n := acc.GetGenerateName() + s.suffix()
			if _, taken := s.objs[res][n]; !taken {
				acc.SetName(n)
				break
			}
		}
	}
	if acc.GetName() == "" {
		return nil, apierrors.NewBadRequest("name or generateName is required")
	}
	if _, exists := s.objs[res][acc.GetName()]; exists {
		return nil, apierrors.NewAlreadyExists(groupResource(res), acc.GetName())
	}
	if res != resNodes && acc.GetNamespace() == "" {
		acc.SetNamespace(metav1.NamespaceDefault)
	}
	legacyscheme.Scheme.Default(obj)
	switch o := obj.(type) {
	case *appsv1.Deployment:
		o.Status = appsv1.DeploymentStatus{}
		o.Generation = 1
		if err := validateDeployment(o, nil); err != nil {
			return nil, err
		}
	case *appsv1.ReplicaSet:
		o.Status = appsv1.ReplicaSetStatus{}
		o.Generation = 1
	case *corev1.Pod:
		o.Status = corev1.PodStatus{Phase: corev1.PodPending}
	}
	acc.SetUID(s.nextUID())
	acc.SetCreationTimestamp(metav1.NewTime(s.stamp(obj)))
	acc.SetDeletionTimestamp(nil)
	if p, ok := obj.(*corev1.Pod); ok && s.onPodCreating != nil {
		s.onPodCreating(p)
	}
	s.commit(res, nil, obj)
	return obj.DeepCopyObject(), nil
}

// validateDeployment runs the registry's validation on the internal form.
func validateDeployment(d *appsv1.Deployment, old *appsv1.Deployment) error {
	in := &appsinternal.Deployment{}
	if err := legacyscheme.Scheme.Convert(d, in, nil); err != nil {
		return err
	}
	ctx := context.Background()
	if old == nil {
		if fe := deploymentregistry.Strategy.Validate(ctx, in); len(fe) > 0 {
			return apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: "Deployment"}, d.Name, fe)
		}
		return nil
	}
	oldIn := &appsinternal.Deployment{}
	if err := legacyscheme.Scheme.Convert(old, oldIn, nil); err != nil {
		return err
	}
	if fe := deploymentregistry.Strategy.ValidateUpdate(ctx, in, oldIn); len(fe) > 0 {
		return apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: "Deployment"}, d.Name, fe)
	}
	return nil
}

func (s *server) update(res string, obj runtime.Object, status bool) (runtime.Object, error) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	cur, ok := s.objs[res][acc.GetName()]
	if !ok {
		return nil, apierrors.NewNotFound(groupResource(res), acc.GetName())
	}
	curAcc, _ := meta.Accessor(cur)
	if rv := acc.GetResourceVersion(); rv != "" && rv != curAcc.GetResourceVersion() {
		return nil, apierrors.NewConflict(groupResource(res), acc.GetName(),
			fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	legacyscheme.Scheme.Default(obj)
	// Fields owned by the server.
	acc.SetUID(curAcc.GetUID())
	acc.SetCreationTimestamp(curAcc.GetCreationTimestamp())
	acc.SetNamespace(curAcc.GetNamespace())
	acc.SetResourceVersion(curAcc.GetResourceVersion())
	switch o := obj.(type) {
	case *appsv1.Deployment:
		c := cur.(*appsv1.Deployment)
		o.Generation = c.Generation
		if status {
			o.Spec = c.Spec
			o.Labels = c.Labels
			s.fixConditionTimes(o, c)
		} else {
			o.Status = c.Status
			if !apiequality.Semantic.DeepEqual(o.Spec, c.Spec) || !apiequality.Semantic.DeepEqual(o.Annotations, c.Annotations) {
				o.Generation = c.Generation + 1
			}
			if err := validateDeployment(o, c); err != nil {
				return nil, err
			}
		}
	case *appsv1.ReplicaSet:
		c := cur.(*appsv1.ReplicaSet)
		o.Generation = c.Generation
		if status {
			o.Spec = c.Spec
			o.Labels = c.Labels
		} else {
			o.Status = c.Status
			if !apiequality.Semantic.DeepEqual(o.Spec, c.Spec) {
				o.Generation = c.Generation + 1
			}
		}
	case *corev1.Pod:
		c := cur.(*corev1.Pod)
		if status {
			o.Spec = c.Spec
		} else {
			o.Status = c.Status
		}
	}
	if apiequality.Semantic.DeepEqual(obj, cur) {
		return cur.DeepCopyObject(), nil
	}
	s.commit(res, cur, obj)
	return obj.DeepCopyObject(), nil
}

// fixConditionTimes replaces condition timestamps that the controller took
// from the wall clock with the fake time, kept to the second as the API
// server's serialization does.
func (s *server) fixConditionTimes(d, old *appsv1.Deployment) {
	now := metav1.NewTime(s.clock.Now().Truncate(time.Second))
	for i := range d.Status.Conditions {
		c := &d.Status.Conditions[i]
		var prev *appsv1.DeploymentCondition
		for j := range old.Status.Conditions {
			if old.Status.Conditions[j].Type == c.Type {
				prev = &old.Status.Conditions[j]
			}
		}
		c.LastUpdateTime = s.fixTime(c.LastUpdateTime, prev, now, true)
		c.LastTransitionTime = s.fixTime(c.LastTransitionTime, prev, now, false)
	}
}

func (s *server) fixTime(t metav1.Time, prev *appsv1.DeploymentCondition, now metav1.Time, update bool) metav1.Time {
	if prev != nil {
		p := prev.LastTransitionTime
		if update {
			p = prev.LastUpdateTime
		}
		if t.Equal(&p) {
			return p
		}
	}
	if t.Time.After(s.clock.Now().Add(time.Second)) {
		return now
	}
	return metav1.NewTime(t.Time.Truncate(time.Second))
}

func (s *server) patch(res, name string, pt types.PatchType, data []byte, status bool) (runtime.Object, error) {
	cur, ok := s.objs[res][name]
	if !ok {
		return nil, apierrors.NewNotFound(groupResource(res), name)
	}
	curJSON, err := json.Marshal(cur)
	if err != nil {
		return nil, err
	}
	var out []byte
	switch pt {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(data)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		out, err = p.Apply(curJSON)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	case types.MergePatchType:
		out, err = jsonpatch.MergePatch(curJSON, data)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	case types.StrategicMergePatchType:
		out, err = strategicpatch.StrategicMergePatch(curJSON, data, reflect.New(reflect.TypeOf(cur).Elem()).Interface())
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("patch type %q is not served", pt))
	}
	obj := reflect.New(reflect.TypeOf(cur).Elem()).Interface().(runtime.Object)
	if err := json.Unmarshal(out, obj); err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	acc, _ := meta.Accessor(obj)
	acc.SetResourceVersion("")
	return s.update(res, obj, status)
}

func (s *server) delete(res, name string) error {
	cur, ok := s.objs[res][name]
	if !ok {
		return apierrors.NewNotFound(groupResource(res), name)
	}
	s.commit(res, cur, nil)
	if res == resPods && s.onPodGone != nil {
		s.onPodGone(name)
	}
	// Garbage collection: whatever this object controlled goes too, as
	// the garbage collector deletes it: with the default options, so a
	// bound pod is deleted gracefully.
	curAcc, _ := meta.Accessor(cur)
	for _, r := range []string{resReplicaSets, resPods} {
		for _, n := range s.sortedNames(r) {
			o := s.objs[r][n]
			acc, _ := meta.Accessor(o)
			for _, ref := range acc.GetOwnerReferences() {
				if ref.UID == curAcc.GetUID() {
					if r == resPods {
						_ = s.deletePod(n, nil)
					} else {
						_ = s.delete(r, n)
					}
					break
				}
			}
		}
	}
	return nil
}

// deletePod deletes a pod as the API server's pod storage does. The grace
// period is the one asked for, else the pod's terminationGracePeriodSeconds;
// it is 0 for a pod not bound to a node (or in a terminal phase). A
// positive period makes the deletion graceful: the pod gets its
// deletionTimestamp (now + period, kept to the second) and
// deletionGracePeriodSeconds and stays until its kubelet removes it. A
// graceful deletion already under way is left as it is unless the new
// period would end it sooner.
func (s *server) deletePod(name string, grace *int64) error {
	cur, ok := s.objs[resPods][name]
	if !ok {
		return apierrors.NewNotFound(groupResource(resPods), name)
	}
	p := cur.(*corev1.Pod)
	period := int64(0)
	if grace != nil {
		period = *grace
	} else if p.Spec.TerminationGracePeriodSeconds != nil {
		period = *p.Spec.TerminationGracePeriodSeconds
	}
	if !s.podBoundLocked(p) || p.Status.Phase == corev1.PodFailed || p.Status.Phase == corev1.PodSucceeded {
		period = 0
	}
	if period < 0 {
		period = 1
	}
	if period == 0 {
		return s.delete(resPods, name)
	}
	at := metav1.NewTime(s.clock.Now().Add(time.Duration(period) * time.Second).Truncate(time.Second))
	if p.DeletionTimestamp != nil {
		if !at.Before(p.DeletionTimestamp) {
			return nil
		}
	}
	cp := p.DeepCopy()
	cp.DeletionTimestamp = &at
	cp.DeletionGracePeriodSeconds = &period
	if s.onPodTerminating != nil && p.DeletionTimestamp == nil && !s.onPodTerminating(cp) {
		return s.delete(resPods, name)
	}
	s.commit(resPods, cur, cp)
	return nil
}

// podBoundLocked tells whether the pod is on a node: bound to a Node
// object, or, while the cluster has no Node objects, started by the
// recorder's kubelet at once (such pods keep an empty nodeName).
func (s *server) podBoundLocked(p *corev1.Pod) bool {
	if p.Spec.NodeName != "" {
		return true
	}
	return s.isBound != nil && s.isBound(p.Name)
}

// commit stores (or removes, when obj is nil) an object, bumps the global
// resourceVersion and tells the informers at once.
func (s *server) commit(res string, old, obj runtime.Object) {
	s.writes++
	if debugWrites && os.Getenv("RECORDER_DEBUG") == "2" {
		debugWrite(res, old, obj)
	}
	inf := s.informers[res]
	if obj == nil {
		acc, _ := meta.Accessor(old)
		delete(s.objs[res], acc.GetName())
		inf.deleted(old)
		return
	}
	s.rv++
	acc, _ := meta.Accessor(obj)
	acc.SetResourceVersion(fmt.Sprint(s.rv))
	stored := obj.DeepCopyObject()
	s.objs[res][acc.GetName()] = stored
	if old == nil {
		inf.added(stored)
	} else {
		inf.updated(old, stored)
	}
}

// getLocked returns the stored object (callers hold mu and must not modify it).
func (s *server) getLocked(res, name string) runtime.Object {
	return s.objs[res][name]
}

// doCreate creates an object on behalf of a kubectl command.
func (s *server) doCreate(res string, obj runtime.Object) (runtime.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.create(res, obj.DeepCopyObject())
}

// doPatch patches an object on behalf of a kubectl command.
func (s *server) doPatch(res, name string, pt types.PatchType, data []byte) (runtime.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.patch(res, name, pt, data, false)
}
