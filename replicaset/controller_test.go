package replicaset

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// epoch is the fake clock's start in the controller's unit tests.
var epoch = time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC)

// fakeEnv is a cluster without nodes reduced to what the controller asks
// of it: pods are bound as they are created, and every write and event
// is recorded in order.
type fakeEnv struct {
	now       time.Time
	nextIndex uint64
	colocated func(*pod.Pod) int

	created  []string
	deleted  []string
	statuses []Status
	events   []string
}

func (f *fakeEnv) Now() time.Time { return f.now }

func (f *fakeEnv) CreatePod(rs *ReplicaSet) *pod.Pod {
	f.nextIndex++
	p := &pod.Pod{Spec: &rs.Spec.Template.Spec, Phase: pod.Pending, Bound: true, BoundAt: f.now}
	p.Name, p.Namespace = fmt.Sprintf("%s-%d", rs.Name, f.nextIndex), rs.Namespace
	p.CreationTimestamp, p.CreationIndex, p.Owner = f.now, f.nextIndex, rs.PodOwner()
	rs.pods.Add(p, rs.Spec.MinReadySeconds)
	f.created = append(f.created, p.Name)
	return p
}

func (f *fakeEnv) DeletePod(rs *ReplicaSet, p *pod.Pod) {
	rs.pods.Remove(p)
	f.deleted = append(f.deleted, p.Name)
}

func (f *fakeEnv) WriteStatus(rs *ReplicaSet, st Status) {
	rs.Status = st
	f.statuses = append(f.statuses, st)
}

func (f *fakeEnv) Colocation(*ReplicaSet) func(*pod.Pod) int { return f.colocated }

func (f *fakeEnv) Event(_ *meta.ObjectMeta, kind, typ, reason, message string) {
	f.events = append(f.events, kind+" "+typ+" "+reason+" "+message)
}

func newTestReplicaSet(replicas int32) *ReplicaSet {
	labels := map[string]string{"app": "web"}
	return &ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: meta.DefaultNamespace, UID: "web-uid", Generation: 1},
		Spec: Spec{Replicas: replicas, Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}}},
	}
}

// makeReady starts pod p of rs and makes it Ready and available at at.
func makeReady(rs *ReplicaSet, p *pod.Pod, at time.Time) {
	p.Phase, p.Ready, p.ReadyTime = pod.Running, true, at
	rs.pods.Changed(p, false)
	rs.pods.SetAvailable(p)
}

// TestSync checks one sync against the fake Env: it creates or deletes
// pods to close the gap to spec.replicas, at most BurstReplicas at once,
// and writes the status it observed as the sync began, when it differs.
func TestSync(t *testing.T) {
	tests := []struct {
		name          string
		ready, unread int
		replicas      int32
		statusCurrent bool
		wantCreated   int
		wantDeleted   int
		wantStatus    *Status
		wantChanged   bool
	}{
		{name: "nothing to do", ready: 2, replicas: 2, statusCurrent: true},
		{name: "status only", ready: 2, replicas: 2, wantChanged: true,
			wantStatus: &Status{Replicas: 2, FullyLabeledReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2, ObservedGeneration: 1}},
		{name: "create", replicas: 3, statusCurrent: true, wantCreated: 3, wantChanged: true},
		{name: "create at most a burst", replicas: BurstReplicas + 20, statusCurrent: true, wantCreated: BurstReplicas, wantChanged: true},
		{name: "delete, the status counted before", ready: 3, unread: 2, replicas: 1, wantDeleted: 4, wantChanged: true,
			wantStatus: &Status{Replicas: 5, FullyLabeledReplicas: 5, ReadyReplicas: 3, AvailableReplicas: 3, ObservedGeneration: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newTestReplicaSet(int32(tt.ready + tt.unread))
			env := &fakeEnv{now: epoch}
			for i := range tt.ready + tt.unread {
				p := env.CreatePod(rs)
				if i < tt.ready {
					makeReady(rs, p, epoch)
				}
			}
			if tt.statusCurrent {
				rs.Status = rs.Observed()
			}
			rs.Spec.Replicas = tt.replicas
			env.created, env.now = nil, epoch.Add(time.Minute)

			assert.Equal(t, tt.wantChanged, Sync(env, rs))
			assert.Len(t, env.created, tt.wantCreated)
			assert.Len(t, env.deleted, tt.wantDeleted)
			assert.Equal(t, tt.ready+tt.unread+tt.wantCreated-tt.wantDeleted, rs.pods.Active(), "pods left")
			if tt.wantStatus == nil {
				assert.Empty(t, env.statuses)
			} else {
				assert.Equal(t, []Status{*tt.wantStatus}, env.statuses)
			}
			var want []string
			for _, name := range env.created {
				want = append(want, "ReplicaSet Normal SuccessfulCreate Created pod: "+name)
			}
			for _, name := range env.deleted {
				want = append(want, "ReplicaSet Normal SuccessfulDelete Deleted pod: "+name)
			}
			assert.Equal(t, want, env.events)
		})
	}
}

// TestSyncDeletesUnreadyNewestFirst checks which pods a scale-down takes
// without nodes: the not yet Ready first, then the most recently Ready,
// each newest first.
func TestSyncDeletesUnreadyNewestFirst(t *testing.T) {
	rs := newTestReplicaSet(6)
	env := &fakeEnv{now: epoch}
	var pods []*pod.Pod
	for range 6 {
		pods = append(pods, env.CreatePod(rs))
		env.now = env.now.Add(time.Second)
	}
	// web-1 and web-2 Ready long ago, web-4 just now; web-3, web-5 and
	// web-6 not Ready.
	makeReady(rs, pods[0], epoch.Add(10*time.Second))
	makeReady(rs, pods[1], epoch.Add(10*time.Second))
	makeReady(rs, pods[3], epoch.Add(time.Hour))
	env.now = epoch.Add(time.Hour + time.Second)
	for _, tt := range []struct {
		replicas int32
		want     []string
	}{
		{5, []string{"web-6"}},
		{3, []string{"web-5", "web-3"}},
		{1, []string{"web-4", "web-2"}},
		{0, []string{"web-1"}},
	} {
		env.deleted = nil
		rs.Spec.Replicas = tt.replicas
		Sync(env, rs)
		assert.Equal(t, tt.want, env.deleted, "scaling to %d", tt.replicas)
	}
}

// TestSyncRanksByNode checks that with nodes the controller ranks pods
// with the Env's count of colocated pods: of two equal pods, the one on
// the more crowded node goes first.
func TestSyncRanksByNode(t *testing.T) {
	rs := newTestReplicaSet(2)
	env := &fakeEnv{now: epoch}
	a, b := env.CreatePod(rs), env.CreatePod(rs)
	a.NodeName, b.NodeName = "crowded", "quiet"
	makeReady(rs, a, epoch)
	makeReady(rs, b, epoch)
	env.colocated = func(p *pod.Pod) int {
		if p.NodeName == "crowded" {
			return 5
		}
		return 1
	}
	rs.Spec.Replicas = 1
	env.now = epoch.Add(time.Minute)
	Sync(env, rs)
	require.Equal(t, []string{a.Name}, env.deleted, "the newer pod on the quiet node stays")
	assert.True(t, slices.Contains(slices.Collect(rs.pods.All), b))
}
