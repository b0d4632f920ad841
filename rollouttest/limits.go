package rollouttest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim/deployment"
)

// The kit judges a controller by numbers it works out on its own, from the
// Deployment's spec alone: were it to ask the deployment package how many
// pods a rollout may add or take away, a bug there would move the limits
// together with the behaviour and no check could see it. Everything below
// is written from the API's documented rules, not from the controller.

// Fenceposts are a Deployment's resolved rolling-update limits: how many
// pods above spec.replicas a rollout may run, and how many below it may be
// unavailable.
type Fenceposts struct {
	// Surge is maxSurge as a pod count: a whole number as given, a
	// percent of spec.replicas rounded up. 0 for Recreate.
	Surge int32
	// Unavailable is maxUnavailable as a pod count: a whole number as
	// given, a percent of spec.replicas rounded down; 1 when both would
	// be 0, so that a rollout can move; never more than spec.replicas.
	// 0 for Recreate and for 0 replicas.
	Unavailable int32
}

// Resolve works out d's Fenceposts from its spec, as the API documents
// them. A strategy left empty counts as the API server's default (a
// RollingUpdate of 25% and 25%), so Resolve takes a manifest before or
// after defaulting alike. It fails on a value that validation refuses (a
// negative number, a percent that is not digits and '%'); a percent so
// large that the count passes 2³¹ − 1 resolves to 2³¹ − 1.
func Resolve(d *deployment.Deployment) (Fenceposts, error) {
	s := d.Spec.Strategy
	if s.Type == deployment.Recreate {
		return Fenceposts{}, nil
	}
	if s.Type != "" && s.Type != deployment.RollingUpdate {
		return Fenceposts{}, fmt.Errorf("deployment %s: unknown strategy type %q", d.Name, s.Type)
	}
	replicas := desired(d)
	surgeV, unavailV := deployment.Percent("25%"), deployment.Percent("25%")
	if ru := s.RollingUpdate; ru != nil {
		if ru.MaxSurge != nil {
			surgeV = ru.MaxSurge
		}
		if ru.MaxUnavailable != nil {
			unavailV = ru.MaxUnavailable
		}
	}
	surge, err := countOf(surgeV, replicas, true)
	if err != nil {
		return Fenceposts{}, fmt.Errorf("deployment %s: maxSurge: %w", d.Name, err)
	}
	unavail, err := countOf(unavailV, replicas, false)
	if err != nil {
		return Fenceposts{}, fmt.Errorf("deployment %s: maxUnavailable: %w", d.Name, err)
	}
	if surge == 0 && unavail == 0 {
		unavail = 1
	}
	if replicas == 0 {
		unavail = 0
	}
	return Fenceposts{Surge: surge, Unavailable: min(unavail, replicas)}, nil
}

// MustResolve is Resolve for a Deployment the API server accepted: it
// panics on the error that validation would have refused.
func MustResolve(d *deployment.Deployment) Fenceposts {
	f, err := Resolve(d)
	if err != nil {
		panic(fmt.Sprintf("rollouttest: %v", err))
	}
	return f
}

// desired is spec.replicas, 1 when unset as the API server defaults it.
func desired(d *deployment.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// countOf turns a whole number or a percent of total into a count, a
// percent rounded up or down.
func countOf(v *deployment.IntOrPercent, total int32, up bool) (int32, error) {
	if !v.IsPercent {
		if v.Int < 0 {
			return 0, fmt.Errorf("%d is negative", v.Int)
		}
		return v.Int, nil
	}
	digits, ok := strings.CutSuffix(v.Str, "%")
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a percent", v.Str)
	}
	if total == 0 {
		return 0, nil
	}
	p, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || total > 0 && p > math.MaxInt32*100/uint64(total) {
		// Whatever the rounding, the count does not fit.
		return math.MaxInt32, nil
	}
	n := p * uint64(total)
	if up {
		n += 99
	}
	return int32(n / 100), nil
}

// Ceiling is the most pods a Deployment's rollout may run, and the most
// its ReplicaSets may ask for together: replicas + Surge.
func (f Fenceposts) Ceiling(d *deployment.Deployment) int32 {
	return satAdd(desired(d), f.Surge)
}

// Floor is the fewest available pods a rolling update may leave: replicas
// − Unavailable.
func (f Fenceposts) Floor(d *deployment.Deployment) int32 {
	return desired(d) - f.Unavailable
}

func satAdd(a, b int32) int32 {
	if s := int64(a) + int64(b); s < math.MaxInt32 {
		return int32(s)
	}
	return math.MaxInt32
}

// Waves is how many times a rollout of d from one fully available
// ReplicaSet to another must wait for new pods to become available:
// ceil(replicas / (Surge + Unavailable)) for a RollingUpdate, since each
// wave replaces at most that many pods, and one for Recreate, which starts
// every new pod at once. 0 for 0 replicas.
func Waves(d *deployment.Deployment) (int32, error) {
	r := desired(d)
	if r == 0 {
		return 0, nil
	}
	if d.Spec.Strategy.Type == deployment.Recreate {
		return 1, nil
	}
	f, err := Resolve(d)
	if err != nil {
		return 0, err
	}
	step := int64(f.Surge) + int64(f.Unavailable)
	return int32((int64(r) + step - 1) / step), nil
}

// Period is how long one wave of d takes when new pods take podStartup to
// become Ready: podStartup, then minReadySeconds for a Ready pod to count
// as available.
func Period(d *deployment.Deployment, podStartup time.Duration) time.Duration {
	return podStartup + time.Duration(d.Spec.MinReadySeconds)*time.Second
}

// CompletionBound is how long a rollout of d may take from a fully
// available ReplicaSet when pods take podStartup to become Ready: Waves
// periods (see Period). A rollout that starts from anywhere else (pods
// still starting, several old ReplicaSets) may need one wave more: add a
// Period for it.
func CompletionBound(d *deployment.Deployment, podStartup time.Duration) (time.Duration, error) {
	w, err := Waves(d)
	if err != nil {
		return 0, err
	}
	return time.Duration(w) * Period(d, podStartup), nil
}

// Complete reports whether d's stored status says its rollout is done:
// the status observed the current generation, and every one of the
// replicas asked for runs the current template and is available, with no
// other pod left.
func Complete(d *deployment.Deployment) bool {
	st, r := &d.Status, desired(d)
	return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == r && st.Replicas == r && st.AvailableReplicas == r
}
