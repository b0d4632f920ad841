package deployment

import (
	"strconv"
	"time"
)

// newDeploymentCondition returns a condition stamped at stamp, a time already
// truncated to the second as the API server stores it (syncer.stamp).
func newDeploymentCondition(typ, status, reason, message string, stamp time.Time) Condition {
	return Condition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: stamp, LastTransitionTime: stamp}
}

// setDeploymentCondition stores c unless a condition of its type already has the
// same status and reason; a replaced condition keeps its transition time
// when the status is unchanged, and the new one goes last. The new list
// comes from the sync's scratch memory (see condSlice).
func (s *syncer) setDeploymentCondition(st *Status, c Condition) {
	cur := st.Condition(c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	kept := s.condSlice(len(st.Conditions) + 1)
	for _, o := range st.Conditions {
		if o.Type != c.Type {
			kept = append(kept, o)
		}
	}
	st.Conditions = append(kept, c)
}

// removeDeploymentCondition drops the condition of type t. The result is a new
// slice (from the sync's scratch memory), or nil when no condition is
// left; when there is no condition of type t a non-empty slice is kept as
// it is (conditions are never changed in place, so sharing it is safe).
func (s *syncer) removeDeploymentCondition(st *Status, t string) {
	n := 0
	for i := range st.Conditions {
		if st.Conditions[i].Type != t {
			n++
		}
	}
	switch {
	case n == 0:
		st.Conditions = nil
		return
	case n == len(st.Conditions):
		return
	}
	kept := s.condSlice(n)
	for _, c := range st.Conditions {
		if c.Type != t {
			kept = append(kept, c)
		}
	}
	st.Conditions = kept
}

// progressMessage words a Progressing message about the new ReplicaSet,
// or about the Deployment when there is none: `ReplicaSet "NAME" rest`
// or `Deployment "NAME" rest`, the name quoted as %q quotes it. When cur,
// the current Progressing condition, already says the same, its message
// is returned rather than a new copy of it: every sync asks, and most
// find it unchanged.
func progressMessage(d *Deployment, rsName, rest string, cur *Condition) string {
	var buf [128]byte
	b := buf[:0]
	if rsName != "" {
		b = appendQuoted(append(b, "ReplicaSet "...), rsName)
	} else {
		b = appendQuoted(append(b, "Deployment "...), d.Name)
	}
	b = append(b, ' ')
	b = append(b, rest...)
	if cur != nil && string(b) == cur.Message {
		return cur.Message
	}
	return string(b)
}

// appendQuoted appends s quoted as %q quotes it. Object names need no
// escapes, so they are copied between quotes; anything else goes through
// strconv.
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Complete reports whether st shows the rollout of d finished: every
// desired pod updated and available, no old pod left, and the current
// generation observed.
func Complete(d *Deployment, st *Status) bool {
	r := d.DesiredReplicas()
	return st.UpdatedReplicas == r && st.Replicas == r && st.AvailableReplicas == r && st.ObservedGeneration >= d.Generation
}

// deploymentProgressing reports whether st shows progress over d's stored status.
func deploymentProgressing(d *Deployment, st *Status) bool {
	old := &d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas ||
		st.AvailableReplicas > old.AvailableReplicas
}

// deploymentTimedOut reports whether the Progressing condition in st says the
// rollout missed its deadline at now: it already says so, or its last
// update lies more than progressDeadlineSeconds before now.
func deploymentTimedOut(d *Deployment, st *Status, now time.Time) bool {
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
