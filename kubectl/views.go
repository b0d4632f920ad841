package kubectl

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// Age renders how long ago t was at now, as kubectl's AGE column does: t
// is a stored time, which the API server keeps to the second, and now
// kubectl's own clock, which it does not round.
func Age(t, now time.Time) string { return duration.HumanDuration(now.Sub(t.Truncate(time.Second))) }

// table lays out rows as kubectl's table printer does.
func table(header string, rows [][]string) string {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 6, 4, 3, ' ', 0)
	fmt.Fprintln(w, header)
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	w.Flush()
	return buf.String()
}

// Scope is where a get looks, as kubectl's -n NAMESPACE and -A say: one
// namespace ("" is "default"), or every namespace, listed with a
// NAMESPACE column first.
type Scope struct {
	// Namespace is the namespace looked in when All is not set.
	Namespace string
	// All lists every namespace.
	All bool
}

func (s Scope) namespace() string {
	if s.Namespace == "" {
		return meta.DefaultNamespace
	}
	return s.Namespace
}

// scoped collects the rows of the objects in scope, their namespace first
// when it spans every namespace, and words what kubectl says of an empty
// list or a missing name.
type scoped struct {
	scope    Scope
	name     string
	resource string
	rows     [][]string
}

// add adds an object's row when it is in scope and, with a name, is the
// one named.
func (s *scoped) add(namespace, name string, row ...string) {
	if name != s.name && s.name != "" || !s.scope.All && namespace != s.scope.namespace() {
		return
	}
	if s.scope.All {
		row = append([]string{namespace}, row...)
	}
	s.rows = append(s.rows, row)
}

func (s *scoped) table(header string) (string, error) {
	switch {
	case s.name != "" && s.scope.All:
		return "", fmt.Errorf("a resource cannot be retrieved by name across all namespaces")
	case s.name != "" && len(s.rows) == 0:
		return "", notFound(s.resource, s.name)
	case len(s.rows) == 0 && s.scope.All:
		return "No resources found\n", nil
	case len(s.rows) == 0:
		return "No resources found in " + s.scope.namespace() + " namespace.\n", nil
	}
	if s.scope.All {
		header = "NAMESPACE\t" + header
	}
	return table(header, s.rows), nil
}

// GetDeployments renders `kubectl get deployments [NAME]` of the listed
// Deployments in scope at instant now; name "" lists all.
func GetDeployments(ds []*deployment.Deployment, scope Scope, name string, now time.Time) (string, error) {
	s := scoped{scope: scope, name: name, resource: "deployments.apps"}
	for _, d := range ds {
		s.add(d.Namespace, d.Name, d.Name, fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, d.DesiredReplicas()),
			fmt.Sprint(d.Status.UpdatedReplicas), fmt.Sprint(d.Status.AvailableReplicas), Age(d.CreationTimestamp, now))
	}
	return s.table("NAME\tREADY\tUP-TO-DATE\tAVAILABLE\tAGE")
}

// GetReplicaSets renders `kubectl get replicasets [NAME]` of the listed
// ReplicaSets in scope at instant now.
func GetReplicaSets(rss []*replicaset.ReplicaSet, scope Scope, name string, now time.Time) (string, error) {
	s := scoped{scope: scope, name: name, resource: "replicasets.apps"}
	for _, rs := range rss {
		s.add(rs.Namespace, rs.Name, rs.Name, fmt.Sprint(rs.Spec.Replicas), fmt.Sprint(rs.Status.Replicas),
			fmt.Sprint(rs.Status.ReadyReplicas), Age(rs.CreationTimestamp, now))
	}
	return s.table("NAME\tDESIRED\tCURRENT\tREADY\tAGE")
}

// GetPods renders `kubectl get pods [NAME]` of the listed pods in scope
// at instant now, with the NODE column when wide (the cluster has nodes).
func GetPods(pods []*pod.Pod, scope Scope, name string, now time.Time, wide bool) (string, error) {
	s := scoped{scope: scope, name: name, resource: "pods"}
	for _, p := range pods {
		ready := "0/1"
		if p.Ready {
			ready = "1/1"
		}
		if n := len(p.Spec.Containers); n != 1 {
			r := 0
			if p.Ready {
				r = n
			}
			ready = fmt.Sprintf("%d/%d", r, n)
		}
		restarts := "0"
		if p.Restarts > 0 {
			// As kubectl shows a restart: the count and how long ago the
			// last one was.
			restarts = fmt.Sprintf("%d (%s ago)", p.Restarts, Age(p.LastExit, now))
		}
		row := []string{p.Name, ready, p.Status(), restarts, Age(p.CreationTimestamp, now)}
		if wide {
			row = append(row, orNone(p.NodeName))
		}
		s.add(p.Namespace, p.Name, row...)
	}
	header := "NAME\tREADY\tSTATUS\tRESTARTS\tAGE"
	if wide {
		header += "\tNODE"
	}
	return s.table(header)
}

// DescribeDeployment renders `kubectl describe deployment` of d, which
// owns rss (oldest first), with the events about it, at instant now.
func DescribeDeployment(d *deployment.Deployment, rss []*replicaset.ReplicaSet, events []Event, now time.Time) string {
	var newRS *replicaset.ReplicaSet
	var old []*replicaset.ReplicaSet
	for _, rs := range rss {
		if newRS == nil && rs.Spec.Template.EqualIgnoringHash(&d.Spec.Template) {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Name:\t%s\n", d.Name)
	fmt.Fprintf(&b, "Namespace:\t%s\n", d.Namespace)
	fmt.Fprintf(&b, "CreationTimestamp:\t%s\n", d.CreationTimestamp.Format(time.RFC1123Z))
	writeLabels(&b, "Labels", d.Labels)
	writeAnnotations(&b, "Annotations", d.Annotations)
	fmt.Fprintf(&b, "Selector:\t%s\n", d.Spec.Selector)
	fmt.Fprintf(&b, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n",
		d.DesiredReplicas(), d.Status.UpdatedReplicas, d.Status.Replicas, d.Status.AvailableReplicas, d.Status.UnavailableReplicas)
	fmt.Fprintf(&b, "StrategyType:\t%s\n", d.Spec.Strategy.Type)
	fmt.Fprintf(&b, "MinReadySeconds:\t%d\n", d.Spec.MinReadySeconds)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		fmt.Fprintf(&b, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", ru.MaxUnavailable, ru.MaxSurge)
	}
	b.WriteString(PodTemplate(&d.Spec.Template))
	if len(d.Status.Conditions) > 0 {
		b.WriteString("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n")
		for _, cd := range d.Status.Conditions {
			fmt.Fprintf(&b, "  %s \t%s\t%s\n", cd.Type, cd.Status, cd.Reason)
		}
	}
	if newRS != nil || len(old) > 0 {
		fmt.Fprintf(&b, "OldReplicaSets:\t%s\n", rsList(old))
		var cur []*replicaset.ReplicaSet
		if newRS != nil {
			cur = append(cur, newRS)
		}
		fmt.Fprintf(&b, "NewReplicaSet:\t%s\n", rsList(cur))
	}
	writeEvents(&b, events, now)
	return tabbed(func(w *tabwriter.Writer) { w.Write([]byte(b.String())) })
}

func rsList(rss []*replicaset.ReplicaSet) string {
	var parts []string
	for _, rs := range rss {
		parts = append(parts, fmt.Sprintf("%s (%d/%d replicas created)", rs.Name, rs.Status.Replicas, rs.Spec.Replicas))
	}
	if len(parts) == 0 {
		return "<none>"
	}
	return strings.Join(parts, ", ")
}

// Event is one row of a describer's Events table.
type Event struct {
	// Time is when it happened, on the fake clock.
	Time time.Time
	// Type is "Normal" or "Warning".
	Type string
	// Reason is a one-word cause, such as ScalingReplicaSet.
	Reason string
	// Source is the component that recorded it.
	Source string
	// Message is the detail.
	Message string
}

func writeEvents(b *strings.Builder, evs []Event, now time.Time) {
	if len(evs) == 0 {
		b.WriteString("Events:\t<none>\n")
		return
	}
	b.WriteString("Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n")
	for _, e := range evs {
		fmt.Fprintf(b, "  %s\t%s\t%s\t%s\t%s\n", e.Type, e.Reason, Age(e.Time, now), e.Source, e.Message)
	}
}

// ResultLine is kubectl's one-line report of a change to a Deployment,
// such as "deployment.apps/httpd configured".
func ResultLine(name, op string) string { return "deployment.apps/" + name + " " + op }

// Node is what `kubectl get nodes` shows of a node.
type Node struct {
	// Name of the node.
	Name string
	// Created is when it was created, on the fake clock.
	Created time.Time
	// Unschedulable is set on a cordoned node.
	Unschedulable bool
	// Version is the kubelet's version, as the node reports it.
	Version string
}

// GetNodes renders `kubectl get nodes [NAME]` of the listed nodes at
// instant now: a cordoned node shows SchedulingDisabled; simulated nodes
// have no role.
func GetNodes(nodes []Node, name string, now time.Time) (string, error) {
	var rows [][]string
	for _, n := range nodes {
		if name != "" && n.Name != name {
			continue
		}
		status := "Ready"
		if n.Unschedulable {
			status += ",SchedulingDisabled"
		}
		rows = append(rows, []string{n.Name, status, "<none>", Age(n.Created, now), n.Version})
	}
	if name != "" && len(rows) == 0 {
		return "", notFound("nodes", name)
	}
	if len(rows) == 0 {
		return "No resources found\n", nil
	}
	return table("NAME\tSTATUS\tROLES\tAGE\tVERSION", rows), nil
}
