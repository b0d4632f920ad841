package deployment

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// TestScale checks how a change of replicas is shared among a
// Deployment's ReplicaSets: all to the only active one, none to the old
// ones of a saturated new one, otherwise in proportion to their sizes,
// with what rounding leaves over going to the largest.
func TestScale(t *testing.T) {
	newer, old, older := epoch.Add(2*time.Hour), epoch.Add(time.Hour), epoch
	type rs struct {
		name      string
		replicas  int32
		available int32
		created   time.Time
	}
	tests := []struct {
		name string
		// replicas and maxSurge are the Deployment's now; wasReplicas and
		// wasSurge those its ReplicaSets' annotations were written for.
		replicas, maxSurge    int32
		wasReplicas, wasSurge int32
		recreate              bool
		newRS                 *rs
		oldRSs                []rs
		desiredAnnotations    map[string]int32
		wantSizes             map[string]int32
		wantUntouched         []string
	}{
		{
			name: "only active ReplicaSet: 10 -> 12", replicas: 12, wasReplicas: 10,
			newRS:     &rs{"web-v1", 10, 10, newer},
			wantSizes: map[string]int32{"web-v1": 12},
		},
		{
			name: "only active ReplicaSet: 10 -> 5", replicas: 5, wasReplicas: 10,
			newRS:     &rs{"web-v1", 10, 10, newer},
			wantSizes: map[string]int32{"web-v1": 5},
		},
		{
			name: "proportional: 5 -> 10", replicas: 10, wasReplicas: 5,
			newRS: &rs{"web-v2", 2, 0, newer}, oldRSs: []rs{{"web-v1", 3, 3, old}},
			wantSizes: map[string]int32{"web-v2": 4, "web-v1": 6},
		},
		{
			name: "proportional: 5 -> 3", replicas: 3, wasReplicas: 5,
			newRS: &rs{"web-v2", 2, 0, newer}, oldRSs: []rs{{"web-v1", 3, 3, old}},
			wantSizes: map[string]int32{"web-v2": 1, "web-v1": 2},
		},
		{
			name: "proportional: 9 -> 4", replicas: 4, wasReplicas: 9,
			newRS: &rs{"web-v2", 8, 0, newer}, oldRSs: []rs{{"web-v1", 1, 1, old}},
			wantSizes: map[string]int32{"web-v2": 4, "web-v1": 0},
		},
		{
			name: "proportional: 7 -> 10", replicas: 10, wasReplicas: 7,
			newRS: &rs{"web-v3", 2, 0, newer}, oldRSs: []rs{{"web-v2", 3, 3, old}, {"web-v1", 2, 2, older}},
			wantSizes: map[string]int32{"web-v3": 3, "web-v2": 4, "web-v1": 3},
		},
		{
			name: "proportional: 13 -> 8", replicas: 8, wasReplicas: 13,
			newRS: &rs{"web-v3", 2, 0, newer}, oldRSs: []rs{{"web-v2", 8, 8, old}, {"web-v1", 3, 3, older}},
			wantSizes: map[string]int32{"web-v3": 1, "web-v2": 5, "web-v1": 2},
		},
		{
			name: "leftover goes to the newest of equals: 3 -> 4", replicas: 4, wasReplicas: 3,
			newRS: &rs{"web-v3", 1, 0, newer}, oldRSs: []rs{{"web-v2", 1, 1, old}, {"web-v1", 1, 1, older}},
			wantSizes: map[string]int32{"web-v3": 2, "web-v2": 1, "web-v1": 1},
		},
		{
			name: "leftover comes from the oldest of equals: 3 -> 2", replicas: 2, wasReplicas: 3,
			newRS: &rs{"web-v3", 1, 0, newer}, oldRSs: []rs{{"web-v2", 1, 1, old}, {"web-v1", 1, 1, older}},
			wantSizes: map[string]int32{"web-v3": 1, "web-v2": 1, "web-v1": 0},
		},
		{
			name: "no new ReplicaSet: 4 -> 5", replicas: 5, wasReplicas: 4,
			oldRSs:    []rs{{"web-v2", 2, 2, old}, {"web-v1", 2, 2, older}},
			wantSizes: map[string]int32{"web-v2": 3, "web-v1": 2},
		},
		{
			name: "to zero: 6 -> 0", replicas: 0, wasReplicas: 6,
			newRS: &rs{"web-v3", 3, 0, newer}, oldRSs: []rs{{"web-v2", 2, 2, old}, {"web-v1", 1, 1, older}},
			wantSizes: map[string]int32{"web-v3": 0, "web-v2": 0, "web-v1": 0},
		},
		{
			name: "from zero: none active, the new one takes all", replicas: 6, wasReplicas: 6,
			newRS: &rs{"web-v3", 0, 0, newer}, oldRSs: []rs{{"web-v2", 0, 0, old}, {"web-v1", 0, 0, older}},
			wantSizes:     map[string]int32{"web-v3": 6, "web-v2": 0, "web-v1": 0},
			wantUntouched: []string{"web-v2", "web-v1"},
		},
		{
			name: "none active and no new one: the newest old one takes all", replicas: 4, wasReplicas: 4,
			oldRSs:        []rs{{"web-v1", 0, 0, older}, {"web-v2", 0, 0, old}},
			wantSizes:     map[string]int32{"web-v2": 4, "web-v1": 0},
			wantUntouched: []string{"web-v1"},
		},
		{
			name: "a ReplicaSet annotated for another size", replicas: 5, wasReplicas: 5,
			newRS: &rs{"web-v3", 2, 0, newer}, oldRSs: []rs{{"web-v2", 1, 1, old}, {"web-v1", 1, 1, older}},
			desiredAnnotations: map[string]int32{"web-v2": 3},
			wantSizes:          map[string]int32{"web-v3": 2, "web-v2": 2, "web-v1": 1},
			wantUntouched:      []string{"web-v3", "web-v1"},
		},
		{
			name: "surge pods: 10 -> 20", replicas: 20, maxSurge: 2, wasReplicas: 10, wasSurge: 2,
			newRS: &rs{"web-v2", 6, 0, newer}, oldRSs: []rs{{"web-v1", 6, 6, old}},
			wantSizes: map[string]int32{"web-v2": 11, "web-v1": 11},
		},
		{
			name: "surge and size both change", replicas: 50, maxSurge: 6, wasReplicas: 10, wasSurge: 3,
			newRS: &rs{"web-v2", 5, 0, newer}, oldRSs: []rs{{"web-v1", 8, 8, old}},
			wantSizes: map[string]int32{"web-v2": 22, "web-v1": 34},
		},
		{
			name: "a saturated new ReplicaSet takes all, the old ones go", replicas: 3, maxSurge: 1, wasReplicas: 3, wasSurge: 1,
			newRS: &rs{"web-v2", 3, 3, newer}, oldRSs: []rs{{"web-v1", 1, 1, old}},
			wantSizes:     map[string]int32{"web-v2": 3, "web-v1": 0},
			wantUntouched: []string{"web-v2"},
		},
		{
			name: "a full but unavailable new ReplicaSet leaves the old ones", replicas: 2, maxSurge: 1, wasReplicas: 2, wasSurge: 1,
			newRS: &rs{"web-v2", 2, 0, newer}, oldRSs: []rs{{"web-v1", 1, 1, old}},
			wantSizes:     map[string]int32{"web-v2": 2, "web-v1": 1},
			wantUntouched: []string{"web-v2", "web-v1"},
		},
		{
			name: "Recreate shares nothing", replicas: 6, wasReplicas: 4, recreate: true,
			newRS: &rs{"web-v2", 2, 0, newer}, oldRSs: []rs{{"web-v1", 2, 2, old}},
			wantSizes:     map[string]int32{"web-v2": 2, "web-v1": 2},
			wantUntouched: []string{"web-v2", "web-v1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(tt.replicas, tt.maxSurge, 0)
			was := newTestDeployment(tt.wasReplicas, tt.wasSurge, 0)
			if tt.recreate {
				d.Spec.Strategy = Strategy{Type: Recreate}
				was.Spec.Strategy = Strategy{Type: Recreate}
			}
			build := func(r rs) *replicaset.ReplicaSet {
				out := newTestReplicaSet(d, r.name, r.replicas, r.available, r.created)
				desired, ok := tt.desiredAnnotations[r.name]
				if !ok {
					desired = tt.wasReplicas
				}
				setReplicasAnnotations(out, desired, desired+MaxSurge(was))
				return out
			}
			var newRS *replicaset.ReplicaSet
			if tt.newRS != nil {
				newRS = build(*tt.newRS)
			}
			var oldRSs []*replicaset.ReplicaSet
			for _, r := range tt.oldRSs {
				oldRSs = append(oldRSs, build(r))
			}
			before := sizes(append([]*replicaset.ReplicaSet{newRS}, oldRSs...)...)
			var stored []*replicaset.ReplicaSet
			for _, rs := range append([]*replicaset.ReplicaSet{newRS}, oldRSs...) {
				if rs != nil {
					stored = append(stored, rs)
				}
			}
			env := newFakeEnv(stored...)
			newTestSyncer(env, d).scale(newRS, oldRSs)

			all := append([]*replicaset.ReplicaSet{newRS}, oldRSs...)
			assert.Equal(t, tt.wantSizes, sizes(all...))
			for _, name := range tt.wantUntouched {
				assert.NotContains(t, env.updated, name, "%s was written", name)
			}
			// Every resize is written and told in an event; and a
			// ReplicaSet that was written carries the current bounds.
			after := sizes(all...)
			for _, rs := range all {
				if rs == nil {
					continue
				}
				if before[rs.Name] != after[rs.Name] {
					assert.Contains(t, env.updated, rs.Name)
					assert.Contains(t, env.events, "Normal ScalingReplicaSet "+scaledMessage(rs.Name, before[rs.Name], after[rs.Name]))
				}
				if slices.Contains(env.updated, rs.Name) {
					assert.False(t, replicasAnnotationsNeedUpdate(rs, tt.replicas, tt.replicas+MaxSurge(d)), "%s written with stale annotations", rs.Name)
				}
			}
		})
	}
}

// TestScaleReplicaSet checks when a resize is written and told: a lazy
// scale only on a change of size, a forced one also when the replica
// annotations are stale, and an event only when the size changed.
func TestScaleReplicaSet(t *testing.T) {
	tests := []struct {
		name                         string
		replicas, annotatedFor, size int32
		force                        bool
		wantScaled, wantWritten      bool
		wantEvent                    string
		wantAnnotated                bool
	}{
		{name: "lazy, same size", replicas: 3, annotatedFor: 1, size: 3},
		{name: "lazy, larger", replicas: 3, annotatedFor: 3, size: 5, wantScaled: true, wantWritten: true,
			wantEvent: "Normal ScalingReplicaSet Scaled up replica set web-v1 from 3 to 5", wantAnnotated: true},
		{name: "lazy, smaller", replicas: 3, annotatedFor: 3, size: 0, wantScaled: true, wantWritten: true,
			wantEvent: "Normal ScalingReplicaSet Scaled down replica set web-v1 from 3 to 0", wantAnnotated: true},
		{name: "forced, same size, current annotations", replicas: 3, annotatedFor: 4, size: 3, force: true, wantAnnotated: true},
		{name: "forced, same size, stale annotations", replicas: 3, annotatedFor: 1, size: 3, force: true, wantWritten: true, wantAnnotated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(4, 1, 0)
			rs := newTestReplicaSet(d, "web-v1", tt.replicas, tt.replicas, epoch)
			setReplicasAnnotations(rs, tt.annotatedFor, tt.annotatedFor+1)
			env := newFakeEnv(rs)
			s := newTestSyncer(env, d)
			var scaled bool
			if tt.force {
				scaled = s.scaleReplicaSet(rs, tt.size, true)
			} else {
				scaled = s.scaleReplicaSetAndRecordEvent(rs, tt.size)
			}
			assert.Equal(t, tt.wantScaled, scaled)
			assert.Equal(t, tt.wantWritten, len(env.updated) == 1, "written: %v", env.updated)
			if tt.wantWritten {
				assert.Equal(t, tt.size, rs.Spec.Replicas)
			}
			if tt.wantEvent == "" {
				assert.Empty(t, env.events)
			} else {
				assert.Equal(t, []string{tt.wantEvent}, env.events)
			}
			assert.Equal(t, tt.wantAnnotated, !replicasAnnotationsNeedUpdate(rs, 4, 5))
		})
	}
}

// TestCleanupDeployment checks that only old ReplicaSets past the
// history limit go, lowest revision first, and only those that are empty
// and settled.
func TestCleanupDeployment(t *testing.T) {
	type rs struct {
		revision string
		replicas int32
		pods     int32
		stale    bool
	}
	tests := []struct {
		name        string
		limit       *int32
		old         []rs
		wantDeleted []string
	}{
		{name: "within the limit", limit: Ptr[int32](3), old: []rs{{"1", 0, 0, false}, {"2", 0, 0, false}}},
		{name: "no limit", limit: Ptr[int32](NoLimit), old: []rs{{"1", 0, 0, false}, {"2", 0, 0, false}}},
		{name: "limit 0 deletes every empty one", limit: Ptr[int32](0), old: []rs{{"2", 0, 0, false}, {"1", 0, 0, false}},
			wantDeleted: []string{"rev-1", "rev-2"}},
		{name: "lowest revisions first", limit: Ptr[int32](1), old: []rs{{"3", 0, 0, false}, {"1", 0, 0, false}, {"2", 0, 0, false}},
			wantDeleted: []string{"rev-1", "rev-2"}},
		{name: "one that wants pods, has pods or is not observed stays", limit: Ptr[int32](0),
			old:         []rs{{"1", 1, 1, false}, {"2", 0, 1, false}, {"3", 0, 0, true}, {"4", 0, 0, false}},
			wantDeleted: []string{"rev-4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(1, 1, 0)
			d.Spec.RevisionHistoryLimit = tt.limit
			var old []*replicaset.ReplicaSet
			for i, r := range tt.old {
				x := newTestReplicaSet(d, "rev-"+r.revision, r.replicas, r.pods, epoch.Add(time.Duration(i)*time.Second))
				x.Status.Replicas = r.pods
				x.SetAnnotation(RevisionAnnotation, r.revision)
				x.Generation, x.Status.ObservedGeneration = 2, 2
				if r.stale {
					x.Status.ObservedGeneration = 1
				}
				old = append(old, x)
			}
			env := newFakeEnv(old...)
			newTestSyncer(env, d).cleanupDeployment(old)
			assert.Equal(t, tt.wantDeleted, env.deleted)
		})
	}
}

// TestGenerateReplicaSetName checks that a ReplicaSet's name is the
// Deployment's and the hash, the Deployment's cut to keep within 253
// characters.
func TestGenerateReplicaSetName(t *testing.T) {
	long := strings.Repeat("a", 300)
	tests := []struct {
		name, hash, want string
	}{
		{"web", "5d4f6c7b8", "web-5d4f6c7b8"},
		{long[:243], "5d4f6c7b8", long[:243] + "-5d4f6c7b8"},
		{long, "5d4f6c7b8", long[:243] + "-5d4f6c7b8"},
	}
	for _, tt := range tests {
		got := generateReplicaSetName(tt.name, tt.hash)
		assert.Equal(t, tt.want, got)
		assert.LessOrEqual(t, len(got), 253)
	}
}

// TestSyncCreatesNewReplicaSet follows the first syncs of a new
// Deployment through the fake Env. The first creates the ReplicaSet,
// sized as maxSurge allows, with the revision and replica annotations and
// the template's hash as label and selector; it writes the revision, and
// its status write then conflicts, as upstream's does. The second writes
// the status; the third finds nothing to do.
func TestSyncCreatesNewReplicaSet(t *testing.T) {
	d := newTestDeployment(3, 1, 0)
	env := newFakeEnv()
	require.True(t, meta.IsConflict(Sync(env, d)))

	require.Len(t, env.rss, 1)
	rs := env.rss[0]
	hash := d.Spec.Template.Hash(nil)
	assert.Equal(t, "web-"+hash, rs.Name)
	assert.Equal(t, int32(3), rs.Spec.Replicas)
	assert.Equal(t, hash, rs.Spec.Template.Labels[TemplateHashLabel])
	assert.Equal(t, hash, rs.Spec.Selector.MatchLabels[TemplateHashLabel])
	assert.Empty(t, d.Spec.Template.Labels[TemplateHashLabel], "the Deployment's template was changed in place")
	assert.Equal(t, map[string]string{RevisionAnnotation: "1", DesiredReplicasAnnotation: "3", MaxReplicasAnnotation: "4"}, rs.Annotations)
	assert.Equal(t, []string{"Normal ScalingReplicaSet Scaled up replica set web-" + hash + " from 0 to 3"}, env.events)
	require.Len(t, env.statuses, 1)
	assert.Equal(t, map[string]string{RevisionAnnotation: "1"}, env.annotations[0])
	assert.Nil(t, d.Annotations, "the stored Deployment was changed in place")

	env.store(d)
	env.forget()
	require.NoError(t, Sync(env, d))
	assert.Empty(t, env.created)
	assert.Empty(t, env.updated)
	assert.Empty(t, env.events)
	require.Len(t, env.statuses, 1)
	st := env.statuses[0]
	assert.Equal(t, int64(1), st.ObservedGeneration)
	assert.Nil(t, st.Condition(Progressing), "no progress deadline, no Progressing condition")
	require.NotNil(t, st.Condition(Available))
	assert.Equal(t, ReasonMinimumUnavailable, st.Condition(Available).Reason)

	env.store(d)
	env.forget()
	require.NoError(t, Sync(env, d))
	assert.Empty(t, env.updated)
	assert.Empty(t, env.statuses)
}

// TestCheckPausedConditions checks the Progressing condition a pause or
// a resume writes, and that a timed-out rollout or one without a deadline
// gets none.
func TestCheckPausedConditions(t *testing.T) {
	timedOut := newDeploymentCondition(Progressing, "False", ReasonTimedOut, "late", epoch)
	paused := newDeploymentCondition(Progressing, "Unknown", ReasonPaused, "Deployment is paused", epoch)
	tests := []struct {
		name       string
		paused     bool
		noDeadline bool
		have       []Condition
		want       *Condition
	}{
		{name: "paused", paused: true,
			want: &Condition{Type: Progressing, Status: "Unknown", Reason: ReasonPaused, Message: "Deployment is paused", LastUpdateTime: epoch, LastTransitionTime: epoch}},
		{name: "still paused", paused: true, have: []Condition{paused}},
		{name: "resumed", have: []Condition{paused},
			want: &Condition{Type: Progressing, Status: "Unknown", Reason: ReasonResumed, Message: "Deployment is resumed", LastUpdateTime: epoch, LastTransitionTime: epoch}},
		{name: "not paused"},
		{name: "paused after timing out", paused: true, have: []Condition{timedOut}},
		{name: "paused without a deadline", paused: true, noDeadline: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(1, 1, 0)
			d.Spec.Paused = tt.paused
			d.Spec.ProgressDeadlineSeconds = Ptr[int32](600)
			if tt.noDeadline {
				d.Spec.ProgressDeadlineSeconds = nil
			}
			d.Status.Conditions = tt.have
			env := newFakeEnv()
			require.NoError(t, newTestSyncer(env, d).checkPausedConditions())
			if tt.want == nil {
				assert.Empty(t, env.statuses)
				return
			}
			require.Len(t, env.statuses, 1)
			assert.Equal(t, []Condition{*tt.want}, env.statuses[0].Conditions)
		})
	}
}

// TestIsScalingEvent checks that a resize is told by an active
// ReplicaSet annotated for another replica count, and by nothing else.
func TestIsScalingEvent(t *testing.T) {
	tests := []struct {
		name       string
		annotated  string
		rsReplicas int32
		want       bool
	}{
		{name: "annotated for the current count", annotated: "3", rsReplicas: 3},
		{name: "annotated for another count", annotated: "2", rsReplicas: 2, want: true},
		{name: "an empty ReplicaSet annotated for another count", annotated: "2"},
		{name: "no annotation", rsReplicas: 2},
		{name: "an annotation that is no count", annotated: "-2", rsReplicas: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(3, 1, 0)
			d.Annotations = map[string]string{RevisionAnnotation: "1"}
			rs := newTestReplicaSet(d, "web-1", tt.rsReplicas, tt.rsReplicas, epoch)
			rs.Annotations = map[string]string{RevisionAnnotation: "1"}
			if tt.annotated != "" {
				rs.Annotations[DesiredReplicasAnnotation] = tt.annotated
			}
			env := newFakeEnv(rs)
			got, err := newTestSyncer(env, d).isScalingEvent(env.rss)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Empty(t, env.updated, "finding the ReplicaSet wrote it")
		})
	}
}
