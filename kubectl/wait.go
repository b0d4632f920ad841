package kubectl

import (
	"fmt"
	"strconv"
	"time"

	"github.com/rollsim/rollsim/deployment"
)

// WaitOptions tune WaitForRollout.
type WaitOptions struct {
	// Timeout bounds the wait in fake time, as --timeout does; 0 waits
	// for as long as there is something to wait for.
	Timeout time.Duration
	// OnStatus, when set, receives each line `kubectl rollout status`
	// prints while it watches: the first verdict and every one that
	// differs from the one before, the final "successfully rolled out"
	// among them. A failure is not printed here: it is the error.
	OnStatus func(RolloutStatus)
	// Revision, as --revision, pins the wait to a revision: a Deployment
	// running another one is an error. 0 takes whatever runs.
	Revision int64
	// NoWatch, as --watch=false, takes kubectl's verdict once, without
	// waiting: a rollout still under way is no error.
	NoWatch bool
	// OnClock, when set, is called each time the wait moves the clock,
	// after the controllers have reacted, before the new verdict is
	// taken: the moment to print what happened meanwhile.
	OnClock func()
}

// WaitError is why WaitForRollout stopped short of a finished rollout. Its
// text is kubectl's (without "error: ").
type WaitError struct {
	// Deployment names the Deployment waited for.
	Deployment string
	// Status is kubectl's last verdict; Status.Failed is set when the
	// progress deadline was exceeded.
	Status RolloutStatus
	// TimedOut is set when the timeout passed first.
	TimedOut bool
}

// Error returns kubectl's line: the failed verdict, the timeout, or, when
// neither, that waiting could not change the rollout any more.
func (e *WaitError) Error() string {
	switch {
	case e.Status.Failed:
		return e.Status.Message
	case e.TimedOut:
		return "timed out waiting for the condition"
	}
	return fmt.Sprintf("deployment %q has no progress deadline and nothing left to wait for", e.Deployment)
}

// WaitForRollout waits on the fake clock, moving it from one timed event to
// the next, as `kubectl rollout status deployment/NAME` waits: until
// kubectl's verdict (Status) is done or failed, the timeout passes, or
// nothing is left that could change the verdict (no pod is still to start
// or become available, and the progress deadline cannot pass). It returns
// the last verdict and the fake time waited. The error is a *WaitError,
// or a *NotFoundError for a missing Deployment.
func WaitForRollout(c Client, namespace, name string, opts WaitOptions) (RolloutStatus, time.Duration, error) {
	start := c.Now()
	end := start.Add(opts.Timeout)
	took := func() time.Duration { return c.Now().Sub(start) }
	if opts.Revision < 0 {
		return RolloutStatus{}, 0, fmt.Errorf("revision must be a positive integer: %d", opts.Revision)
	}
	last := ""
	for {
		d, err := get(c, namespace, name)
		if err != nil {
			return RolloutStatus{}, took(), err
		}
		if opts.Revision > 0 {
			if running := runningRevision(d); running != opts.Revision {
				return RolloutStatus{}, took(), fmt.Errorf("desired revision (%d) is different from the running revision (%d)", opts.Revision, running)
			}
		}
		st := Status(d)
		if st.Message != last && !st.Failed && opts.OnStatus != nil {
			opts.OnStatus(st)
		}
		last = st.Message
		switch {
		case st.Failed:
			return st, took(), &WaitError{Deployment: name, Status: st}
		case st.Done, opts.NoWatch:
			return st, took(), nil
		}
		// Time can still change the rollout's outcome while its progress
		// deadline can pass or pods are starting.
		next, ok := c.NextWakeup()
		ok = ok && (deadlineCanPass(d) || c.PodEventsPending())
		if opts.Timeout > 0 && (!ok || next.After(end)) {
			c.AdvanceTo(end)
			if opts.OnClock != nil {
				opts.OnClock()
			}
			d, err := get(c, namespace, name)
			if err != nil {
				return RolloutStatus{}, took(), err
			}
			st := Status(d)
			switch {
			case st.Done:
				if st.Message != last && opts.OnStatus != nil {
					opts.OnStatus(st)
				}
				return st, took(), nil
			case st.Failed:
				return st, took(), &WaitError{Deployment: name, Status: st}
			}
			return st, took(), &WaitError{Deployment: name, Status: st, TimedOut: true}
		}
		if !ok {
			return st, took(), &WaitError{Deployment: name, Status: st}
		}
		c.Step()
		if opts.OnClock != nil {
			opts.OnClock()
		}
	}
}

// deadlineCanPass tells whether waiting can still make d's progress
// deadline pass: one is set, d is not paused (upstream never checks a
// paused Deployment's deadline), and its Progressing condition says
// neither that the rollout finished nor that the deadline already passed.
// A finished rollout scaled up with pods that never become available is
// polled forever, yet can never time out.
func deadlineCanPass(d *deployment.Deployment) bool {
	if !deployment.HasProgressDeadline(d) || d.Spec.Paused {
		return false
	}
	c := d.Status.Condition(deployment.Progressing)
	return c == nil || c.Reason != deployment.ReasonNewRSAvailable && c.Reason != deployment.ReasonTimedOut
}

// runningRevision is the revision a Deployment records, as kubectl reads
// it: 0 when it records none or one that does not parse.
func runningRevision(d *deployment.Deployment) int64 {
	n, err := strconv.ParseInt(d.Annotations[deployment.RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return n
}
