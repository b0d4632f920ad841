package rollouttest

import (
	"errors"
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
)

// Counts are a Deployment's pods at one instant, as its own property
// tests want them.
type Counts struct {
	// Pods, Ready and Available count the pods of all its ReplicaSets.
	Pods, Ready, Available int32
	// Updated counts the pods of the ReplicaSet that runs its template;
	// Old those of the others.
	Updated, Old int32
	// Asked is what its ReplicaSets ask for together (Σ spec.replicas).
	Asked int32
}

// CountPods counts the named Deployment's pods.
func CountPods(c *rollsim.Cluster, namespace, name string) (Counts, error) {
	v, err := newView(c, namespace, name, nil)
	if err != nil {
		return Counts{}, err
	}
	return v.counts(), nil
}

func (v *view) counts() Counts {
	n := Counts{Pods: v.total, Ready: v.ready, Available: v.avail, Asked: v.specSum}
	if v.current != nil {
		n.Updated = int32(len(v.pods[v.current.Name]))
	}
	n.Old = n.Pods - n.Updated
	return n
}

// Sample is a Deployment's pods at one rest point of a measured rollout.
type Sample struct {
	// At is the time since the change.
	At time.Duration
	Counts
}

// Rollout is what MeasureRollout saw of one rollout, at every rest point
// from the change to the end.
type Rollout struct {
	// Completed reports whether the rollout finished within the limit
	// (see CheckCompletion for what finished means).
	Completed bool
	// Took is how long it ran: from the change to completion, or the
	// limit when it did not complete.
	Took time.Duration
	// MinAvailable is the fewest available pods seen.
	MinAvailable int32
	// MaxPods is the most pods seen.
	MaxPods int32
	// Series holds the pods at every rest point, the change first.
	Series []Sample
}

// MeasureOptions adds to what MeasureRolloutWith does.
type MeasureOptions struct {
	// Setup prepares the new cluster before the Deployment is created:
	// nodes for the pods to fit on (ApplyNode), images marked never-ready
	// (SetNeverReady), another Deployment competing for room.
	Setup func(c *rollsim.Cluster) error
	// Each is called at every rest point of the rollout, the change
	// first, with the cluster and the sample just taken; an error stops
	// the measure and is returned.
	Each func(c *rollsim.Cluster, s Sample) error
}

// MeasureRollout creates d on a new cluster made from cfg, lets it come up
// completely, then applies change to it (a new image, say) and follows the
// rollout one timed event at a time until it completes or limit passes,
// recording the fewest available pods, the most pods and the pods at
// every rest point on the way. It fails when d is refused, does not come
// up within limit, or the change is refused.
//
// It is the measuring half of a property test of rollout settings: draw or
// list strategies, measure, and assert what the settings promise.
func MeasureRollout(cfg rollsim.Config, d *deployment.Deployment, change func(*deployment.Deployment), limit time.Duration) (Rollout, error) {
	return MeasureRolloutWith(cfg, d, change, limit, MeasureOptions{})
}

// MeasureRolloutWith is MeasureRollout with a setup of the cluster and a
// hook at every rest point (see MeasureOptions). A rollout that stalls
// (no room on the nodes, a never-ready image) is no error: it is reported
// as not Completed, with what was seen until limit.
func MeasureRolloutWith(cfg rollsim.Config, d *deployment.Deployment, change func(*deployment.Deployment), limit time.Duration, o MeasureOptions) (Rollout, error) {
	c := rollsim.New(cfg)
	if o.Setup != nil {
		if err := o.Setup(c); err != nil {
			return Rollout{}, fmt.Errorf("setting the cluster up: %w", err)
		}
	}
	created, err := c.CreateDeployment(d)
	if err != nil {
		return Rollout{}, err
	}
	ns, name := created.Namespace, created.Name
	if err := checkCompletion(c, ns, name, limit, nil, false); err != nil {
		return Rollout{}, fmt.Errorf("deployment %s/%s did not come up: %w", ns, name, err)
	}
	if err := update(c, ns, name, change); err != nil {
		return Rollout{}, err
	}
	start := c.Now()
	var r Rollout
	sample := func() error {
		v, err := newView(c, ns, name, nil)
		if err != nil {
			return err
		}
		s := Sample{At: c.Now().Sub(start), Counts: v.counts()}
		if len(r.Series) == 0 {
			r.MinAvailable, r.MaxPods = s.Available, s.Pods
		}
		r.MinAvailable = min(r.MinAvailable, s.Available)
		r.MaxPods = max(r.MaxPods, s.Pods)
		r.Series = append(r.Series, s)
		if o.Each != nil {
			return o.Each(c, s)
		}
		return nil
	}
	if err := sample(); err != nil {
		return r, err
	}
	err = checkCompletion(c, ns, name, limit, sample, false)
	r.Took = c.Now().Sub(start)
	switch {
	case err == nil:
		r.Completed = true
	case errors.Is(err, ErrCompletion):
	default:
		return r, err
	}
	return r, nil
}
