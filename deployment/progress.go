package deployment

import (
	"strconv"
	"time"

	"github.com/rollsim/rollsim/replicaset"
)

// syncRolloutStatus writes the status with the Progressing condition
// brought up to date: complete, progressing, or timed out.
// upstream: progress.go syncRolloutStatus
func (s *syncer) syncRolloutStatus(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet) error {
	d := s.d
	st := s.calculateStatus(all, newRS)
	if !HasProgressDeadline(d) {
		s.removeDeploymentCondition(&st, Progressing)
	}
	rsName := ""
	if newRS != nil {
		rsName = newRS.Name
	}
	cur := d.Status.Condition(Progressing)
	complete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
	if HasProgressDeadline(d) && !complete {
		switch {
		case Complete(d, &st):
			msg := progressMessage(d, rsName, "has successfully progressed.", cur)
			s.setDeploymentCondition(&st, newDeploymentCondition(Progressing, "True", ReasonNewRSAvailable, msg, s.stamp))
		case deploymentProgressing(d, &st):
			msg := progressMessage(d, rsName, "is progressing.", cur)
			c := newDeploymentCondition(Progressing, "True", ReasonRSUpdated, msg, s.stamp)
			if cur != nil {
				if cur.Status == "True" {
					c.LastTransitionTime = cur.LastTransitionTime
				}
				s.removeDeploymentCondition(&st, Progressing)
			}
			s.setDeploymentCondition(&st, c)
		case deploymentTimedOut(d, &st, s.now):
			msg := progressMessage(d, rsName, "has timed out progressing.", cur)
			s.setDeploymentCondition(&st, newDeploymentCondition(Progressing, "False", ReasonTimedOut, msg, s.stamp))
		}
	}
	if f := getReplicaFailures(all, newRS, s.now); f != nil {
		s.setDeploymentCondition(&st, *f)
	} else {
		s.removeDeploymentCondition(&st, ReplicaFailure)
	}
	if statusDeepEqual(&d.Status, &st) {
		s.requeueStuck(&st)
		return nil
	}
	d.Status = st
	return s.write()
}

// getReplicaFailures turns a ReplicaFailure condition of the new ReplicaSet,
// else of any ReplicaSet, into the Deployment's.
// upstream: progress.go getReplicaFailures
func getReplicaFailures(all []*replicaset.ReplicaSet, newRS *replicaset.ReplicaSet, now time.Time) *Condition {
	find := func(rs *replicaset.ReplicaSet) *Condition {
		for _, c := range rs.Status.Conditions {
			if c.Type == ReplicaFailure {
				return &Condition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message, LastUpdateTime: c.LastTransitionTime, LastTransitionTime: c.LastTransitionTime}
			}
		}
		return nil
	}
	if newRS != nil {
		if c := find(newRS); c != nil {
			return c
		}
	}
	for _, rs := range all {
		if rs != nil {
			if c := find(rs); c != nil {
				return c
			}
		}
	}
	return nil
}

// requeueStuck asks for a progress check when the deadline of a rollout
// that shows no progress would pass: one second after it, since the check
// is strict and times are kept to the second. With less than a second
// left it polls, rate-limited, as upstream does: also, endlessly, for a
// finished rollout scaled up with pods that never become available, whose
// NewReplicaSetAvailable condition can never time out.
// upstream: progress.go requeueStuckDeployment
func (s *syncer) requeueStuck(st *Status) {
	d := s.d
	cur := d.Status.Condition(Progressing)
	if !HasProgressDeadline(d) || cur == nil || Complete(d, st) || cur.Reason == ReasonTimedOut {
		return
	}
	deadline := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second)
	after := deadline.Sub(s.now)
	if after < time.Second {
		s.env.RequeueRateLimited(d)
		return
	}
	s.env.RequeueAt(d, s.now.Add(after+time.Second))
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
