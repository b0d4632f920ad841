package kubeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/rollsim/rollsim/kubectl"
)

// wantsTable reports whether a request asks for a Table, as `kubectl
// get` does, and with which of the object's parts in each row.
func wantsTable(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if strings.Contains(part, "as=Table") && strings.Contains(part, "g=meta.k8s.io") {
			return true
		}
		if strings.TrimSpace(part) == "application/json" || strings.TrimSpace(part) == "*/*" {
			return false
		}
	}
	return false
}

func nameDoc() string    { return metav1.ObjectMeta{}.SwaggerDoc()["name"] }
func createdDoc() string { return metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"] }

func col(name, typ, doc string, priority int32) metav1.TableColumnDefinition {
	d := metav1.TableColumnDefinition{Name: name, Type: typ, Description: doc, Priority: priority}
	if name == "Name" {
		d.Format = "name"
	}
	return d
}

// withTemplate follows the columns of a resource with a pod template with
// those they all end with: its age, then the wide ones, the template's
// containers and images and the selector.
func withTemplate(selectorDoc string, cols ...metav1.TableColumnDefinition) []metav1.TableColumnDefinition {
	return append(cols,
		col("Age", "string", createdDoc(), 0),
		col("Containers", "string", "Names of each container in the template.", 1),
		col("Images", "string", "Images referenced by each container in the template.", 1),
		col("Selector", "string", selectorDoc, 1))
}

// columns are the API server's columns for each resource; rows carry
// every one, wide ones (priority 1) included, and kubectl shows those
// only with -o wide.
var columns = map[*resource][]metav1.TableColumnDefinition{
	deploymentsResource: withTemplate(appsv1.DeploymentSpec{}.SwaggerDoc()["selector"],
		col("Name", "string", nameDoc(), 0),
		col("Ready", "string", "Number of the pod with ready state", 0),
		col("Up-to-date", "string", appsv1.DeploymentStatus{}.SwaggerDoc()["updatedReplicas"], 0),
		col("Available", "string", appsv1.DeploymentStatus{}.SwaggerDoc()["availableReplicas"], 0),
	),
	replicaSetsResource: withTemplate(appsv1.ReplicaSetSpec{}.SwaggerDoc()["selector"],
		col("Name", "string", nameDoc(), 0),
		col("Desired", "integer", appsv1.ReplicaSetSpec{}.SwaggerDoc()["replicas"], 0),
		col("Current", "integer", appsv1.ReplicaSetStatus{}.SwaggerDoc()["replicas"], 0),
		col("Ready", "integer", appsv1.ReplicaSetStatus{}.SwaggerDoc()["readyReplicas"], 0),
	),
	podsResource: {
		col("Name", "string", nameDoc(), 0),
		col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.", 0),
		col("Status", "string", "The aggregate status of the containers in this pod.", 0),
		col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0),
		col("Age", "string", createdDoc(), 0),
		col("IP", "string", corev1.PodStatus{}.SwaggerDoc()["podIP"], 1),
		col("Node", "string", corev1.PodSpec{}.SwaggerDoc()["nodeName"], 1),
		col("Nominated Node", "string", corev1.PodStatus{}.SwaggerDoc()["nominatedNodeName"], 1),
		col("Readiness Gates", "string", corev1.PodSpec{}.SwaggerDoc()["readinessGates"], 1),
	},
	nodesResource: {
		col("Name", "string", nameDoc(), 0),
		col("Status", "string", "The status of the node", 0),
		col("Roles", "string", "The roles of the node", 0),
		col("Age", "string", createdDoc(), 0),
		col("Version", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["kubeletVersion"], 0),
		col("Internal-IP", "string", corev1.NodeStatus{}.SwaggerDoc()["addresses"], 1),
		col("External-IP", "string", corev1.NodeStatus{}.SwaggerDoc()["addresses"], 1),
		col("OS-Image", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["osImage"], 1),
		col("Kernel-Version", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["kernelVersion"], 1),
		col("Container-Runtime", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["containerRuntimeVersion"], 1),
	},
	eventsResource: {
		col("Last Seen", "string", corev1.Event{}.SwaggerDoc()["lastTimestamp"], 0),
		col("Type", "string", corev1.Event{}.SwaggerDoc()["type"], 0),
		col("Reason", "string", corev1.Event{}.SwaggerDoc()["reason"], 0),
		col("Object", "string", corev1.Event{}.SwaggerDoc()["involvedObject"], 0),
		col("Subobject", "string", corev1.ObjectReference{}.SwaggerDoc()["fieldPath"], 1),
		col("Source", "string", corev1.Event{}.SwaggerDoc()["source"], 1),
		col("Message", "string", corev1.Event{}.SwaggerDoc()["message"], 0),
		col("First Seen", "string", corev1.Event{}.SwaggerDoc()["firstTimestamp"], 1),
		col("Count", "string", corev1.Event{}.SwaggerDoc()["count"], 1),
		col("Name", "string", nameDoc(), 1),
	},
	leasesResource: {
		col("Name", "string", nameDoc(), 0),
		col("Holder", "string", coordinationv1.LeaseSpec{}.SwaggerDoc()["holderIdentity"], 0),
		col("Age", "string", createdDoc(), 0),
	},
	namespacesResource: {
		col("Name", "string", nameDoc(), 0),
		col("Status", "string", "The status of the namespace", 0),
		col("Age", "string", createdDoc(), 0),
	},
}

// age words the time since t as kubectl does, on the cluster's clock.
func age(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return kubectl.Age(t.Time, now)
}

func containerCells(cs []corev1.Container) (names, images string) {
	n := make([]string, len(cs))
	im := make([]string, len(cs))
	for i, c := range cs {
		n[i], im[i] = c.Name, c.Image
	}
	return strings.Join(n, ","), strings.Join(im, ",")
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// cells returns an object's row as the API server prints it.
func cells(a apiObject, now time.Time) []any {
	switch o := a.(type) {
	case *appsv1.Deployment:
		sel := "<invalid>"
		if s, err := metav1.LabelSelectorAsSelector(o.Spec.Selector); err == nil {
			sel = s.String()
		}
		var want int32
		if o.Spec.Replicas != nil {
			want = *o.Spec.Replicas
		}
		names, images := containerCells(o.Spec.Template.Spec.Containers)
		return []any{o.Name, fmt.Sprintf("%d/%d", o.Status.ReadyReplicas, want), int64(o.Status.UpdatedReplicas),
			int64(o.Status.AvailableReplicas), age(o.CreationTimestamp, now), names, images, sel}
	case *appsv1.ReplicaSet:
		names, images := containerCells(o.Spec.Template.Spec.Containers)
		return []any{o.Name, int64(*o.Spec.Replicas), int64(o.Status.Replicas), int64(o.Status.ReadyReplicas),
			age(o.CreationTimestamp, now), names, images, metav1.FormatLabelSelector(o.Spec.Selector)}
	case *corev1.Pod:
		ready := 0
		reason := string(o.Status.Phase)
		var restarts int32
		var lastRestart time.Time
		for _, cs := range o.Status.ContainerStatuses {
			if cs.Ready && cs.State.Running != nil {
				ready++
			}
			if cs.State.Waiting != nil && cs.State.Waiting.Reason != "" {
				reason = cs.State.Waiting.Reason
			}
			restarts += cs.RestartCount
			if t := cs.LastTerminationState.Terminated; t != nil && t.FinishedAt.After(lastRestart) {
				lastRestart = t.FinishedAt.Time
			}
		}
		if o.DeletionTimestamp != nil {
			reason = "Terminating"
		}
		restartCell := fmt.Sprint(restarts)
		if restarts > 0 && !lastRestart.IsZero() {
			// As kubectl shows it: the count and how long ago the last one was.
			restartCell = fmt.Sprintf("%d (%s ago)", restarts, age(metav1.NewTime(lastRestart), now))
		}
		return []any{o.Name, fmt.Sprintf("%d/%d", ready, len(o.Spec.Containers)), reason, restartCell,
			age(o.CreationTimestamp, now), "<none>", orNone(o.Spec.NodeName), "<none>", "<none>"}
	case *corev1.Node:
		status := "Unknown"
		for _, c := range o.Status.Conditions {
			if c.Type == corev1.NodeReady {
				status = "Ready"
				if c.Status != corev1.ConditionTrue {
					status = "NotReady"
				}
			}
		}
		if o.Spec.Unschedulable {
			status += ",SchedulingDisabled"
		}
		return []any{o.Name, status, nodeRoles(o), age(o.CreationTimestamp, now), o.Status.NodeInfo.KubeletVersion,
			"<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}
	case *corev1.Event:
		target := strings.ToLower(o.InvolvedObject.Kind)
		if o.InvolvedObject.Name != "" {
			target += "/" + o.InvolvedObject.Name
		}
		count := o.Count
		if count == 0 {
			count = 1
		}
		source := o.Source.Component
		if source == "" {
			source = o.ReportingController
		}
		if o.Source.Host != "" {
			source += ", " + o.Source.Host
		}
		return []any{age(o.LastTimestamp, now), o.Type, o.Reason, target, o.InvolvedObject.FieldPath, source,
			strings.TrimSpace(o.Message), age(o.FirstTimestamp, now), int64(count), o.Name}
	case *corev1.Namespace:
		return []any{o.Name, string(o.Status.Phase), age(o.CreationTimestamp, now)}
	case *coordinationv1.Lease:
		holder := ""
		if o.Spec.HolderIdentity != nil {
			holder = *o.Spec.HolderIdentity
		}
		return []any{o.Name, holder, age(o.CreationTimestamp, now)}
	}
	return nil
}

// nodeRoles lists the roles a node's labels give it, as kubectl shows
// them: node-role.kubernetes.io/ROLE labels and kubernetes.io/role.
func nodeRoles(n *corev1.Node) string {
	seen := map[string]bool{}
	var roles []string
	for k, v := range n.Labels {
		role := ""
		switch {
		case strings.HasPrefix(k, "node-role.kubernetes.io/"):
			role = strings.TrimPrefix(k, "node-role.kubernetes.io/")
		case k == "kubernetes.io/role":
			role = v
		}
		if role != "" && !seen[role] {
			seen[role] = true
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 {
		return "<none>"
	}
	slices.Sort(roles)
	return strings.Join(roles, ",")
}

// table returns objs as the API server's Table, each row with the
// object's metadata, as includeObject=Metadata (the default) has it.
func table(r *resource, objs []apiObject, rv uint64, now time.Time, includeObject string) (*metav1.Table, error) {
	t := &metav1.Table{
		TypeMeta:          metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ListMeta:          metav1.ListMeta{ResourceVersion: strconv.FormatUint(rv, 10)},
		ColumnDefinitions: columns[r],
		Rows:              []metav1.TableRow{},
	}
	for _, a := range objs {
		row := metav1.TableRow{Cells: cells(a, now)}
		switch includeObject {
		case "", string(metav1.IncludeMetadata):
			m := &metav1.PartialObjectMetadata{
				TypeMeta:   metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"},
				ObjectMeta: *a.(metav1.ObjectMetaAccessor).GetObjectMeta().(*metav1.ObjectMeta),
			}
			b, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			row.Object = runtime.RawExtension{Raw: b}
		case string(metav1.IncludeObject):
			a.GetObjectKind().SetGroupVersionKind(a.GetObjectKind().GroupVersionKind())
			b, err := json.Marshal(a)
			if err != nil {
				return nil, err
			}
			row.Object = runtime.RawExtension{Raw: b}
		case string(metav1.IncludeNone):
		default:
			return nil, badRequest(fmt.Sprintf("unrecognized includeObject value: %q", includeObject))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}
