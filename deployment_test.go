package rollsim_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

func TestClassicRollingUpdate(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	r := record(c)
	_, err := c.CreateDeployment(newDeployment("httpd", "httpd:2.2.31", 3))
	require.NoError(t, err)
	settle(c)
	assert.Equal(t, []string{"t=0s Scaled up replica set httpd:2.2.31 from 0 to 3"}, r.take())

	setImage(t, c, "httpd", "httpd:2.2.32")
	settle(c)
	assert.Equal(t, []string{
		"t=1h0m0s Scaled up replica set httpd:2.2.32 from 0 to 1",
		"t=1h0m1s Scaled down replica set httpd:2.2.31 from 3 to 2",
		"t=1h0m1s Scaled up replica set httpd:2.2.32 from 1 to 2",
		"t=1h0m2s Scaled down replica set httpd:2.2.31 from 2 to 1",
		"t=1h0m2s Scaled up replica set httpd:2.2.32 from 2 to 3",
		"t=1h0m3s Scaled down replica set httpd:2.2.31 from 1 to 0",
	}, r.take())
	// The old ReplicaSet stays, at 0.
	assert.Equal(t, []string{"httpd:2.2.31=0/0", "httpd:2.2.32=3/3"}, sizes(t, c, "httpd"))
	d, err := c.Deployment("", "httpd")
	require.NoError(t, err)
	assert.Equal(t, deployment.Status{ObservedGeneration: 2, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3},
		withoutConditions(d.Status))
	assert.Equal(t, "NewReplicaSetAvailable", d.Status.Condition(deployment.Progressing).Reason)
	assert.Equal(t, "MinimumReplicasAvailable", d.Status.Condition(deployment.Available).Reason)
}

func withoutConditions(s deployment.Status) deployment.Status {
	s.Conditions = nil
	return s
}

// Each rolling update moves in steps its strategy allows: surge 3,
// unavailable 2 over 10 replicas moves both ways in big steps (creating the
// new ReplicaSet shares a sync with a scale-down); maxSurge 0 over 3 makes
// room before each new pod.
func TestRollingUpdateSteps(t *testing.T) {
	for _, tc := range []struct {
		name               string
		replicas           int32
		surge, unavailable string
		events             []string
	}{
		{"Surge3Unavailable2", 10, "3", "2", []string{
			"t=1h0m0s Scaled up replica set web:2 from 0 to 3",
			"t=1h0m0s Scaled down replica set web:1 from 10 to 8",
			"t=1h0m0s Scaled up replica set web:2 from 3 to 5",
			"t=1h0m1s Scaled down replica set web:1 from 8 to 3",
			"t=1h0m1s Scaled up replica set web:2 from 5 to 10",
			"t=1h0m2s Scaled down replica set web:1 from 3 to 0",
		}},
		{"MaxSurgeZero", 3, "0", "1", []string{
			"t=1h0m0s Scaled down replica set web:1 from 3 to 2",
			"t=1h0m0s Scaled up replica set web:2 from 0 to 1",
			"t=1h0m1s Scaled down replica set web:1 from 2 to 1",
			"t=1h0m1s Scaled up replica set web:2 from 1 to 2",
			"t=1h0m2s Scaled down replica set web:1 from 1 to 0",
			"t=1h0m2s Scaled up replica set web:2 from 2 to 3",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, r := rolledOut(t, tc.replicas, tc.surge, tc.unavailable)
			setImage(t, c, "web", "web:2")
			settle(c)
			assert.Equal(t, tc.events, r.take())
		})
	}
}

// A rollover: v2 never becomes Ready; v3 replaces it before v2 finished,
// and v2's unhealthy pods go first.
func TestRolloverOfBrokenRelease(t *testing.T) {
	c, r := rolledOut(t, 10, "3", "2")
	c.SetNeverReady("web:2")
	setImage(t, c, "web", "web:2")
	c.Advance(5 * time.Second)
	assert.Equal(t, []string{
		"t=1h0m0s Scaled up replica set web:2 from 0 to 3",
		"t=1h0m0s Scaled down replica set web:1 from 10 to 8",
		"t=1h0m0s Scaled up replica set web:2 from 3 to 5",
	}, r.take())
	assert.Equal(t, []string{"web:1=8/8", "web:2=5/0"}, sizes(t, c, "web"))
	setImage(t, c, "web", "web:3")
	settle(c)
	ev := r.take()
	require.NotEmpty(t, ev)
	assert.Equal(t, []string{
		"t=1h0m5s Scaled down replica set web:2 from 5 to 0",
		"t=1h0m5s Scaled up replica set web:3 from 0 to 5",
	}, ev[:2])
	assert.Equal(t, []string{"web:1=0/0", "web:2=0/0", "web:3=10/10"}, sizes(t, c, "web"))
}

// Scaling mid-rollout shares the change among the ReplicaSets in
// proportion to their sizes.
func TestProportionalScaling(t *testing.T) {
	for _, tc := range []struct {
		name   string
		to     int32
		events []string
		sizes  []string
	}{
		{"up 10 to 15", 15, []string{
			"t=1h0m5s Scaled up replica set web:1 from 8 to 11",
			"t=1h0m5s Scaled up replica set web:2 from 5 to 7",
		}, []string{"web:1=11/8", "web:2=7/0"}},
		// After the proportional step the rollout goes on at once: 5
		// replicas allow 2 unavailable, so 2 more old pods go and the new
		// ReplicaSet takes their room.
		{"down 10 to 5", 5, []string{
			"t=1h0m5s Scaled down replica set web:1 from 8 to 5",
			"t=1h0m5s Scaled down replica set web:2 from 5 to 3",
			"t=1h0m5s Scaled down replica set web:1 from 5 to 3",
			"t=1h0m5s Scaled up replica set web:2 from 3 to 5",
		}, []string{"web:1=3/3", "web:2=5/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, r := rolledOut(t, 10, "3", "2")
			c.SetNeverReady("web:2")
			setImage(t, c, "web", "web:2")
			c.Advance(5 * time.Second)
			r.take()
			scaleTo(t, c, "web", tc.to)
			assert.Equal(t, tc.events, r.take())
			assert.Equal(t, tc.sizes, sizes(t, c, "web"))
		})
	}
}

// Recreate: the old ReplicaSet goes to 0, the new one comes up only once
// the old pods are gone.
func TestRecreate(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	r := record(c)
	d := newDeployment("web", "web:1", 3)
	d.Spec.Strategy.Type = deployment.Recreate
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	settle(c)
	r.take()
	setImage(t, c, "web", "web:2")
	assert.Equal(t, []string{
		"t=1h0m0s Scaled down replica set web:1 from 3 to 0",
		"t=1h0m0s Scaled up replica set web:2 from 0 to 3",
	}, r.take())
	assert.Equal(t, []string{"web:1=0/0", "web:2=3/0"}, sizes(t, c, "web"))
	settle(c)
	assert.Equal(t, []string{"web:1=0/0", "web:2=3/3"}, sizes(t, c, "web"))
}

// A release whose pods never become Ready keeps availability at or above
// replicas - maxUnavailable, and the Deployment reports
// ProgressDeadlineExceeded progressDeadlineSeconds + 1s after its last
// progress.
func TestProgressDeadlineExceeded(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	d := fixture.Rolling(newDeployment("web", "web:1", 4), "1", "1")
	d.Spec.ProgressDeadlineSeconds = deployment.Ptr[int32](30)
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	settle(c)
	c.SetNeverReady("web:2")
	start := c.Now()
	setImage(t, c, "web", "web:2")
	var flipped time.Duration
	for c.Now().Sub(start) < 2*time.Minute {
		cur, err := c.Deployment("", "web")
		require.NoError(t, err)
		assert.GreaterOrEqual(t, cur.Status.AvailableReplicas, int32(3), "availability floor")
		if cond := cur.Status.Condition(deployment.Progressing); cond.Reason == deployment.ReasonTimedOut && flipped == 0 {
			flipped = c.Now().Sub(start)
		}
		if !c.Step() {
			break
		}
	}
	// The last progress: the new pods were created at start (pods never
	// get Ready, so nothing moves after).
	assert.Equal(t, 31*time.Second, flipped)
	cur, err := c.Deployment("", "web")
	require.NoError(t, err)
	cond := cur.Status.Condition(deployment.Progressing)
	assert.Equal(t, "False", cond.Status)
	assert.Contains(t, cond.Message, "has timed out progressing.")
}

// A current ReplicaSet whose revision does not parse keeps its
// annotations: upstream copies the Deployment's annotations onto a copy
// of it, then drops that copy when the revision cannot be compared.
func TestUnparsableRevisionKeepsAnnotations(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	d := newDeployment("web", "web:1", 2)
	d.Spec.Paused = true // no ReplicaSet of its own yet
	d.Annotations = map[string]string{deployment.ChangeCauseAnnotation: "first"}
	created, err := c.CreateDeployment(d)
	require.NoError(t, err)
	require.Empty(t, c.ReplicaSets())

	rs := &replicaset.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web-manual", Labels: map[string]string{"app": "web"},
			Annotations: map[string]string{deployment.RevisionAnnotation: "x"},
			Owner:       &meta.OwnerRef{Kind: "Deployment", Name: "web", UID: created.UID}},
		Spec: replicaset.Spec{Selector: &meta.Selector{MatchLabels: map[string]string{"app": "web"}}, Template: d.Spec.Template.Clone()},
	}
	_, err = c.CreateReplicaSet(rs)
	require.NoError(t, err)
	got, err := c.ReplicaSet("", "web-manual")
	require.NoError(t, err)
	assert.NotContains(t, got.Annotations, deployment.ChangeCauseAnnotation)
	assert.Equal(t, "x", got.Annotations[deployment.RevisionAnnotation])
	// Scaling it (a paused Deployment still scales) stores the replica
	// annotations, on the ReplicaSet as it was.
	assert.Equal(t, int32(2), got.Spec.Replicas)
	assert.Equal(t, "2", got.Annotations[deployment.DesiredReplicasAnnotation])

	// A change of minReadySeconds is stored, and with it, as upstream
	// stores its annotated copy, the annotations copied from the
	// Deployment; the revision still does not parse, so it stays.
	live, err := c.Deployment("", "web")
	require.NoError(t, err)
	live.Spec.MinReadySeconds = 3
	_, err = c.UpdateDeployment(live)
	require.NoError(t, err)
	got, err = c.ReplicaSet("", "web-manual")
	require.NoError(t, err)
	assert.Equal(t, int32(3), got.Spec.MinReadySeconds)
	assert.Equal(t, "first", got.Annotations[deployment.ChangeCauseAnnotation])
	assert.Equal(t, "x", got.Annotations[deployment.RevisionAnnotation])
}

// reversedEnv lists a Deployment's ReplicaSets newest first, the reverse
// of the order the cluster keeps them in.
type reversedEnv struct{ deployment.Env }

func (e reversedEnv) ReplicaSets(d *deployment.Deployment) []*replicaset.ReplicaSet {
	rss := slices.Clone(e.Env.ReplicaSets(d))
	slices.Reverse(rss)
	return rss
}

// The Deployment controller's decisions do not depend on the order in
// which the cluster lists its ReplicaSets, nor on what a Controller
// remembers between syncs: rollouts interrupted by new images, which
// leave several old ReplicaSets to scale down oldest first, give the same
// events and ReplicaSets every way.
func TestSyncIndependentOfListOrderAndMemory(t *testing.T) {
	play := func(sync func(deployment.Env, *deployment.Deployment) error) (events []string, state []string) {
		c := rollsim.New(rollsim.Config{Seed: 7, DeploymentSync: sync})
		_, err := c.CreateDeployment(fixture.Rolling(newDeployment("web", "web:1", 10), "3", "2"))
		require.NoError(t, err)
		settle(c)
		for i := 2; i <= 6; i++ {
			setImage(t, c, "web", fmt.Sprintf("web:%d", i))
			for range i % 3 {
				c.Step()
			}
		}
		scaleTo(t, c, "web", 14)
		c.Step()
		settle(c)
		for _, e := range c.Events() {
			events = append(events, e.Kind+" "+e.String())
		}
		for _, rs := range c.ReplicaSets() {
			state = append(state, fmt.Sprintf("%s rev=%d spec=%d available=%d", rs.Image(), rs.Revision(), rs.Spec.Replicas, rs.Status.AvailableReplicas))
		}
		return events, state
	}
	events, state := play(nil)
	require.Greater(t, strings.Count(strings.Join(events, "\n"), "Scaled down"), 5)
	for name, sync := range map[string]func(deployment.Env, *deployment.Deployment) error{
		"reversed list": func(env deployment.Env, d *deployment.Deployment) error {
			return deployment.Sync(reversedEnv{env}, d)
		},
		"reversed list, remembering": func() func(deployment.Env, *deployment.Deployment) error {
			ctl := &deployment.Controller{RememberNewReplicaSet: true}
			return func(env deployment.Env, d *deployment.Deployment) error { return ctl.Sync(reversedEnv{env}, d) }
		}(),
	} {
		gotEvents, gotState := play(sync)
		assert.Equal(t, events, gotEvents, name)
		assert.Equal(t, state, gotState, name)
	}
}
