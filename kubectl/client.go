package kubectl

import (
	"errors"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// Client is what kubectl's commands need from a cluster: Deployments to
// read and write, the ReplicaSets a Deployment owns, and a fake clock to
// wait on. *rollsim.Cluster is one; a front end that talks to an API
// server and converts its objects can be another.
//
// Every object handed in or out is the caller's own: reads return copies,
// and a write does not keep the object it was given. A missing object is
// reported as a *meta.NotFoundError (or an error wrapping one).
type Client interface {
	// Deployment returns a copy of the named Deployment.
	Deployment(namespace, name string) (*deployment.Deployment, error)
	// CreateDeployment stores a new Deployment and returns the stored copy.
	CreateDeployment(d *deployment.Deployment) (*deployment.Deployment, error)
	// UpdateDeployment replaces a Deployment's metadata and spec, as a
	// client's update does, and returns the stored copy.
	UpdateDeployment(d *deployment.Deployment) (*deployment.Deployment, error)
	// ReplicaSetsOf returns copies of the ReplicaSets d owns, oldest first.
	ReplicaSetsOf(d *deployment.Deployment) []*replicaset.ReplicaSet

	// Now reads the fake clock.
	Now() time.Time
	// NextWakeup returns the instant of the next timed event, and false
	// when none is pending.
	NextWakeup() (time.Time, bool)
	// PodEventsPending reports whether a pod is still to start or to
	// become available, so that waiting can still change a rollout.
	PodEventsPending() bool
	// Step moves the clock to the next timed event and lets the
	// controllers react; false means nothing was pending.
	Step() bool
	// AdvanceTo moves the clock to t, stopping at every timed event.
	AdvanceTo(t time.Time)
}

// NodeClient is a Client that also takes Nodes, which Apply needs for a
// manifest that holds them.
type NodeClient interface {
	Client
	// ApplyNode creates or updates a Node and returns kubectl's verb for
	// it: "created", "configured" or "unchanged".
	ApplyNode(n *scheduler.Node) (string, error)
}

// Batcher is a Client that can make several writes one change, so that the
// controllers react only once the whole of an applied file is stored, as
// they would after a single `kubectl apply` of it.
type Batcher interface {
	Client
	// Batch runs f; the controllers react after it returns.
	Batch(f func() error) error
}

// NotFoundError is the API server's NotFound answer, printed by kubectl as
// `Error from server (NotFound): deployments.apps "x" not found`.
type NotFoundError struct{ Resource, Name string }

// Error returns kubectl's NotFound line.
func (e *NotFoundError) Error() string {
	return "Error from server (NotFound): " + (&meta.NotFoundError{Resource: e.Resource, Name: e.Name}).Error()
}

// Unwrap gives the API server's own error, so that meta.IsNotFound holds.
func (e *NotFoundError) Unwrap() error {
	return &meta.NotFoundError{Resource: e.Resource, Name: e.Name}
}

func notFound(resource, name string) error { return &NotFoundError{resource, name} }

// FromServer words a client's error as kubectl prints it: a NotFound
// becomes a *NotFoundError; anything else is returned as it is.
func FromServer(err error) error {
	var nf *meta.NotFoundError
	if errors.As(err, &nf) {
		return notFound(nf.Resource, nf.Name)
	}
	return err
}

// get reads the named Deployment, worded as kubectl reports a missing one.
func get(c Client, namespace, name string) (*deployment.Deployment, error) {
	d, err := c.Deployment(namespace, name)
	if err != nil {
		return nil, FromServer(err)
	}
	return d, nil
}
