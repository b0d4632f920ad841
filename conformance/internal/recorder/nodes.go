package recorder

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The recorder's scheduler. With no Node objects every pod is bound at once
// (nodeName stays empty). Once a node exists, a pod is bound only to a
// schedulable node where its containers' requests and one pod slot fit;
// among those, the node with the lowest requested share wins (the mean, over
// the resources the node lists in status.allocatable among cpu, memory and
// pods, of what its bound pods request divided by what it has), ties going
// to the node whose name sorts first. Unbound pods wait Pending and are
// retried, oldest first, before every round of the controllers.

type usage struct {
	cpu, mem resource.Quantity
	pods     int64
}

func podRequests(p *corev1.Pod) usage {
	var u usage
	for _, c := range p.Spec.Containers {
		if q, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
			u.cpu.Add(q)
		}
		if q, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
			u.mem.Add(q)
		}
	}
	u.pods = 1
	return u
}

// nodeUsageLocked sums the requests of the pods bound to each node.
func (s *server) nodeUsageLocked() map[string]*usage {
	out := map[string]*usage{}
	for _, n := range s.sortedNames(resNodes) {
		out[n] = &usage{}
	}
	for _, pn := range s.sortedNames(resPods) {
		p := s.objs[resPods][pn].(*corev1.Pod)
		u, ok := out[p.Spec.NodeName]
		if !ok {
			continue
		}
		r := podRequests(p)
		u.cpu.Add(r.cpu)
		u.mem.Add(r.mem)
		u.pods++
	}
	return out
}

func share(used, alloc resource.Quantity) float64 {
	a := alloc.AsApproximateFloat64()
	if a <= 0 {
		return 1
	}
	return used.AsApproximateFloat64() / a
}

// pickNodeLocked chooses the node for p, or "" when none can take it.
func (s *server) pickNodeLocked(p *corev1.Pod) string {
	used := s.nodeUsageLocked()
	req := podRequests(p)
	best, bestShare := "", 0.0
	for _, n := range s.sortedNames(resNodes) {
		node := s.objs[resNodes][n].(*corev1.Node)
		if node.Spec.Unschedulable {
			continue
		}
		u := used[n]
		alloc := node.Status.Allocatable
		var sum float64
		var count int
		fits := true
		for _, q := range []struct {
			name      corev1.ResourceName
			used, req resource.Quantity
		}{{corev1.ResourceCPU, u.cpu, req.cpu}, {corev1.ResourceMemory, u.mem, req.mem}} {
			a, ok := alloc[q.name]
			if !ok {
				continue
			}
			total := q.used.DeepCopy()
			total.Add(q.req)
			if total.Cmp(a) > 0 {
				fits = false
			}
			sum += share(q.used, a)
			count++
		}
		if a, ok := alloc[corev1.ResourcePods]; ok {
			if u.pods+1 > a.Value() {
				fits = false
			}
			sum += share(*resource.NewQuantity(u.pods, resource.DecimalSI), a)
			count++
		}
		if !fits {
			continue
		}
		sh := 0.0
		if count > 0 {
			sh = sum / float64(count)
		}
		if best == "" || sh < bestShare {
			best, bestShare = n, sh
		}
	}
	return best
}

// bindOnCreate is called by the server (under its lock) before a new pod is
// stored: with no nodes the pod is bound at once; otherwise it goes to the
// best node that fits, or stays Pending.
func (c *Cluster) bindOnCreate(p *corev1.Pod) {
	st := &podState{startup: c.PodStartup}
	if len(p.Spec.Containers) > 0 && c.NeverReady[p.Spec.Containers[0].Image] {
		st.neverReady = true
	}
	for _, ctr := range p.Spec.Containers {
		if c.CrashLoop[ctr.Image] {
			if st.crashing == nil {
				st.crashing = map[string]bool{}
			}
			st.crashing[ctr.Name] = true
		}
	}
	c.pods[p.Name] = st
	if len(c.srv.objs[resNodes]) == 0 {
		c.bound(p.Name, st)
		return
	}
	if n := c.srv.pickNodeLocked(p); n != "" {
		p.Spec.NodeName = n
		c.bound(p.Name, st)
	}
}

func (c *Cluster) bound(name string, st *podState) {
	st.bound = true
	c.addTimer(c.clock.Now().Add(st.startup), timerPodStart, name)
}

// schedulePending binds waiting pods, oldest first, where they now fit.
func (c *Cluster) schedulePending() {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	if len(c.srv.objs[resNodes]) == 0 {
		return
	}
	var waiting []*corev1.Pod
	for _, pn := range c.srv.sortedNames(resPods) {
		if st := c.pods[pn]; st != nil && !st.bound {
			waiting = append(waiting, c.srv.objs[resPods][pn].(*corev1.Pod))
		}
	}
	sort.SliceStable(waiting, func(i, j int) bool {
		return waiting[i].CreationTimestamp.Before(&waiting[j].CreationTimestamp)
	})
	for _, p := range waiting {
		n := c.srv.pickNodeLocked(p)
		if n == "" {
			continue
		}
		cp := p.DeepCopy()
		cp.Spec.NodeName = n
		if _, err := c.srv.update(resPods, cp, false); err == nil {
			c.bound(p.Name, c.pods[p.Name])
		}
	}
}

// nodeState prints the node lines of a state block (none without nodes).
func (r *Runner) nodeState() {
	s := r.c.srv
	if len(s.objs[resNodes]) == 0 {
		return
	}
	counts := map[string]int{}
	pending := 0
	for _, pn := range s.sortedNames(resPods) {
		p := s.objs[resPods][pn].(*corev1.Pod)
		if p.Spec.NodeName != "" {
			counts[p.Spec.NodeName]++
		} else if st := r.c.pods[pn]; st != nil && !st.bound {
			pending++
		}
	}
	for _, n := range s.sortedNames(resNodes) {
		r.emit(fmt.Sprintf("state: node/%s pods=%d", n, counts[n]))
	}
	r.emit(fmt.Sprintf("state: pending pods=%d", pending))
}

func (r *Runner) cmdNodeOp(argv []string) (command, error) {
	if len(argv) != 2 {
		return nil, &ParseError{Msg: fmt.Sprintf("%s: want one node name", argv[0])}
	}
	op, name := argv[0], argv[1]
	return func() error {
		switch op {
		case "cordon", "uncordon":
			r.cordon(name, op == "cordon")
		case "drain":
			if !r.cordon(name, true) {
				return nil
			}
			r.drain(name)
		}
		return nil
	}, nil
}

// cordon sets spec.unschedulable as kubectl cordon/uncordon do; it reports
// whether the node exists.
func (r *Runner) cordon(name string, desired bool) bool {
	ctx := context.TODO()
	node, err := r.c.srv.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		r.fail(err)
		return false
	}
	word := map[bool]string{true: "cordoned", false: "uncordoned"}[desired]
	if node.Spec.Unschedulable == desired {
		r.out("node/" + name + " already " + word)
		return true
	}
	patch := fmt.Sprintf(`{"spec":{"unschedulable":%t}}`, desired)
	if !desired {
		patch = `{"spec":{"unschedulable":null}}`
	}
	if _, err := r.c.srv.doPatch(resNodes, name, types.StrategicMergePatchType, []byte(patch)); err != nil {
		r.fail(fmt.Errorf("unable to %s node %q: %v", map[bool]string{true: "cordon", false: "uncordon"}[desired], name, err))
		return false
	}
	r.out("node/" + name + " " + word)
	return true
}

// podsOn returns the names of the pods bound to a node, in name order.
func (r *Runner) podsOn(node string) []string {
	r.c.srv.mu.Lock()
	defer r.c.srv.mu.Unlock()
	var names []string
	for _, pn := range r.c.srv.sortedNames(resPods) {
		if r.c.srv.objs[resPods][pn].(*corev1.Pod).Spec.NodeName == node {
			names = append(names, pn)
		}
	}
	return names
}

// drain evicts every pod bound to the node (in name order) and prints
// kubectl's lines.
func (r *Runner) drain(name string) {
	victims := r.podsOn(name)
	for _, pn := range victims {
		if err := r.c.srv.client.CoreV1().Pods(metav1.NamespaceDefault).Delete(context.TODO(), pn, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			r.fail(err)
			continue
		}
		r.out("pod/" + pn + " evicted")
	}
	r.out("node/" + name + " drained")
}

// deleteNode removes a failed node and every pod bound to it.
func (r *Runner) deleteNode(name string) error {
	ctx := context.TODO()
	if err := r.c.srv.client.CoreV1().Nodes().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		r.fail(err)
		return nil
	}
	victims := r.podsOn(name)
	// The pods of a failed node are gone at once, Terminating or not (a
	// forced deletion, as the pod garbage collector's of a node's orphans).
	zero := int64(0)
	for _, pn := range victims {
		_ = r.c.srv.client.CoreV1().Pods(metav1.NamespaceDefault).Delete(ctx, pn, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	}
	r.out(fmt.Sprintf("node %q deleted", name))
	return nil
}
