package kubectl

import (
	"fmt"

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
		return RolloutStatus{Message: fmt.Sprintf("deployment %q exceeded its progress deadline", d.Name), Failed: true}
	}
	replicas := d.DesiredReplicas()
	switch {
	case st.UpdatedReplicas < replicas:
		return RolloutStatus{Message: fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...", d.Name, st.UpdatedReplicas, replicas)}
	case st.Replicas > st.UpdatedReplicas:
		return RolloutStatus{Message: fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...", d.Name, st.Replicas-st.UpdatedReplicas)}
	case st.AvailableReplicas < st.UpdatedReplicas:
		return RolloutStatus{Message: fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...", d.Name, st.AvailableReplicas, st.UpdatedReplicas)}
	}
	return RolloutStatus{Message: fmt.Sprintf("deployment %q successfully rolled out", d.Name), Done: true}
}
