package rollsim

import (
	"slices"
	"strings"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/podindex"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/pod"
)

// The Cluster is a client of its own for package kubectl, which holds
// kubectl's side of every command; the methods below are shorthands for
// kubectl's functions on this cluster.
var (
	_ kubectl.NodeClient = (*Cluster)(nil)
	_ kubectl.Batcher    = (*Cluster)(nil)
)

// Revision is one entry of a Deployment's rollout history (see
// kubectl.Revision).
type Revision = kubectl.Revision

// UndoResult tells what Undo did (see kubectl.UndoResult).
type UndoResult = kubectl.UndoResult

// RolloutError is kubectl's refusal of a rollout command (see
// kubectl.RolloutError).
type RolloutError = kubectl.RolloutError

// PodsOf returns copies of the pods of the ReplicaSets of the stored
// Deployment d names (by namespace and name: d may be the object given to
// Apply or CreateDeployment), by name: the pods `kubectl get pods -l`
// with its selector would list. Nil when there is no such Deployment.
func (c *Cluster) PodsOf(d *deployment.Deployment) []*pod.Pod {
	if d == nil {
		return nil
	}
	stored, err := c.api.Deployment(d.Namespace, d.Name)
	if err != nil {
		return nil
	}
	var out []*pod.Pod
	for _, rs := range c.api.ByOwner[stored.UID] {
		rs.PodIndex(podindex.Token{}).All(func(p *pod.Pod) bool {
			out = append(out, p.Clone())
			return true
		})
	}
	slices.SortFunc(out, func(a, b *pod.Pod) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Apply applies d as `kubectl apply` of a manifest holding it would: it
// creates the Deployment, or merges d into the live one by kubectl's
// three-way merge, taking the fields d sets (not nil, not zero) as what
// the manifest says. It returns "created", "configured" or "unchanged".
// See kubectl.ApplyDeployment; kubectl.ApplyFile applies a manifest file.
func (c *Cluster) Apply(d *deployment.Deployment) (string, error) {
	if d == nil {
		return "", nilObject("apply Deployment")
	}
	return kubectl.ApplyDeployment(c, d, "", "")
}

// SetImage sets the image of a Deployment's container ("*": of every
// container), as `kubectl set image deployment/NAME CONTAINER=IMAGE`
// does, and reports whether that changed anything. See kubectl.SetImage.
func (c *Cluster) SetImage(namespace, name, container, image string) (bool, error) {
	return kubectl.SetImage(c, namespace, name, []kubectl.ContainerImage{{Container: container, Image: image}}, "")
}

// Scale sets a Deployment's spec.replicas, as `kubectl scale` does.
func (c *Cluster) Scale(namespace, name string, replicas int32) error {
	return kubectl.Scale(c, namespace, name, replicas, "")
}

// WaitForRollout moves the fake clock as `kubectl rollout status` waits,
// until the rollout is done, fails, times out (opts.Timeout) or can no
// longer change. It returns kubectl's last verdict and the fake time it
// took. See kubectl.WaitForRollout.
func (c *Cluster) WaitForRollout(namespace, name string, opts kubectl.WaitOptions) (kubectl.RolloutStatus, time.Duration, error) {
	return kubectl.WaitForRollout(c, namespace, name, opts)
}

// History returns a Deployment's revisions in ascending order, as `kubectl
// rollout history` lists them. See kubectl.Revisions.
func (c *Cluster) History(namespace, name string) ([]Revision, error) {
	return kubectl.Revisions(c, namespace, name)
}

// Undo rolls a Deployment back to revision toRevision, or to the previous
// one when toRevision is 0, as `kubectl rollout undo` does. See
// kubectl.Undo.
func (c *Cluster) Undo(namespace, name string, toRevision int64) (UndoResult, error) {
	return kubectl.Undo(c, namespace, name, toRevision)
}

// Pause stops a Deployment's rollouts (`kubectl rollout pause`): template
// changes wait until Resume; scaling still happens.
func (c *Cluster) Pause(namespace, name string) error { return kubectl.Pause(c, namespace, name) }

// Resume lets a paused Deployment roll out again (`kubectl rollout resume`).
func (c *Cluster) Resume(namespace, name string) error { return kubectl.Resume(c, namespace, name) }

// Restart starts a rollout of the same template (`kubectl rollout
// restart`). See kubectl.Restart.
func (c *Cluster) Restart(namespace, name string) error { return kubectl.Restart(c, namespace, name) }
