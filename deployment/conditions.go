package deployment

import (
	"fmt"
	"time"
)

// newCondition returns a condition stamped at now, to the second as the
// API server stores it.
func newCondition(typ, status, reason, message string, now time.Time) Condition {
	t := now.Truncate(time.Second)
	return Condition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: t, LastTransitionTime: t}
}

// setCondition stores c unless a condition of its type already has the
// same status and reason; a replaced condition keeps its transition time
// when the status is unchanged, and the new one goes last.
func setCondition(s *Status, c Condition) {
	cur := s.Condition(c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	removeCondition(s, c.Type)
	s.Conditions = append(s.Conditions, c)
}

// removeCondition drops the condition of type t.
func removeCondition(s *Status, t string) {
	var kept []Condition
	for _, c := range s.Conditions {
		if c.Type != t {
			kept = append(kept, c)
		}
	}
	s.Conditions = kept
}

// progressMessage words a Progressing message about the new ReplicaSet,
// or about the Deployment when there is none.
func progressMessage(d *Deployment, rsName, rsFormat, dFormat string) string {
	if rsName != "" {
		return fmt.Sprintf(rsFormat, rsName)
	}
	return fmt.Sprintf(dFormat, d.Name)
}

// Complete reports whether st shows the rollout of d finished: every
// desired pod updated and available, no old pod left, and the current
// generation observed.
func Complete(d *Deployment, st *Status) bool {
	r := d.DesiredReplicas()
	return st.UpdatedReplicas == r && st.Replicas == r && st.AvailableReplicas == r && st.ObservedGeneration >= d.Generation
}

// progressing reports whether st shows progress over d's stored status.
func progressing(d *Deployment, st *Status) bool {
	old := &d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas ||
		st.AvailableReplicas > old.AvailableReplicas
}

// timedOut reports whether the Progressing condition in st says the
// rollout missed its deadline at now: it already says so, or its last
// update lies more than progressDeadlineSeconds before now.
func timedOut(d *Deployment, st *Status, now time.Time) bool {
	if !HasProgressDeadline(d) {
		return false
	}
	c := st.Condition(Progressing)
	if c == nil || c.Reason == ReasonNewRSAvailable {
		return false
	}
	if c.Reason == ReasonTimedOut {
		return true
	}
	return c.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Before(now)
}
