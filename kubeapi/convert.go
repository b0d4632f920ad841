package kubeapi

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// KubeletVersion is the version a simulated node reports, the release
// the simulator follows: the version the API server gives too.
const KubeletVersion = scheduler.KubeletVersion

func ptr[T any](v T) *T { return &v }

// deref is what p points to, or the zero value for nil.
func deref[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// convertEach converts every element of in, keeping nil as nil.
func convertEach[A, B any](in []A, convert func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = convert(a)
	}
	return out
}

// The conditions of Deployments and ReplicaSets, to and from the API's
// types; a ReplicaSet's have no update time.

func apiDeploymentCondition(c deployment.Condition) appsv1.DeploymentCondition {
	return appsv1.DeploymentCondition{Type: appsv1.DeploymentConditionType(c.Type), Status: corev1.ConditionStatus(c.Status),
		Reason: c.Reason, Message: c.Message, LastUpdateTime: apiTime(c.LastUpdateTime), LastTransitionTime: apiTime(c.LastTransitionTime)}
}

func fromDeploymentCondition(c appsv1.DeploymentCondition) deployment.Condition {
	return deployment.Condition{Type: string(c.Type), Status: string(c.Status),
		Reason: c.Reason, Message: c.Message, LastUpdateTime: c.LastUpdateTime.Time, LastTransitionTime: c.LastTransitionTime.Time}
}

func apiReplicaSetCondition(c replicaset.Condition) appsv1.ReplicaSetCondition {
	return appsv1.ReplicaSetCondition{Type: appsv1.ReplicaSetConditionType(c.Type), Status: corev1.ConditionStatus(c.Status),
		Reason: c.Reason, Message: c.Message, LastTransitionTime: apiTime(c.LastTransitionTime)}
}

func fromReplicaSetCondition(c appsv1.ReplicaSetCondition) replicaset.Condition {
	return replicaset.Condition{Type: string(c.Type), Status: string(c.Status),
		Reason: c.Reason, Message: c.Message, LastTransitionTime: c.LastTransitionTime.Time}
}

// objectMeta converts metadata. CreationIndex has no place in the API's
// metadata: the cluster orders objects created at one instant by it and
// gives every object it creates a new one, so it is not carried.
func objectMeta(m *meta.ObjectMeta) metav1.ObjectMeta {
	out := metav1.ObjectMeta{
		Name:              m.Name,
		Namespace:         m.Namespace,
		UID:               types.UID(m.UID),
		Generation:        m.Generation,
		CreationTimestamp: metav1.NewTime(m.CreationTimestamp),
		Labels:            cloneMap(m.Labels),
		Annotations:       cloneMap(m.Annotations),
	}
	if m.ResourceVersion != 0 {
		out.ResourceVersion = strconv.FormatUint(m.ResourceVersion, 10)
	}
	if o := m.Owner; o != nil {
		apiVersion := "v1"
		if o.Kind == "Deployment" || o.Kind == "ReplicaSet" {
			apiVersion = "apps/v1"
		}
		out.OwnerReferences = []metav1.OwnerReference{{
			APIVersion:         apiVersion,
			Kind:               o.Kind,
			Name:               o.Name,
			UID:                types.UID(o.UID),
			Controller:         ptr(true),
			BlockOwnerDeletion: ptr(true),
		}}
	}
	return out
}

// fromObjectMeta converts the metadata rollsim keeps; the controlling
// owner reference becomes Owner.
func fromObjectMeta(in *metav1.ObjectMeta) (meta.ObjectMeta, error) {
	out := meta.ObjectMeta{
		Name:              in.Name,
		Namespace:         in.Namespace,
		UID:               string(in.UID),
		Generation:        in.Generation,
		CreationTimestamp: in.CreationTimestamp.Time,
		Labels:            cloneMap(in.Labels),
		Annotations:       cloneMap(in.Annotations),
	}
	if in.ResourceVersion != "" {
		rv, err := ParseResourceVersion(in.ResourceVersion)
		if err != nil {
			return out, err
		}
		out.ResourceVersion = rv
	}
	if o := metav1.GetControllerOfNoCopy(in); o != nil {
		out.Owner = &meta.OwnerRef{Kind: o.Kind, Name: o.Name, UID: string(o.UID)}
	}
	return out, nil
}

// ParseResourceVersion reads a resourceVersion as the cluster writes it:
// a decimal number of its one sequence of writes.
func ParseResourceVersion(s string) (uint64, error) {
	rv, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid resource version %q", s)
	}
	return rv, nil
}

// requestVersion reads the resourceVersion a list or watch starts from:
// an object's, or an event's, which is the version of the write it
// followed, a dot and its own number ("12.3" starts from 12).
func requestVersion(s string) (uint64, error) {
	n, seq, event := strings.Cut(s, ".")
	rv, err := strconv.ParseUint(n, 10, 64)
	if event {
		_, err2 := strconv.ParseUint(seq, 10, 64)
		err = cmp.Or(err, err2)
	}
	if err != nil {
		return 0, fmt.Errorf("invalid resource version %q", s)
	}
	return rv, nil
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func labelSelector(s *meta.Selector) *metav1.LabelSelector {
	if s == nil {
		return nil
	}
	out := &metav1.LabelSelector{MatchLabels: cloneMap(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{
			Key:      r.Key,
			Operator: metav1.LabelSelectorOperator(r.Operator),
			Values:   append([]string(nil), r.Values...),
		})
	}
	return out
}

func intOrString(v *deployment.IntOrPercent) *intstr.IntOrString {
	switch {
	case v == nil:
		return nil
	case v.IsPercent:
		return ptr(intstr.FromString(v.Str))
	}
	return ptr(intstr.FromInt32(v.Int))
}

func apiTime(t time.Time) metav1.Time {
	if t.IsZero() {
		return metav1.Time{}
	}
	return metav1.NewTime(t)
}

// Deployment returns d as an apps/v1 Deployment, metadata, spec and
// status, sharing nothing with d. The pod template is written as
// pod.Template.API writes it.
func Deployment(d *deployment.Deployment) *appsv1.Deployment {
	s := &d.Spec
	out := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: deploymentMeta(d),
		Spec: appsv1.DeploymentSpec{
			Replicas:                clonePtr(s.Replicas),
			Selector:                labelSelector(s.Selector),
			Template:                s.Template.API(),
			Strategy:                appsv1.DeploymentStrategy{Type: appsv1.DeploymentStrategyType(s.Strategy.Type)},
			MinReadySeconds:         s.MinReadySeconds,
			RevisionHistoryLimit:    clonePtr(s.RevisionHistoryLimit),
			Paused:                  s.Paused,
			ProgressDeadlineSeconds: clonePtr(s.ProgressDeadlineSeconds),
		},
	}
	if ru := s.Strategy.RollingUpdate; ru != nil {
		out.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{
			MaxUnavailable: intOrString(ru.MaxUnavailable),
			MaxSurge:       intOrString(ru.MaxSurge),
		}
	}
	st := &d.Status
	out.Status = appsv1.DeploymentStatus{
		ObservedGeneration:  st.ObservedGeneration,
		Replicas:            st.Replicas,
		UpdatedReplicas:     st.UpdatedReplicas,
		ReadyReplicas:       st.ReadyReplicas,
		AvailableReplicas:   st.AvailableReplicas,
		UnavailableReplicas: st.UnavailableReplicas,
		TerminatingReplicas: ptr(st.TerminatingReplicas),
		CollisionCount:      clonePtr(st.CollisionCount),
		Conditions:          convertEach(st.Conditions, apiDeploymentCondition),
	}
	return out
}

// deploymentMeta is d's metadata with the fields it keeps as the API's
// type (generateName, ownerReferences, finalizers).
func deploymentMeta(d *deployment.Deployment) metav1.ObjectMeta {
	m := objectMeta(&d.ObjectMeta)
	if x := d.Meta.DeepCopy(); x != nil {
		m.GenerateName, m.OwnerReferences, m.Finalizers = x.GenerateName, x.OwnerReferences, x.Finalizers
	}
	return m
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// FromDeployment converts an apps/v1 Deployment to the simulator's:
// spec and template as manifest.FromDeployment converts them (a field the
// simulator has no place for is an error), then the server-set metadata
// (uid, resourceVersion, generation, creation time) and the status, so
// that FromDeployment(Deployment(d)) gives d back but for CreationIndex.
func FromDeployment(in *appsv1.Deployment) (*deployment.Deployment, error) {
	if in == nil {
		return nil, errors.New("nil Deployment")
	}
	d, err := manifest.FromDeployment(in)
	if err != nil {
		return nil, err
	}
	if d.Spec.Template, err = fromTemplate(&in.Spec.Template); err != nil {
		return nil, err
	}
	if d.ObjectMeta, err = fromObjectMeta(&in.ObjectMeta); err != nil {
		return nil, err
	}
	st := &in.Status
	d.Status = deployment.Status{
		ObservedGeneration:  st.ObservedGeneration,
		Replicas:            st.Replicas,
		UpdatedReplicas:     st.UpdatedReplicas,
		ReadyReplicas:       st.ReadyReplicas,
		AvailableReplicas:   st.AvailableReplicas,
		UnavailableReplicas: st.UnavailableReplicas,
		TerminatingReplicas: deref(st.TerminatingReplicas),
		CollisionCount:      clonePtr(st.CollisionCount),
		Conditions:          convertEach(st.Conditions, fromDeploymentCondition),
	}
	return d, nil
}

// fromTemplate converts a template as manifest.FromPodTemplate does, then
// drops the kept fields that hold only what defaulting writes: the
// cluster keeps a template of modeled fields without them, and so takes
// its fast paths.
func fromTemplate(in *corev1.PodTemplateSpec) (pod.Template, error) {
	t, err := manifest.FromPodTemplate(in)
	if err != nil {
		return t, err
	}
	simpleT := t.Clone()
	simpleT.Spec.Extra = nil
	extra := false
	for i := range simpleT.Spec.Containers {
		extra = extra || simpleT.Spec.Containers[i].Extra != nil
		simpleT.Spec.Containers[i].Extra = nil
	}
	if (extra || t.Spec.Extra != nil) && equality.Semantic.DeepEqual(simpleT.API(), t.API()) {
		return simpleT, nil
	}
	return t, nil
}

// ReplicaSet returns rs as an apps/v1 ReplicaSet, sharing nothing with rs.
func ReplicaSet(rs *replicaset.ReplicaSet) *appsv1.ReplicaSet {
	out := &appsv1.ReplicaSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		ObjectMeta: objectMeta(&rs.ObjectMeta),
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        ptr(rs.Spec.Replicas),
			MinReadySeconds: rs.Spec.MinReadySeconds,
			Selector:        labelSelector(rs.Spec.Selector),
			Template:        rs.Spec.Template.API(),
		},
		Status: appsv1.ReplicaSetStatus{
			Replicas:             rs.Status.Replicas,
			FullyLabeledReplicas: rs.Status.FullyLabeledReplicas,
			ReadyReplicas:        rs.Status.ReadyReplicas,
			AvailableReplicas:    rs.Status.AvailableReplicas,
			TerminatingReplicas:  ptr(rs.Status.TerminatingReplicas),
			ObservedGeneration:   rs.Status.ObservedGeneration,
			Conditions:           convertEach(rs.Status.Conditions, apiReplicaSetCondition),
		},
	}
	return out
}

// FromReplicaSet converts an apps/v1 ReplicaSet to the simulator's, its
// template as manifest.FromPodTemplate converts it; nil replicas is 1, as
// the API server defaults it.
func FromReplicaSet(in *appsv1.ReplicaSet) (*replicaset.ReplicaSet, error) {
	if in == nil {
		return nil, errors.New("nil ReplicaSet")
	}
	om, err := fromObjectMeta(&in.ObjectMeta)
	if err != nil {
		return nil, err
	}
	tmpl, err := fromTemplate(&in.Spec.Template)
	if err != nil {
		return nil, err
	}
	rs := &replicaset.ReplicaSet{ObjectMeta: om}
	rs.Spec = replicaset.Spec{
		Replicas:        1,
		MinReadySeconds: in.Spec.MinReadySeconds,
		Selector:        manifest.FromLabelSelector(in.Spec.Selector),
		Template:        tmpl,
	}
	if in.Spec.Replicas != nil {
		rs.Spec.Replicas = *in.Spec.Replicas
	}
	st := &in.Status
	rs.Status = replicaset.Status{
		Replicas:             st.Replicas,
		FullyLabeledReplicas: st.FullyLabeledReplicas,
		ReadyReplicas:        st.ReadyReplicas,
		AvailableReplicas:    st.AvailableReplicas,
		ObservedGeneration:   st.ObservedGeneration,
		TerminatingReplicas:  deref(st.TerminatingReplicas),
		Conditions:           convertEach(st.Conditions, fromReplicaSetCondition),
	}
	return rs, nil
}

// Pod returns p as a v1 Pod. Its status says what the simulated
// lifecycle says, in the kubelet's terms: PodScheduled once bound (False
// with the scheduler's reason while waiting for room), the container
// waiting in ContainerCreating until it starts, then running, Ready when
// the pod is.
func Pod(p *pod.Pod) *corev1.Pod {
	out := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: objectMeta(&p.ObjectMeta),
	}
	if p.Spec != nil {
		t := pod.Template{Spec: *p.Spec}
		out.Spec = t.API().Spec
	}
	out.Spec.NodeName = p.NodeName
	if p.Terminating() {
		at := apiTime(p.DeletionTimestamp)
		out.DeletionTimestamp = &at
		out.DeletionGracePeriodSeconds = ptr(p.DeletionGracePeriodSeconds)
	}
	st := &out.Status
	st.Phase = corev1.PodPhase(p.Phase)
	if !p.Bound {
		if p.Reason != "" {
			st.Conditions = []corev1.PodCondition{{
				Type:    corev1.PodScheduled,
				Status:  corev1.ConditionFalse,
				Reason:  p.Reason,
				Message: p.Message,
			}}
		}
		return out
	}
	bound := apiTime(p.BoundAt)
	running := p.Phase == pod.Running
	ready := corev1.ConditionFalse
	readyAt := bound
	var notReady string
	if p.Ready {
		ready = corev1.ConditionTrue
		readyAt = apiTime(p.ReadyTime)
	} else {
		notReady = "ContainersNotReady"
	}
	started := corev1.ConditionFalse
	if running {
		started = corev1.ConditionTrue
	}
	st.Conditions = []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: started, LastTransitionTime: bound},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: bound},
		{Type: corev1.PodReady, Status: ready, Reason: notReady, LastTransitionTime: readyAt},
		{Type: corev1.ContainersReady, Status: ready, Reason: notReady, LastTransitionTime: readyAt},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: bound},
	}
	st.StartTime = &bound
	st.QOSClass = qosClass(p.Spec)
	if p.Spec == nil {
		return out
	}
	last, previous := runStarts(p)
	for _, c := range out.Spec.Containers {
		cs := corev1.ContainerStatus{Name: c.Name, Image: c.Image, Ready: p.Ready, Started: ptr(running && !p.CrashLooping), RestartCount: p.Restarts}
		switch {
		case p.CrashLooping:
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}
			cs.LastTerminationState.Terminated = terminated(last, p.LastExit)
		case running:
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: apiTime(last)}
			if p.Restarts > 0 {
				cs.LastTerminationState.Terminated = terminated(previous, p.LastExit)
			}
		default:
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	return out
}

// runStarts returns when a pod's container last started and when the run
// before that one started (the same, before any restart). The kubelet
// starts it once the pod has started up; a crash-looping one exits a
// startup period after each start and is started again its back-off
// after each exit.
func runStarts(p *pod.Pod) (last, previous time.Time) {
	last = p.ReadyAt()
	previous = last
	for n := int32(1); n <= p.Restarts; n++ {
		previous = last
		last = last.Add(p.Startup + kubelet.BackOff(n-1))
	}
	return last, previous
}

// terminated is the state of a container run that crashed.
func terminated(started, finished time.Time) *corev1.ContainerStateTerminated {
	return &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", StartedAt: apiTime(started), FinishedAt: apiTime(finished)}
}

// qosClass classes a pod as the API server does, from its containers'
// requests and limits.
func qosClass(s *pod.Spec) corev1.PodQOSClass {
	if s == nil {
		return corev1.PodQOSBestEffort
	}
	any, guaranteed := false, true
	for _, c := range s.Containers {
		if !c.Requests.IsZero() || !c.Limits.IsZero() {
			any = true
		}
		if c.Limits.MilliCPU == 0 || c.Limits.Memory == 0 ||
			(c.Requests.MilliCPU != 0 && c.Requests.MilliCPU != c.Limits.MilliCPU) ||
			(c.Requests.Memory != 0 && c.Requests.Memory != c.Limits.Memory) {
			guaranteed = false
		}
	}
	switch {
	case !any:
		return corev1.PodQOSBestEffort
	case guaranteed:
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}

// FromPod converts a v1 Pod to the simulator's, reading the lifecycle
// back from the status Pod writes: bound when PodScheduled is True (at its
// transition), Ready and ReadyTime from the Ready condition, the startup
// delay from the running container's start. A pod not yet started keeps
// no startup delay, nor whether its image is never-ready: the status does
// not say. Available is its ReplicaSet's to keep and is not carried.
func FromPod(in *corev1.Pod) (*pod.Pod, error) {
	if in == nil {
		return nil, errors.New("nil Pod")
	}
	om, err := fromObjectMeta(&in.ObjectMeta)
	if err != nil {
		return nil, err
	}
	spec := in.Spec.DeepCopy()
	spec.NodeName = ""
	tmpl, err := fromTemplate(&corev1.PodTemplateSpec{Spec: *spec})
	if err != nil {
		return nil, err
	}
	p := &pod.Pod{ObjectMeta: om, Spec: &tmpl.Spec, NodeName: in.Spec.NodeName, Phase: pod.Phase(in.Status.Phase)}
	for _, c := range in.Status.Conditions {
		switch c.Type {
		case corev1.PodScheduled:
			if c.Status == corev1.ConditionTrue {
				p.Bound = true
				p.BoundAt = c.LastTransitionTime.Time
			} else {
				p.Reason, p.Message = c.Reason, c.Message
			}
		case corev1.PodReady:
			if c.Status == corev1.ConditionTrue {
				p.Ready = true
				p.ReadyTime = c.LastTransitionTime.Time
			}
		}
	}
	if dt := in.DeletionTimestamp; dt != nil {
		p.DeletionTimestamp = dt.Time
		if g := in.DeletionGracePeriodSeconds; g != nil {
			p.DeletionGracePeriodSeconds = *g
		}
	}
	for _, cs := range in.Status.ContainerStatuses {
		p.Restarts = max(p.Restarts, cs.RestartCount)
		if w := cs.State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" {
			p.CrashLooping = true
		}
		if t := cs.LastTerminationState.Terminated; t != nil && t.FinishedAt.After(p.LastExit) {
			p.LastExit = t.FinishedAt.Time
		}
	}
	for _, cs := range in.Status.ContainerStatuses {
		if r := cs.State.Running; r != nil && p.Bound {
			// The current run began after the pod started up and after
			// every earlier run, each as long, and every back-off.
			since := r.StartedAt.Sub(p.BoundAt)
			for n := int32(0); n < p.Restarts; n++ {
				since -= kubelet.BackOff(n)
			}
			p.Startup = since / time.Duration(p.Restarts+1)
			p.NeverReady = !p.Ready
			break
		}
		if t := cs.LastTerminationState.Terminated; t != nil && p.CrashLooping && !t.StartedAt.IsZero() {
			// Waiting to restart: the crashed run lasted a startup period.
			p.Startup = t.FinishedAt.Sub(t.StartedAt.Time)
			break
		}
	}
	return p, nil
}

// Node returns n as a v1 Node: a Ready node whose capacity is its
// allocatable.
func Node(n *scheduler.Node) *corev1.Node {
	out := &corev1.Node{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: objectMeta(&n.ObjectMeta),
		Spec:       corev1.NodeSpec{Unschedulable: n.Unschedulable},
	}
	out.Namespace = ""
	a := n.Allocatable
	if a.MilliCPU != nil || a.Memory != nil || a.Pods != nil {
		l := corev1.ResourceList{}
		if a.MilliCPU != nil {
			l[corev1.ResourceCPU] = *apiresource.NewMilliQuantity(*a.MilliCPU, apiresource.DecimalSI)
		}
		if a.Memory != nil {
			l[corev1.ResourceMemory] = *apiresource.NewQuantity(*a.Memory, apiresource.BinarySI)
		}
		if a.Pods != nil {
			l[corev1.ResourcePods] = *apiresource.NewQuantity(*a.Pods, apiresource.DecimalSI)
		}
		out.Status.Allocatable = l
		out.Status.Capacity = l.DeepCopy()
	}
	if n.Unschedulable {
		out.Spec.Taints = []corev1.Taint{{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}}
	}
	created := apiTime(n.CreationTimestamp)
	out.Status.Conditions = []corev1.NodeCondition{{
		Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
		Message: "kubelet is posting ready status", LastHeartbeatTime: created, LastTransitionTime: created,
	}}
	out.Status.NodeInfo.KubeletVersion = KubeletVersion
	return out
}

// FromNode converts a v1 Node to the simulator's: what
// manifest.FromNode reads, with the server-set metadata. The rest of
// the status, the kubelet's to write, and the unschedulable taint, which
// follows spec.unschedulable, are left out.
func FromNode(in *corev1.Node) (*scheduler.Node, error) {
	if in == nil {
		return nil, errors.New("nil Node")
	}
	c := in.DeepCopy()
	c.Status = corev1.NodeStatus{Allocatable: c.Status.Allocatable}
	c.Spec.Taints = nil
	n, err := manifest.FromNode(c)
	if err != nil {
		return nil, err
	}
	if n.ObjectMeta, err = fromObjectMeta(&in.ObjectMeta); err != nil {
		return nil, err
	}
	n.Namespace = ""
	return n, nil
}

// Event returns e as a v1 Event. The API server names an event after its
// object and the instant it was recorded; the object's UID, which e does
// not hold, is left for the caller to fill in.
func Event(e rollsim.Event) *corev1.Event {
	t := metav1.NewTime(e.Time)
	apiVersion := "v1"
	if e.Kind == "Deployment" || e.Kind == "ReplicaSet" {
		apiVersion = "apps/v1"
	}
	ns := e.Namespace
	if ns == "" && e.Kind != "Node" {
		ns = meta.DefaultNamespace
	}
	evNS := ns
	if evNS == "" {
		evNS = meta.DefaultNamespace
	}
	return &corev1.Event{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Event"},
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", e.Name, e.Time.UnixNano()), Namespace: evNS, CreationTimestamp: t},
		InvolvedObject: corev1.ObjectReference{
			Kind: e.Kind, Namespace: ns, Name: e.Name, APIVersion: apiVersion,
		},
		Reason:         e.Reason,
		Message:        e.Message,
		Source:         corev1.EventSource{Component: e.Source},
		FirstTimestamp: t,
		LastTimestamp:  t,
		Count:          1,
		Type:           e.Type,
	}
}

// FromEvent converts a v1 Event back to the simulator's.
func FromEvent(in *corev1.Event) rollsim.Event {
	ns := in.InvolvedObject.Namespace
	t := in.LastTimestamp.Time
	if t.IsZero() {
		t = in.EventTime.Time
	}
	return rollsim.Event{
		Time: t, Type: in.Type, Reason: in.Reason, Message: in.Message,
		Kind: in.InvolvedObject.Kind, Namespace: ns, Name: in.InvolvedObject.Name,
		Source: in.Source.Component,
	}
}
