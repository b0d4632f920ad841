package rollouttest

import (
	"fmt"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
)

// Kind is what an Op does.
type Kind int

// The kinds of Op: the things a user does to a Deployment, and time passing.
const (
	// Apply applies Op.Deployment as `kubectl apply` of its manifest
	// does: it creates the Deployment, or merges the manifest into it.
	Apply Kind = iota
	// SetImage sets the first container's image to Op.Image.
	SetImage
	// Scale sets spec.replicas to Op.Replicas.
	Scale
	// Pause pauses the rollout (`kubectl rollout pause`).
	Pause
	// Resume resumes it (`kubectl rollout resume`).
	Resume
	// Undo rolls back to revision Op.Revision, 0 meaning the previous one.
	Undo
	// Restart restarts the rollout (`kubectl rollout restart`).
	Restart
	// Advance moves the clock forward by Op.Duration.
	Advance
	// DeletePod deletes one of the Deployment's pods: the one at index
	// Op.Pod, modulo their number, of its pods sorted by name.
	DeletePod
	// NeverReady marks Op.Image never-ready and sets the first container's
	// image to it: a release whose pods never pass their readiness check.
	NeverReady
	numKinds
)

var kindNames = [numKinds]string{"apply", "set image", "scale", "pause", "resume", "undo", "restart", "advance", "delete pod", "never-ready release"}

// String names the kind as the state-machine test's actions are named:
// "apply", "set image", "scale", ...
func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Kinds returns every Kind, in order.
func Kinds() []Kind {
	out := make([]Kind, numKinds)
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

// Op is one step of a sequence played against a Deployment. Only the
// fields its Kind names are used.
type Op struct {
	// Kind says what the step does.
	Kind Kind
	// Deployment is the manifest of Apply: the fields it sets (not nil,
	// not zero) are what the manifest says. Its name and namespace are
	// replaced by the target's; kubectl's three-way merge keeps what
	// neither this manifest nor the one applied before it set, such as a
	// paused flag or a restart's template annotation.
	Deployment *deployment.Deployment
	// Image is the image of SetImage and NeverReady.
	Image string
	// Replicas is the count of Scale.
	Replicas int32
	// Revision is the revision of Undo.
	Revision int64
	// Duration is how far Advance moves the clock.
	Duration time.Duration
	// Pod picks the pod of DeletePod.
	Pod int
}

// String renders the op as a short command, as in a scenario file.
func (o Op) String() string {
	switch o.Kind {
	case Apply:
		if o.Deployment == nil {
			return "apply <nil>"
		}
		return "apply " + specText(o.Deployment)
	case SetImage, NeverReady:
		return o.Kind.String() + " " + o.Image
	case Scale:
		return fmt.Sprintf("scale --replicas=%d", o.Replicas)
	case Undo:
		return fmt.Sprintf("undo --to-revision=%d", o.Revision)
	case Advance:
		return "advance " + o.Duration.String()
	case DeletePod:
		return fmt.Sprintf("delete pod #%d", o.Pod)
	}
	return o.Kind.String()
}

// GoString is String: rapid logs what it draws with %#v.
func (o Op) GoString() string { return o.String() }

// specText sums a Deployment's spec up on one line.
func specText(d *deployment.Deployment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "replicas=%d image=%s strategy=%s", d.DesiredReplicas(), d.Image(), strategyText(d.Spec.Strategy))
	if d.Spec.MinReadySeconds != 0 {
		fmt.Fprintf(&b, " minReadySeconds=%d", d.Spec.MinReadySeconds)
	}
	if l := d.Spec.RevisionHistoryLimit; l != nil {
		fmt.Fprintf(&b, " revisionHistoryLimit=%d", *l)
	}
	if p := d.Spec.ProgressDeadlineSeconds; p != nil {
		fmt.Fprintf(&b, " progressDeadlineSeconds=%d", *p)
	}
	if d.Spec.Paused {
		b.WriteString(" paused")
	}
	return b.String()
}

func strategyText(s deployment.Strategy) string {
	if s.Type == "" {
		return "default"
	}
	if ru := s.RollingUpdate; ru != nil {
		return fmt.Sprintf("%s(maxSurge=%s,maxUnavailable=%s)", s.Type, ru.MaxSurge, ru.MaxUnavailable)
	}
	return s.Type
}

// Apply performs the op on the named Deployment of c. The error is the
// cluster's or kubectl's refusal (an invalid spec, an unknown revision,
// pausing a paused Deployment ...): a refused op changes nothing, and a
// sequence may go on after it.
func (o Op) Apply(c *rollsim.Cluster, namespace, name string) error {
	switch o.Kind {
	case Apply:
		return o.apply(c, namespace, name)
	case SetImage:
		return setImage(c, namespace, name, o.Image)
	case Scale:
		return c.Scale(namespace, name, o.Replicas)
	case Pause:
		return c.Pause(namespace, name)
	case Resume:
		return c.Resume(namespace, name)
	case Undo:
		_, err := c.Undo(namespace, name, o.Revision)
		return err
	case Restart:
		return c.Restart(namespace, name)
	case Advance:
		c.Advance(o.Duration)
		return nil
	case DeletePod:
		d, err := c.Deployment(namespace, name)
		if err != nil {
			return err
		}
		pods := c.PodsOf(d)
		if len(pods) == 0 {
			return fmt.Errorf("deployment %s has no pod to delete", name)
		}
		p := pods[((o.Pod%len(pods))+len(pods))%len(pods)]
		return c.DeletePod(p.Namespace, p.Name)
	case NeverReady:
		c.SetNeverReady(o.Image)
		return setImage(c, namespace, name, o.Image)
	}
	return fmt.Errorf("unknown op kind %v", o.Kind)
}

func (o Op) apply(c *rollsim.Cluster, namespace, name string) error {
	if o.Deployment == nil {
		return fmt.Errorf("apply without a Deployment")
	}
	d := o.Deployment.Clone()
	d.Namespace, d.Name = namespace, name
	_, err := c.Apply(d)
	return err
}

// update reads the Deployment, changes it, and writes it back.
func update(c *rollsim.Cluster, namespace, name string, change func(*deployment.Deployment)) error {
	d, err := c.Deployment(namespace, name)
	if err != nil {
		return err
	}
	change(d)
	_, err = c.UpdateDeployment(d)
	return err
}

// setImage sets the first container's image, as `kubectl set image
// deployment/NAME CONTAINER=IMAGE` with that container's name does.
func setImage(c *rollsim.Cluster, namespace, name, image string) error {
	d, err := c.Deployment(namespace, name)
	if err != nil {
		return err
	}
	if len(d.Spec.Template.Spec.Containers) == 0 {
		return nil
	}
	_, err = c.SetImage(namespace, name, d.Spec.Template.Spec.Containers[0].Name, image)
	return err
}

// Play applies ops in order to the named Deployment of c and returns the
// refusals, one entry per op (nil where it was accepted).
func Play(c *rollsim.Cluster, namespace, name string, ops []Op) []error {
	errs := make([]error, len(ops))
	for i, o := range ops {
		errs[i] = o.Apply(c, namespace, name)
	}
	return errs
}
