package rollouttest

import (
	"errors"
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
)

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
}

// MeasureRollout creates d on a new cluster made from cfg, lets it come up
// completely, then applies change to it (a new image, say) and follows the
// rollout one timed event at a time until it completes or limit passes,
// recording the fewest available pods and the most pods on the way. It
// fails when d is refused, does not come up within limit, or the change is
// refused.
//
// It is the measuring half of a property test of rollout settings: draw or
// list strategies, measure, and assert what the settings promise.
func MeasureRollout(cfg rollsim.Config, d *deployment.Deployment, change func(*deployment.Deployment), limit time.Duration) (Rollout, error) {
	c := rollsim.New(cfg)
	created, err := c.CreateDeployment(d)
	if err != nil {
		return Rollout{}, err
	}
	ns, name := created.Namespace, created.Name
	if err := CheckCompletion(c, ns, name, limit); err != nil {
		return Rollout{}, fmt.Errorf("deployment %s/%s did not come up: %w", ns, name, err)
	}
	if err := update(c, ns, name, change); err != nil {
		return Rollout{}, err
	}
	start := c.Now()
	v, err := newView(c, ns, name, nil)
	if err != nil {
		return Rollout{}, err
	}
	r := Rollout{MinAvailable: v.avail, MaxPods: v.total}
	err = checkCompletion(c, ns, name, limit, func() error {
		v, err := newView(c, ns, name, nil)
		if err != nil {
			return err
		}
		r.MinAvailable = min(r.MinAvailable, v.avail)
		r.MaxPods = max(r.MaxPods, v.total)
		return nil
	}, true)
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
