package kubectl

import (
	"strconv"

	"github.com/rollsim/rollsim/deployment"
)

// RolloutStatus is kubectl's verdict on a Deployment's rollout: the line
// it prints, whether it is done, and whether it failed (the progress
// deadline was exceeded).
type RolloutStatus struct {
	// Message is the line kubectl prints (without "error: ").
	Message string
	// Done is set once the rollout completed successfully.
	Done bool
	// Failed is set when the rollout exceeded its progress deadline.
	Failed bool
}

// Status checks a Deployment as `kubectl rollout status` does.
func Status(d *deployment.Deployment) RolloutStatus {
	if d.Generation > d.Status.ObservedGeneration {
		return RolloutStatus{Message: "Waiting for deployment spec update to be observed..."}
	}
	st := &d.Status
	if c := st.Condition(deployment.Progressing); c != nil && c.Reason == deployment.ReasonTimedOut {
		b := strconv.AppendQuote([]byte("deployment "), d.Name)
		return RolloutStatus{Message: string(append(b, " exceeded its progress deadline"...)), Failed: true}
	}
	replicas := d.DesiredReplicas()
	// The lines are built with strconv in a buffer on the stack rather
	// than with fmt: a watched rollout builds one per step, and fmt would
	// box every number.
	var buf [128]byte
	waiting := func() []byte {
		return append(strconv.AppendQuote(append(buf[:0], "Waiting for deployment "...), d.Name), " rollout to finish: "...)
	}
	switch {
	case st.UpdatedReplicas < replicas:
		b := strconv.AppendInt(waiting(), int64(st.UpdatedReplicas), 10)
		b = strconv.AppendInt(append(b, " out of "...), int64(replicas), 10)
		return RolloutStatus{Message: string(append(b, " new replicas have been updated..."...))}
	case st.Replicas > st.UpdatedReplicas:
		b := strconv.AppendInt(waiting(), int64(st.Replicas-st.UpdatedReplicas), 10)
		return RolloutStatus{Message: string(append(b, " old replicas are pending termination..."...))}
	case st.AvailableReplicas < st.UpdatedReplicas:
		b := strconv.AppendInt(waiting(), int64(st.AvailableReplicas), 10)
		b = strconv.AppendInt(append(b, " of "...), int64(st.UpdatedReplicas), 10)
		return RolloutStatus{Message: string(append(b, " updated replicas are available..."...))}
	}
	b := strconv.AppendQuote(append(buf[:0], "deployment "...), d.Name)
	return RolloutStatus{Message: string(append(b, " successfully rolled out"...)), Done: true}
}
