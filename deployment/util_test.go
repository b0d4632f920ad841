package deployment

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/replicaset"
)

// TestFenceposts checks how maxSurge and maxUnavailable resolve against
// the desired replicas: surge rounds up, unavailable down, both 0 lets
// one pod be unavailable, and MaxUnavailable never exceeds replicas.
func TestFenceposts(t *testing.T) {
	tests := []struct {
		name                         string
		replicas                     int32
		surge, unavailable           *IntOrPercent
		wantSurge, wantUnavailable   int32
		wantMaxSurge, wantMaxUnavail int32
		recreate                     bool
	}{
		{name: "counts", replicas: 10, surge: Int(3), unavailable: Int(2), wantSurge: 3, wantUnavailable: 2, wantMaxSurge: 3, wantMaxUnavail: 2},
		{name: "percents round apart", replicas: 10, surge: Percent("25%"), unavailable: Percent("25%"), wantSurge: 3, wantUnavailable: 2, wantMaxSurge: 3, wantMaxUnavail: 2},
		{name: "both 0", replicas: 10, surge: Percent("0%"), unavailable: Int(0), wantSurge: 0, wantUnavailable: 1, wantMaxSurge: 0, wantMaxUnavail: 1},
		{name: "10% of 1: surge rounds up, unavailable down", replicas: 1, surge: Percent("10%"), unavailable: Percent("10%"), wantSurge: 1, wantUnavailable: 0, wantMaxSurge: 1, wantMaxUnavail: 0},
		{name: "unavailable above replicas", replicas: 2, surge: Int(0), unavailable: Int(5), wantSurge: 0, wantUnavailable: 5, wantMaxSurge: 0, wantMaxUnavail: 2},
		{name: "zero replicas", replicas: 0, surge: Int(1), unavailable: Int(1), wantSurge: 1, wantUnavailable: 1, wantMaxSurge: 1, wantMaxUnavail: 0},
		{name: "Recreate", replicas: 10, recreate: true, wantSurge: 0, wantUnavailable: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(tt.replicas, 0, 0)
			d.Spec.Strategy.RollingUpdate = &RollingUpdateParams{MaxSurge: tt.surge, MaxUnavailable: tt.unavailable}
			if tt.recreate {
				d.Spec.Strategy = Strategy{Type: Recreate}
			}
			surge, unavailable := Fenceposts(d)
			assert.Equal(t, tt.wantSurge, surge, "surge")
			assert.Equal(t, tt.wantUnavailable, unavailable, "unavailable")
			assert.Equal(t, tt.wantMaxSurge, MaxSurge(d), "MaxSurge")
			assert.Equal(t, tt.wantMaxUnavail, MaxUnavailable(d), "MaxUnavailable")
		})
	}
}

// TestRolloutStates checks Complete, deploymentProgressing and
// deploymentTimedOut on a stored status and a new one.
func TestRolloutStates(t *testing.T) {
	now := epoch.Add(time.Hour)
	progressing := func(reason string, ago time.Duration) []Condition {
		return []Condition{newDeploymentCondition(Progressing, "True", reason, "", now.Add(-ago))}
	}
	tests := []struct {
		name                 string
		stored, next         Status
		wantComplete         bool
		wantProgressing      bool
		wantTimedOut         bool
		generation, observed int64
	}{
		{name: "complete", stored: Status{Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 2},
			next: Status{Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3}, wantComplete: true, wantProgressing: true},
		{name: "complete but not observed", generation: 2, observed: 1,
			next: Status{Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3}, wantProgressing: true},
		{name: "old pods left", next: Status{Replicas: 4, UpdatedReplicas: 3, AvailableReplicas: 3}, wantProgressing: true},
		{name: "fewer old pods", stored: Status{Replicas: 4, UpdatedReplicas: 2}, next: Status{Replicas: 3, UpdatedReplicas: 2}, wantProgressing: true},
		{name: "more ready", stored: Status{ReadyReplicas: 1}, next: Status{ReadyReplicas: 2}, wantProgressing: true},
		{name: "no change, deadline not passed", stored: Status{Replicas: 3}, next: Status{Replicas: 3, Conditions: progressing(ReasonRSUpdated, 10*time.Minute)}},
		{name: "no change, deadline just reached", stored: Status{Replicas: 3}, next: Status{Replicas: 3, Conditions: progressing(ReasonRSUpdated, 20*time.Minute)}},
		{name: "no change, deadline passed", stored: Status{Replicas: 3}, next: Status{Replicas: 3, Conditions: progressing(ReasonRSUpdated, 20*time.Minute+time.Second)}, wantTimedOut: true},
		{name: "already timed out", next: Status{Replicas: 3, Conditions: progressing(ReasonTimedOut, 0)}, wantTimedOut: true},
		{name: "a finished rollout never times out", next: Status{Replicas: 3, Conditions: progressing(ReasonNewRSAvailable, time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(3, 1, 0)
			d.Spec.ProgressDeadlineSeconds = Ptr[int32](1200)
			d.Generation = max(tt.generation, 1)
			d.Status = tt.stored
			next := tt.next
			next.ObservedGeneration = max(tt.observed, 1)
			assert.Equal(t, tt.wantComplete, Complete(d, &next), "Complete")
			assert.Equal(t, tt.wantProgressing, deploymentProgressing(d, &next), "deploymentProgressing")
			assert.Equal(t, tt.wantTimedOut, deploymentTimedOut(d, &next, now), "deploymentTimedOut")
			d.Spec.ProgressDeadlineSeconds = Ptr[int32](NoLimit)
			assert.False(t, deploymentTimedOut(d, &next, now), "timed out without a deadline")
		})
	}
}

// TestNewRSNewReplicas checks how far the new ReplicaSet may grow now.
func TestNewRSNewReplicas(t *testing.T) {
	tests := []struct {
		name                  string
		replicas, surge       int32
		recreate              bool
		newReplicas, oldTotal int32
		want                  int32
	}{
		{name: "surge room", replicas: 10, surge: 2, oldTotal: 10, want: 2},
		{name: "room left by old ones, capped at desired", replicas: 10, surge: 5, newReplicas: 2, oldTotal: 1, want: 10},
		{name: "no room", replicas: 10, surge: 2, newReplicas: 4, oldTotal: 8, want: 4},
		{name: "over the bound keeps its size", replicas: 10, surge: 2, newReplicas: 6, oldTotal: 8, want: 6},
		{name: "Recreate: all at once", replicas: 10, recreate: true, oldTotal: 10, want: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(tt.replicas, tt.surge, 0)
			if tt.recreate {
				d.Spec.Strategy = Strategy{Type: Recreate}
			}
			newRS := newTestReplicaSet(d, "web-new", tt.newReplicas, 0, epoch)
			oldRS := newTestReplicaSet(d, "web-old", tt.oldTotal, 0, epoch)
			got, err := newRSNewReplicas(d, []*replicaset.ReplicaSet{oldRS, newRS}, newRS)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	d := newTestDeployment(1, 0, 1)
	d.Spec.Strategy.Type = "Blue"
	_, err := newRSNewReplicas(d, nil, newTestReplicaSet(d, "web", 0, 0, epoch))
	assert.EqualError(t, err, `deployment type Blue isn't supported`)
}

// TestFindNewAndOldReplicaSets checks that the new ReplicaSet is the
// oldest whose template matches, hash label aside, and that every other
// one is old, in the list's order.
func TestFindNewAndOldReplicaSets(t *testing.T) {
	d := newTestDeployment(1, 1, 0)
	other := func(name string, sec int) *replicaset.ReplicaSet {
		rs := newTestReplicaSet(d, name, 1, 1, epoch.Add(time.Duration(sec)*time.Second))
		rs.Spec.Template.Spec.Containers[0].Image = "web:0"
		return rs
	}
	match := func(name string, sec int) *replicaset.ReplicaSet {
		rs := newTestReplicaSet(d, name, 1, 1, epoch.Add(time.Duration(sec)*time.Second))
		rs.Spec.Template.Labels[TemplateHashLabel] = "h-" + name
		return rs
	}
	a, b, c, e := other("a", 1), match("b", 2), match("c", 3), other("e", 4)
	tests := []struct {
		name    string
		list    []*replicaset.ReplicaSet
		wantNew *replicaset.ReplicaSet
		wantOld []*replicaset.ReplicaSet
	}{
		{name: "none", wantOld: []*replicaset.ReplicaSet{}},
		{name: "no match", list: []*replicaset.ReplicaSet{a, e}, wantOld: []*replicaset.ReplicaSet{a, e}},
		{name: "one match", list: []*replicaset.ReplicaSet{a, b, e}, wantNew: b, wantOld: []*replicaset.ReplicaSet{a, e}},
		{name: "two matches: the oldest", list: []*replicaset.ReplicaSet{a, b, c, e}, wantNew: b, wantOld: []*replicaset.ReplicaSet{a, c, e}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Same(t, tt.wantNew, findNewReplicaSet(d, tt.list))
			newRS, old := newTestSyncer(newFakeEnv(), d).findOldReplicaSets(tt.list)
			assert.Same(t, tt.wantNew, newRS)
			assert.Equal(t, tt.wantOld, old)
		})
	}
}

// TestSetNewReplicaSetAnnotations checks how the new ReplicaSet's
// annotations follow the Deployment's: copied but for the controller's
// own, the revision only ever raised, the old one remembered in the
// history, and the replica annotations set only on creation.
func TestSetNewReplicaSetAnnotations(t *testing.T) {
	tests := []struct {
		name        string
		dAnn, rsAnn map[string]string
		newRevision string
		exists      bool
		wantChanged bool
		wantAnn     map[string]string
	}{
		{name: "creation", dAnn: map[string]string{"team": "a", RevisionAnnotation: "1", LastAppliedAnnotation: "{}"}, newRevision: "2",
			wantChanged: true, wantAnn: map[string]string{"team": "a", RevisionAnnotation: "2", DesiredReplicasAnnotation: "3", MaxReplicasAnnotation: "4"}},
		{name: "unchanged", dAnn: map[string]string{"team": "a"}, rsAnn: map[string]string{"team": "a", RevisionAnnotation: "2"},
			newRevision: "2", exists: true, wantAnn: map[string]string{"team": "a", RevisionAnnotation: "2"}},
		{name: "raised, the old revision in the history", rsAnn: map[string]string{RevisionAnnotation: "2", RevisionHistoryAnnotation: "1"},
			newRevision: "5", exists: true, wantChanged: true,
			wantAnn: map[string]string{RevisionAnnotation: "5", RevisionHistoryAnnotation: "1,2"}},
		{name: "never lowered", rsAnn: map[string]string{RevisionAnnotation: "7"}, newRevision: "5", exists: true,
			wantAnn: map[string]string{RevisionAnnotation: "7"}},
		{name: "a revision that does not parse stops everything", dAnn: map[string]string{"team": "b"},
			rsAnn: map[string]string{RevisionAnnotation: "x"}, newRevision: "5", exists: true,
			wantAnn: map[string]string{RevisionAnnotation: "x"}},
		{name: "an annotation copied", dAnn: map[string]string{"team": "b", RevisionAnnotation: "3"},
			rsAnn: map[string]string{"team": "a", RevisionAnnotation: "3"}, newRevision: "3", exists: true, wantChanged: true,
			wantAnn: map[string]string{"team": "b", RevisionAnnotation: "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(3, 1, 0)
			d.Annotations = tt.dAnn
			rs := newTestReplicaSet(d, "web-new", 0, 0, epoch)
			rs.Annotations = tt.rsAnn
			var revs revisionAnnotations
			revs.d, revs.dHas = d.Annotations[RevisionAnnotation]
			revs.rs, revs.rsHas = rs.Annotations[RevisionAnnotation]
			assert.Equal(t, tt.wantChanged, setNewReplicaSetAnnotations(d, rs, revs, tt.newRevision, tt.exists))
			assert.Equal(t, tt.wantAnn, rs.Annotations)
		})
	}
}

// TestRevisionHistoryBound checks that the revision history drops its
// oldest entries to stay within its bound.
func TestRevisionHistoryBound(t *testing.T) {
	rs := &replicaset.ReplicaSet{}
	long := strings.Repeat("9", maxRevisionHistoryChars-3)
	rs.SetAnnotation(RevisionHistoryAnnotation, "1,"+long)
	appendRevisionHistory(rs, "12")
	assert.Equal(t, long+",12", rs.Annotations[RevisionHistoryAnnotation])
	assert.LessOrEqual(t, len(rs.Annotations[RevisionHistoryAnnotation]), maxRevisionHistoryChars)
}

// TestSetDeploymentCondition checks that a condition of the same status
// and reason is kept as it is, that one of the same status keeps its
// transition time, and that the new one goes last.
func TestSetDeploymentCondition(t *testing.T) {
	t0, t1 := epoch, epoch.Add(time.Minute)
	avail := newDeploymentCondition(Available, "True", ReasonMinimumAvailable, "m", t0)
	prog := newDeploymentCondition(Progressing, "True", ReasonRSUpdated, "p", t0)
	tests := []struct {
		name string
		have []Condition
		set  Condition
		want []Condition
	}{
		{name: "to none", set: prog, want: []Condition{prog}},
		{name: "same status and reason", have: []Condition{prog, avail},
			set: newDeploymentCondition(Progressing, "True", ReasonRSUpdated, "other", t1), want: []Condition{prog, avail}},
		{name: "same status, new reason", have: []Condition{prog, avail},
			set:  newDeploymentCondition(Progressing, "True", ReasonNewRSAvailable, "done", t1),
			want: []Condition{avail, {Type: Progressing, Status: "True", Reason: ReasonNewRSAvailable, Message: "done", LastUpdateTime: t1, LastTransitionTime: t0}}},
		{name: "new status", have: []Condition{prog, avail},
			set:  newDeploymentCondition(Progressing, "False", ReasonTimedOut, "late", t1),
			want: []Condition{avail, newDeploymentCondition(Progressing, "False", ReasonTimedOut, "late", t1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSyncer(newFakeEnv(), newTestDeployment(1, 1, 0))
			st := Status{Conditions: tt.have}
			s.setDeploymentCondition(&st, tt.set)
			assert.Equal(t, tt.want, st.Conditions)
		})
	}
}

// TestRemoveDeploymentCondition checks removal, including of the last
// condition (nil) and of an absent one (the list kept).
func TestRemoveDeploymentCondition(t *testing.T) {
	avail := newDeploymentCondition(Available, "True", ReasonMinimumAvailable, "m", epoch)
	prog := newDeploymentCondition(Progressing, "True", ReasonRSUpdated, "p", epoch)
	tests := []struct {
		name string
		have []Condition
		want []Condition
	}{
		{name: "present", have: []Condition{prog, avail}, want: []Condition{avail}},
		{name: "the last one", have: []Condition{prog}},
		{name: "absent", have: []Condition{avail}, want: []Condition{avail}},
		{name: "none", have: []Condition{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSyncer(newFakeEnv(), newTestDeployment(1, 1, 0))
			st := Status{Conditions: tt.have}
			s.removeDeploymentCondition(&st, Progressing)
			assert.Equal(t, tt.want, st.Conditions)
		})
	}
}

// TestFindActiveOrLatest checks the ReplicaSet a plain resize goes to.
func TestFindActiveOrLatest(t *testing.T) {
	d := newTestDeployment(1, 1, 0)
	rs := func(name string, replicas int32, sec int) *replicaset.ReplicaSet {
		return newTestReplicaSet(d, name, replicas, 0, epoch.Add(time.Duration(sec)*time.Second))
	}
	tests := []struct {
		name  string
		newRS *replicaset.ReplicaSet
		old   []*replicaset.ReplicaSet
		want  string
	}{
		{name: "nothing"},
		{name: "the only active one", newRS: rs("new", 0, 3), old: []*replicaset.ReplicaSet{rs("a", 0, 1), rs("b", 2, 2)}, want: "b"},
		{name: "several active", newRS: rs("new", 1, 3), old: []*replicaset.ReplicaSet{rs("a", 1, 1)}},
		{name: "none active: the new one", newRS: rs("new", 0, 3), old: []*replicaset.ReplicaSet{rs("a", 0, 1)}, want: "new"},
		{name: "none active, no new one: the newest old one", old: []*replicaset.ReplicaSet{rs("b", 0, 2), rs("c", 0, 5), rs("a", 0, 1)}, want: "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findActiveOrLatest(tt.newRS, tt.old)
			if tt.want == "" {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.want, got.Name)
		})
	}
}

// TestGetReplicaSetFraction checks a ReplicaSet's share of a change of
// the Deployment's bound, from the bound recorded on it or else from the
// Deployment's stored replica count.
func TestGetReplicaSetFraction(t *testing.T) {
	tests := []struct {
		name                                 string
		replicas, rsReplicas, statusReplicas int32
		maxAnnotation                        string
		want                                 int32
	}{
		{name: "doubled", replicas: 10, rsReplicas: 3, maxAnnotation: "5", want: 3},
		{name: "halved", replicas: 5, rsReplicas: 4, maxAnnotation: "10", want: -2},
		{name: "to zero", replicas: 0, rsReplicas: 4, maxAnnotation: "10", want: -4},
		{name: "no annotation: the stored count", replicas: 10, rsReplicas: 2, statusReplicas: 5, want: 2},
		{name: "no annotation, nothing stored", replicas: 10, rsReplicas: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(tt.replicas, 0, 1)
			d.Status.Replicas = tt.statusReplicas
			rs := newTestReplicaSet(d, "web", tt.rsReplicas, 0, epoch)
			if tt.maxAnnotation != "" {
				rs.SetAnnotation(MaxReplicasAnnotation, tt.maxAnnotation)
			}
			assert.Equal(t, tt.want, getReplicaSetFraction(d, rs))
		})
	}
}
