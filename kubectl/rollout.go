package kubectl

import (
	"fmt"
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// Revision is one entry of a Deployment's rollout history: a ReplicaSet
// with its revision number.
type Revision struct {
	// Number is the revision.
	Number int64
	// ChangeCause is the ReplicaSet's kubernetes.io/change-cause, or "".
	ChangeCause string
	// ReplicaSet names the ReplicaSet holding the revision.
	ReplicaSet string
	// Template is the revision's pod template, with the pod-template-hash
	// label, and the change cause among its annotations as kubectl shows it.
	Template pod.Template
}

// Revisions returns a Deployment's revisions in ascending order, as
// `kubectl rollout history` lists them. A ReplicaSet whose revision does
// not parse is left out; of two with the same number, the later listed wins.
func Revisions(c Client, namespace, name string) ([]Revision, error) {
	d, err := get(c, namespace, name)
	if err != nil {
		return nil, err
	}
	byNumber := map[int64]Revision{}
	for _, rs := range c.ReplicaSetsOf(d) {
		n := rs.Revision()
		if n < 0 {
			continue
		}
		r := Revision{Number: n, ReplicaSet: rs.Name, ChangeCause: rs.Annotations[deployment.ChangeCauseAnnotation], Template: rs.Spec.Template}
		if r.ChangeCause != "" {
			if r.Template.Annotations == nil {
				r.Template.Annotations = map[string]string{}
			}
			r.Template.Annotations[deployment.ChangeCauseAnnotation] = r.ChangeCause
		}
		byNumber[n] = r
	}
	out := make([]Revision, 0, len(byNumber))
	for _, r := range byNumber {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Revision) int { return int(a.Number - b.Number) })
	return out, nil
}

// UndoResult tells what Undo did.
type UndoResult struct {
	// Skipped is set when the Deployment already runs the revision's
	// template: nothing changed.
	Skipped bool
	// Revision is the revision asked for (0: the previous one).
	Revision int64
}

// RolloutError is a kubectl-side refusal of a rollout command, worded as
// kubectl words it (without its "error: " prefix).
type RolloutError struct{ Msg string }

// Error returns kubectl's message.
func (e *RolloutError) Error() string { return e.Msg }

// Undo rolls a Deployment's pod template back to revision toRevision, or to
// the previous revision when toRevision is 0, as `kubectl rollout undo`
// does: the template and the revision's annotations are copied back into
// the Deployment, and the controllers roll it out (the ReplicaSet that
// comes back takes the next revision number). It refuses a missing
// revision and a paused Deployment, and skips a revision whose template is
// already current; on error nothing changes.
func Undo(c Client, namespace, name string, toRevision int64) (UndoResult, error) {
	d, err := get(c, namespace, name)
	if err != nil {
		return UndoResult{}, err
	}
	res := UndoResult{Revision: toRevision}
	if toRevision < 0 {
		return res, &RolloutError{fmt.Sprintf("unable to find specified revision %d in history", toRevision)}
	}
	target := revisionReplicaSet(c.ReplicaSetsOf(d), toRevision)
	if target == nil {
		if toRevision > 0 {
			return res, &RolloutError{fmt.Sprintf("unable to find specified revision %d in history", toRevision)}
		}
		return res, &RolloutError{fmt.Sprintf("no rollout history found for deployment %q", d.Name)}
	}
	if d.Spec.Paused {
		return res, &RolloutError{"you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"}
	}
	if target.Spec.Template.EqualIgnoringHash(&d.Spec.Template) {
		res.Skipped = true
		return res, nil
	}
	d.Spec.Template = target.Spec.Template
	delete(d.Spec.Template.Labels, pod.TemplateHashLabel)
	deployment.SetAnnotationsFrom(d, target)
	if _, err := c.UpdateDeployment(d); err != nil {
		return res, err
	}
	return res, nil
}

// revisionReplicaSet finds among a Deployment's ReplicaSets (oldest
// first) the one of revision n, or with n = 0 the one of the
// second-highest revision, as kubectl does.
func revisionReplicaSet(rss []*replicaset.ReplicaSet, n int64) *replicaset.ReplicaSet {
	var latest, previous *replicaset.ReplicaSet
	latestN, previousN := int64(-1), int64(-1)
	for _, rs := range rss {
		v := rs.Revision()
		if v < 0 {
			continue
		}
		switch {
		case n > 0:
			if v == n {
				return rs
			}
		case latestN < v:
			previous, previousN = latest, latestN
			latest, latestN = rs, v
		case previousN < v:
			previous, previousN = rs, v
		}
	}
	if n > 0 {
		return nil
	}
	return previous
}

// Pause stops a Deployment's rollouts (`kubectl rollout pause`): template
// changes wait until Resume; scaling still happens.
func Pause(c Client, namespace, name string) error {
	return setPaused(c, namespace, name, true)
}

// Resume lets a paused Deployment roll out again (`kubectl rollout resume`).
func Resume(c Client, namespace, name string) error {
	return setPaused(c, namespace, name, false)
}

func setPaused(c Client, namespace, name string, paused bool) error {
	d, err := get(c, namespace, name)
	if err != nil {
		return err
	}
	if d.Spec.Paused == paused {
		state := "already paused"
		if !paused {
			state = "not paused"
		}
		return &RolloutError{fmt.Sprintf("deployments.apps %q is %s", d.Name, state)}
	}
	d.Spec.Paused = paused
	_, err = c.UpdateDeployment(d)
	return err
}

// Restart starts a rollout of the same template (`kubectl rollout
// restart`) by stamping the kubectl.kubernetes.io/restartedAt template
// annotation with the fake clock's time. A paused Deployment, or a second
// restart within the same second, is refused.
func Restart(c Client, namespace, name string) error {
	d, err := get(c, namespace, name)
	if err != nil {
		return err
	}
	if d.Spec.Paused {
		return &RolloutError{fmt.Sprintf("deployments.apps %q can't restart paused deployment (run rollout resume first)", d.Name)}
	}
	stamp := c.Now().Format(time.RFC3339)
	if d.Spec.Template.Annotations[deployment.RestartedAtAnnotation] == stamp {
		return &RolloutError{fmt.Sprintf("failed to create patch for %s: if restart has already been triggered within the past second, please wait before attempting to trigger another", d.Name)}
	}
	if d.Spec.Template.Annotations == nil {
		d.Spec.Template.Annotations = map[string]string{}
	}
	d.Spec.Template.Annotations[deployment.RestartedAtAnnotation] = stamp
	_, err = c.UpdateDeployment(d)
	return err
}
