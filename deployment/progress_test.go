package deployment

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/replicaset"
)

// TestSyncRolloutStatus checks the Progressing and ReplicaFailure
// conditions a status write carries: complete, progressing (keeping the
// transition time of a condition that stays True), timed out, removed
// without a deadline, and a ReplicaSet's failure copied.
func TestSyncRolloutStatus(t *testing.T) {
	now := epoch.Add(time.Hour)
	earlier := now.Add(-5 * time.Minute)
	updated := newDeploymentCondition(Progressing, "True", ReasonRSUpdated, `ReplicaSet "web-new" is progressing.`, earlier)
	updated.LastTransitionTime = earlier.Add(-time.Minute)
	failure := replicaset.Condition{Type: ReplicaFailure, Status: "True", Reason: "FailedCreate", Message: "quota", LastTransitionTime: earlier}
	tests := []struct {
		name                  string
		deadline              *int32
		stored                Status
		newAvailable, newPods int32
		oldPods               int32
		newFailure            bool
		wantProgressing       *Condition
		wantReplicaFailure    bool
	}{
		{name: "complete", deadline: Ptr[int32](600), stored: Status{Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 2, Conditions: []Condition{updated}},
			newPods: 3, newAvailable: 3,
			wantProgressing: &Condition{Type: Progressing, Status: "True", Reason: ReasonNewRSAvailable, Message: `ReplicaSet "web-new" has successfully progressed.`,
				LastUpdateTime: now, LastTransitionTime: updated.LastTransitionTime}},
		{name: "progressing", deadline: Ptr[int32](600), stored: Status{Replicas: 3, UpdatedReplicas: 1, Conditions: []Condition{updated}},
			newPods: 2, oldPods: 1,
			wantProgressing: &Condition{Type: Progressing, Status: "True", Reason: ReasonRSUpdated, Message: `ReplicaSet "web-new" is progressing.`,
				LastUpdateTime: now, LastTransitionTime: updated.LastTransitionTime}},
		{name: "timed out", deadline: Ptr[int32](60), stored: Status{Replicas: 3, UpdatedReplicas: 1, ReadyReplicas: 2, AvailableReplicas: 2, Conditions: []Condition{updated}},
			newPods: 1, oldPods: 2,
			wantProgressing: &Condition{Type: Progressing, Status: "False", Reason: ReasonTimedOut, Message: `ReplicaSet "web-new" has timed out progressing.`,
				LastUpdateTime: now, LastTransitionTime: now}},
		{name: "no deadline: no Progressing condition", stored: Status{Replicas: 3, UpdatedReplicas: 1, Conditions: []Condition{updated}},
			newPods: 1, oldPods: 2},
		{name: "a ReplicaSet's failure", stored: Status{Replicas: 3, UpdatedReplicas: 1},
			newPods: 1, oldPods: 2, newFailure: true, wantReplicaFailure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(3, 1, 0)
			d.Spec.ProgressDeadlineSeconds = tt.deadline
			d.Status = tt.stored
			d.Status.ObservedGeneration = 1
			newRS := newTestReplicaSet(d, "web-new", tt.newPods, tt.newAvailable, epoch.Add(time.Second))
			if tt.newFailure {
				newRS.Status.Conditions = []replicaset.Condition{failure}
			}
			oldRS := newTestReplicaSet(d, "web-old", tt.oldPods, tt.oldPods, epoch)
			env := newFakeEnv(oldRS, newRS)
			env.now = now
			require.NoError(t, newTestSyncer(env, d).syncRolloutStatus([]*replicaset.ReplicaSet{oldRS, newRS}, newRS))
			require.Len(t, env.statuses, 1)
			st := env.statuses[0]
			assert.Equal(t, tt.wantProgressing, st.Condition(Progressing))
			if tt.wantReplicaFailure {
				assert.Equal(t, &Condition{Type: ReplicaFailure, Status: "True", Reason: "FailedCreate", Message: "quota",
					LastUpdateTime: earlier, LastTransitionTime: earlier}, st.Condition(ReplicaFailure))
			} else {
				assert.Nil(t, st.Condition(ReplicaFailure))
			}
			assert.Equal(t, tt.newPods+tt.oldPods, st.Replicas)
			assert.Equal(t, tt.newPods, st.UpdatedReplicas)
		})
	}
}
