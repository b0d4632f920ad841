package rollouttest_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/rollouttest"
)

// The mutation tests: for each invariant, a deliberately broken Deployment
// controller (the real one wrapped through rollsim.Config.DeploymentSync)
// and a short sequence of ops. The invariant must catch the broken
// controller, and must stay quiet on the real one with the same ops.

// syncFunc is the type of rollsim.Config.DeploymentSync.
type syncFunc = func(env deployment.Env, d *deployment.Deployment) error

// fullSizeEnv creates every ReplicaSet at the full replica count, ignoring
// maxSurge.
type fullSizeEnv struct {
	deployment.Env
	d *deployment.Deployment
}

func (e fullSizeEnv) CreateReplicaSet(rs *replicaset.ReplicaSet) error {
	rs.Spec.Replicas = e.d.DesiredReplicas()
	return e.Env.CreateReplicaSet(rs)
}

func createsAtFullSize(env deployment.Env, d *deployment.Deployment) error {
	return deployment.Sync(fullSizeEnv{env, d}, d)
}

// dropsOldAtOnce scales every old ReplicaSet to 0 as soon as a current one
// exists, as if maxUnavailable were 100%.
func dropsOldAtOnce(env deployment.Env, d *deployment.Deployment) error {
	if err := deployment.Sync(env, d); err != nil || d.Spec.Paused {
		return err
	}
	rss := env.ReplicaSets(d)
	current := false
	for _, rs := range rss {
		current = current || rs.Spec.Template.EqualIgnoringHash(&d.Spec.Template)
	}
	for _, rs := range rss {
		if current && rs.Spec.Replicas > 0 && !rs.Spec.Template.EqualIgnoringHash(&d.Spec.Template) {
			cp := rs.UpdateCopy()
			cp.Spec.Replicas = 0
			if err := env.UpdateReplicaSet(&cp); err != nil {
				return err
			}
		}
	}
	return nil
}

// noGrowEnv drops every scale-up of the current ReplicaSet: it keeps the
// size it was created with.
type noGrowEnv struct {
	deployment.Env
	d     *deployment.Deployment
	sizes map[string]int32
}

func (e noGrowEnv) UpdateReplicaSet(rs *replicaset.ReplicaSet) error {
	if before, ok := e.sizes[rs.Name]; ok && rs.Spec.Replicas > before && rs.Spec.Template.EqualIgnoringHash(&e.d.Spec.Template) {
		rs.Spec.Replicas = before // the sync goes on with the size it had
		return nil
	}
	return e.Env.UpdateReplicaSet(rs)
}

func neverGrowsNew(env deployment.Env, d *deployment.Deployment) error {
	sizes := map[string]int32{}
	for _, rs := range env.ReplicaSets(d) {
		sizes[rs.Name] = rs.Spec.Replicas
	}
	return deployment.Sync(noGrowEnv{env, d, sizes}, d)
}

// stampOldEnv writes a new ReplicaSet's revision on the older ones too.
type stampOldEnv struct {
	deployment.Env
	d *deployment.Deployment
}

func (e stampOldEnv) CreateReplicaSet(rs *replicaset.ReplicaSet) error {
	if err := e.Env.CreateReplicaSet(rs); err != nil {
		return err
	}
	for _, other := range e.Env.ReplicaSets(e.d) {
		if other.Name != rs.Name {
			cp := other.UpdateCopy()
			cp.SetAnnotation(deployment.RevisionAnnotation, rs.Annotations[deployment.RevisionAnnotation])
			if err := e.Env.UpdateReplicaSet(&cp); err != nil {
				return err
			}
		}
	}
	return nil
}

func stampsOldRevisions(env deployment.Env, d *deployment.Deployment) error {
	return deployment.Sync(stampOldEnv{env, d}, d)
}

// keepAllEnv never deletes a ReplicaSet: no history cleanup.
type keepAllEnv struct{ deployment.Env }

func (keepAllEnv) DeleteReplicaSet(*replicaset.ReplicaSet) {}

func neverCleansUp(env deployment.Env, d *deployment.Deployment) error {
	return deployment.Sync(keepAllEnv{env}, d)
}

// sharedSelectorEnv leaves pod-template-hash out of new ReplicaSets'
// selectors, so that they select each other's pods.
type sharedSelectorEnv struct{ deployment.Env }

func (e sharedSelectorEnv) CreateReplicaSet(rs *replicaset.ReplicaSet) error {
	delete(rs.Spec.Selector.MatchLabels, deployment.TemplateHashLabel)
	return e.Env.CreateReplicaSet(rs)
}

func overlapsSelectors(env deployment.Env, d *deployment.Deployment) error {
	return deployment.Sync(sharedSelectorEnv{env}, d)
}

// conditionsOnlyEnv stores a Deployment's status only when its conditions
// or annotations change: new counts alone are dropped.
type conditionsOnlyEnv struct {
	deployment.Env
	stored *deployment.Deployment
}

func (e conditionsOnlyEnv) UpdateDeploymentStatus(d *deployment.Deployment) error {
	if maps.Equal(d.Annotations, e.stored.Annotations) && slices.Equal(d.Status.Conditions, e.stored.Status.Conditions) {
		return nil
	}
	return e.Env.UpdateDeploymentStatus(d)
}

func skipsStatusWrites(env deployment.Env, d *deployment.Deployment) error {
	return deployment.Sync(conditionsOnlyEnv{env, d}, d)
}

// countsSyncsGlobally returns a controller that keeps a count of its syncs
// across every cluster it runs in and reports it in an event.
func countsSyncsGlobally() syncFunc {
	syncs := 0
	return func(env deployment.Env, d *deployment.Deployment) error {
		syncs++
		env.Event(&d.ObjectMeta, "Deployment", "Normal", "Synced", fmt.Sprintf("sync #%d", syncs))
		return deployment.Sync(env, d)
	}
}

// web is a Deployment of replicas pods running web:1.
func web(replicas int32) *deployment.Deployment {
	return fixture.Deployment("web", "web:1", replicas)
}

func withHistoryLimit(d *deployment.Deployment, n int32) *deployment.Deployment {
	d.Spec.RevisionHistoryLimit = deployment.Ptr(n)
	return d
}

func apply(d *deployment.Deployment) rollouttest.Op {
	return rollouttest.Op{Kind: rollouttest.Apply, Deployment: d}
}
func setImage(image string) rollouttest.Op {
	return rollouttest.Op{Kind: rollouttest.SetImage, Image: image}
}
func advance(d time.Duration) rollouttest.Op {
	return rollouttest.Op{Kind: rollouttest.Advance, Duration: d}
}

// releases creates web with 4 replicas, lets it settle, then rolls out
// each image in turn, letting each settle.
func releases(d *deployment.Deployment, images ...string) []rollouttest.Op {
	ops := []rollouttest.Op{apply(d), advance(time.Minute)}
	for _, image := range images {
		ops = append(ops, setImage(image), advance(time.Minute))
	}
	return ops
}

// doAll plays ops through a Checker and returns the violations it found.
func doAll(k *rollouttest.Checker, ops []rollouttest.Op) error {
	var errs []error
	for _, op := range ops {
		errs = append(errs, k.Do(op))
	}
	return errors.Join(errs...)
}

func TestMutationsAreCaught(t *testing.T) {
	tests := []struct {
		name      string
		invariant error
		broken    func() syncFunc
		ops       []rollouttest.Op
		// check runs after the ops (nil: only the Checker's checks).
		check func(k *rollouttest.Checker, cfg rollsim.Config) error
	}{{
		name:      "new ReplicaSet created at full size",
		invariant: rollouttest.ErrSurgeCeiling,
		broken:    func() syncFunc { return createsAtFullSize },
		ops:       []rollouttest.Op{apply(web(4)), advance(time.Minute), setImage("web:2")},
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return rollouttest.CheckSurgeCeiling(k.Cluster(), "", "web")
		},
	}, {
		name:      "old ReplicaSets scaled to 0 at once",
		invariant: rollouttest.ErrAvailabilityFloor,
		broken:    func() syncFunc { return dropsOldAtOnce },
		ops:       []rollouttest.Op{apply(web(4)), advance(time.Minute), setImage("web:2")},
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return rollouttest.CheckAvailabilityFloor(k.Cluster(), "", "web")
		},
	}, {
		name:      "new ReplicaSet never scaled up after its creation",
		invariant: rollouttest.ErrCompletion,
		broken:    func() syncFunc { return neverGrowsNew },
		ops:       []rollouttest.Op{apply(web(4)), advance(time.Minute), setImage("web:2")},
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return k.CheckCompletion(time.Minute)
		},
	}, {
		name:      "revision written on old ReplicaSets too (two old ones share it)",
		invariant: rollouttest.ErrRevisions,
		broken:    func() syncFunc { return stampsOldRevisions },
		ops:       releases(web(2), "web:2", "web:3"),
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return rollouttest.CheckRevisions(k.Cluster(), "", "web")
		},
	}, {
		name:      "revision written on the old ReplicaSet too (it changes)",
		invariant: rollouttest.ErrRevisions,
		broken:    func() syncFunc { return stampsOldRevisions },
		ops:       releases(web(2), "web:2"),
	}, {
		name:      "old ReplicaSets never cleaned up",
		invariant: rollouttest.ErrHistoryLimit,
		broken:    func() syncFunc { return neverCleansUp },
		ops:       releases(withHistoryLimit(web(2), 1), "web:2", "web:3", "web:4"),
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return rollouttest.CheckHistoryLimit(k.Cluster(), "", "web")
		},
	}, {
		name:      "ReplicaSets selecting each other's pods",
		invariant: rollouttest.ErrOwnership,
		broken:    func() syncFunc { return overlapsSelectors },
		ops:       []rollouttest.Op{apply(web(3)), advance(time.Minute), setImage("web:2")},
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return rollouttest.CheckOwnership(k.Cluster())
		},
	}, {
		name:      "status written only when a condition changes",
		invariant: rollouttest.ErrStatus,
		broken:    func() syncFunc { return skipsStatusWrites },
		ops:       []rollouttest.Op{apply(web(3)), advance(time.Minute), {Kind: rollouttest.Scale, Replicas: 4}, advance(time.Minute)},
		check: func(k *rollouttest.Checker, _ rollsim.Config) error {
			return rollouttest.CheckStatus(k.Cluster(), "", "web")
		},
	}, {
		name:      "sync count kept across clusters",
		invariant: rollouttest.ErrReplay,
		broken:    countsSyncsGlobally,
		ops:       releases(web(3), "web:2"),
		check: func(k *rollouttest.Checker, cfg rollsim.Config) error {
			return k.CheckReplay(cfg)
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(sync syncFunc) (found, checked error) {
				cfg := rollsim.Config{Seed: 7, DeploymentSync: sync}
				k := rollouttest.NewChecker(rollsim.New(cfg), "", "web")
				found = doAll(k, tt.ops)
				if tt.check != nil {
					checked = tt.check(k, cfg)
				}
				return found, checked
			}

			found, checked := run(nil)
			require.NoError(t, found, "the real controller")
			require.NoError(t, checked, "the real controller")

			found, checked = run(tt.broken())
			require.Error(t, errors.Join(found, checked), "the broken controller went unnoticed")
			if tt.check != nil {
				require.ErrorIs(t, checked, tt.invariant, "the invariant's own check")
				t.Logf("check: %v", checked)
			}
			if found != nil || tt.check == nil {
				// The Checker saw it too; for replay and completion
				// only the explicit check can.
				require.ErrorIs(t, found, tt.invariant, "the Checker")
				t.Logf("checker: %v", found)
			}
		})
	}
}

// The availability floor is not checked after a step that removes
// available pods on purpose: deleting a pod, scaling down.
func TestFloorPreconditions(t *testing.T) {
	for _, op := range []rollouttest.Op{
		{Kind: rollouttest.DeletePod},
		{Kind: rollouttest.Scale, Replicas: 1},
	} {
		t.Run(op.String(), func(t *testing.T) {
			d := web(2)
			d.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: &deployment.RollingUpdateParams{
				MaxSurge: deployment.Int(1), MaxUnavailable: deployment.Int(0)}}
			k := rollouttest.NewChecker(rollsim.New(rollsim.Config{}), "", "web")
			require.NoError(t, doAll(k, []rollouttest.Op{apply(d), advance(time.Minute), op}))
			if op.Kind == rollouttest.DeletePod {
				// The stateless check, whose preconditions the caller
				// broke, does see the missing pod.
				assert.ErrorIs(t, rollouttest.CheckAvailabilityFloor(k.Cluster(), "", "web"), rollouttest.ErrAvailabilityFloor)
			}
			require.NoError(t, doAll(k, []rollouttest.Op{advance(time.Minute)}))
		})
	}
}

// The broken controllers below are those a kit that took its limits from
// the code under test let through. Each must be caught by the kit alone.

// floorSurge resolves a percent maxSurge rounding down instead of up, as
// if both fenceposts shared the rounding of maxUnavailable.
func floorSurge(env deployment.Env, d *deployment.Deployment) error {
	ru := d.Spec.Strategy.RollingUpdate
	if d.Spec.Strategy.Type != deployment.RollingUpdate || ru == nil || ru.MaxSurge == nil || !ru.MaxSurge.IsPercent {
		return deployment.Sync(env, d)
	}
	floored, err := ru.MaxSurge.Scaled(d.DesiredReplicas(), false)
	if err != nil {
		return err
	}
	broken := d.Clone()
	broken.Spec.Strategy.RollingUpdate.MaxSurge = deployment.Int(floored)
	return deployment.Sync(env, broken)
}

// floorSplitEnv floors the share each ReplicaSet takes when the controller
// scales them in proportion, instead of rounding it: the leftover then
// goes nowhere, and the next sync lets the current ReplicaSet fill the gap,
// so that at rest the sizes are often the right ones.
type floorSplitEnv struct {
	deployment.Env
	newMax int32
	sizes  map[string]int32
	oldMax map[string]int32
}

func (e floorSplitEnv) UpdateReplicaSet(rs *replicaset.ReplicaSet) error {
	if was, ok := e.sizes[rs.Name]; ok && was > 0 && e.oldMax[rs.Name] > 0 && rs.Spec.Replicas != was {
		rs.Spec.Replicas = int32(int64(was) * int64(e.newMax) / int64(e.oldMax[rs.Name]))
	}
	return e.Env.UpdateReplicaSet(rs)
}

func floorsProportionalSplit(env deployment.Env, d *deployment.Deployment) error {
	e := floorSplitEnv{Env: env, newMax: d.DesiredReplicas() + deployment.MaxSurge(d),
		sizes: map[string]int32{}, oldMax: map[string]int32{}}
	scaling, active := false, 0
	for _, rs := range env.ReplicaSets(d) {
		e.sizes[rs.Name] = rs.Spec.Replicas
		if rs.Spec.Replicas > 0 {
			active++
		}
		if n, err := strconv.Atoi(rs.Annotations[deployment.MaxReplicasAnnotation]); err == nil {
			e.oldMax[rs.Name] = int32(n)
		}
		if n, err := strconv.Atoi(rs.Annotations[deployment.DesiredReplicasAnnotation]); err == nil && rs.Spec.Replicas > 0 && int32(n) != d.DesiredReplicas() {
			scaling = true
		}
	}
	if !scaling || active < 2 || d.Spec.Strategy.Type != deployment.RollingUpdate {
		return deployment.Sync(env, d)
	}
	return deployment.Sync(e, d)
}

// ignoresPause syncs a paused Deployment as if it were not.
func ignoresPause(env deployment.Env, d *deployment.Deployment) error {
	if !d.Spec.Paused {
		return deployment.Sync(env, d)
	}
	broken := d.Clone()
	broken.Spec.Paused = false
	return deployment.Sync(env, broken)
}

// recreatesByRolling rolls a Recreate Deployment out as a RollingUpdate of
// 25% and 25%.
func recreatesByRolling(env deployment.Env, d *deployment.Deployment) error {
	if d.Spec.Strategy.Type != deployment.Recreate {
		return deployment.Sync(env, d)
	}
	broken := d.Clone()
	broken.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: &deployment.RollingUpdateParams{
		MaxSurge: deployment.Percent("25%"), MaxUnavailable: deployment.Percent("25%")}}
	return deployment.Sync(env, broken)
}

// halvesDeadline times progress against half the progress deadline.
func halvesDeadline(env deployment.Env, d *deployment.Deployment) error {
	if !deployment.HasProgressDeadline(d) {
		return deployment.Sync(env, d)
	}
	broken := d.Clone()
	broken.Spec.ProgressDeadlineSeconds = deployment.Ptr(max(*d.Spec.ProgressDeadlineSeconds/2, d.Spec.MinReadySeconds+1))
	return deployment.Sync(env, broken)
}

// neverTimesOutEnv drops every status write that would say the deadline
// passed.
type neverTimesOutEnv struct{ deployment.Env }

func (e neverTimesOutEnv) UpdateDeploymentStatus(d *deployment.Deployment) error {
	if c := d.Status.Condition(deployment.Progressing); c != nil && c.Reason == deployment.ReasonTimedOut {
		return nil
	}
	return e.Env.UpdateDeploymentStatus(d)
}

func neverTimesOut(env deployment.Env, d *deployment.Deployment) error {
	return deployment.Sync(neverTimesOutEnv{env}, d)
}

// loopsForEver stamps a new annotation on the Deployment at every sync:
// each write asks for another sync.
func loopsForEver(env deployment.Env, d *deployment.Deployment) error {
	if err := deployment.Sync(env, d); err != nil {
		return err
	}
	n, _ := strconv.Atoi(d.Annotations["example.com/syncs"])
	d.SetAnnotation("example.com/syncs", strconv.Itoa(n+1))
	// A conflict with the sync's own write only delays the next round:
	// either write asks for another sync.
	_ = env.UpdateDeploymentStatus(d)
	return nil
}

// undoesToCurrent is a rollback that reads "undo to 0" as "undo to the
// highest revision": the current one, which kubectl skips.
func undoesToCurrent(c *rollsim.Cluster, namespace, name string, toRevision int64) error {
	if toRevision == 0 {
		h, err := c.History(namespace, name)
		if err != nil {
			return err
		}
		if len(h) > 0 {
			toRevision = h[len(h)-1].Number
		}
	}
	_, err := c.Undo(namespace, name, toRevision)
	return err
}

func scale(n int32) rollouttest.Op { return rollouttest.Op{Kind: rollouttest.Scale, Replicas: n} }

func TestBrokenControllersAreCaught(t *testing.T) {
	recreate := web(3)
	recreate.Spec.Strategy = deployment.Strategy{Type: deployment.Recreate}
	deadline := func(d *deployment.Deployment, seconds int32) *deployment.Deployment {
		d.Spec.ProgressDeadlineSeconds = deployment.Ptr(seconds)
		return d
	}
	tests := []struct {
		name      string
		invariant error
		sync      syncFunc
		undo      func(*rollsim.Cluster, string, string, int64) error
		ops       []rollouttest.Op
	}{{
		name:      "maxSurge percent rounded down",
		invariant: rollouttest.ErrAvailabilityFloor,
		sync:      floorSurge,
		ops:       releases(fixture.Rolling(web(3), "25%", "25%"), "web:2"),
	}, {
		name:      "proportional split floored",
		invariant: rollouttest.ErrProportional,
		sync:      floorsProportionalSplit,
		// The API's example: 8 and 5 pods of a ceiling of 13 (10 + 3),
		// scaled to 15: 11 and 7.
		ops: []rollouttest.Op{apply(fixture.Rolling(web(10), "3", "2")), advance(time.Minute),
			{Kind: rollouttest.NeverReady, Image: "web:broken"}, advance(time.Minute), scale(15)},
	}, {
		name:      "paused Deployment rolls",
		invariant: rollouttest.ErrPaused,
		sync:      ignoresPause,
		ops:       []rollouttest.Op{apply(web(3)), advance(time.Minute), {Kind: rollouttest.Pause}, setImage("web:2"), advance(time.Minute)},
	}, {
		name:      "undo to 0 aims at the current revision",
		invariant: rollouttest.ErrUndo,
		undo:      undoesToCurrent,
		ops:       append(releases(web(2), "web:2"), rollouttest.Op{Kind: rollouttest.Undo}),
	}, {
		name:      "control loop that never settles",
		invariant: rollouttest.ErrRunaway,
		sync:      loopsForEver,
		ops:       []rollouttest.Op{apply(web(2))},
	}, {
		name:      "Recreate rolled out as a RollingUpdate",
		invariant: rollouttest.ErrRecreate,
		sync:      recreatesByRolling,
		ops:       releases(recreate, "web:2"),
	}, {
		name:      "progress deadline exceeded early",
		invariant: rollouttest.ErrProgressDeadline,
		sync:      halvesDeadline,
		ops: []rollouttest.Op{apply(deadline(web(2), 10)), advance(time.Minute),
			{Kind: rollouttest.NeverReady, Image: "web:broken"}, advance(time.Minute)},
	}, {
		name:      "progress deadline never exceeded",
		invariant: rollouttest.ErrProgressDeadline,
		sync:      neverTimesOut,
		ops: []rollouttest.Op{apply(deadline(web(2), 10)), advance(time.Minute),
			{Kind: rollouttest.NeverReady, Image: "web:broken"}, advance(time.Minute)},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(broken bool) error {
				cfg := rollsim.Config{Seed: 7}
				if broken {
					cfg.DeploymentSync = tt.sync
				}
				k := rollouttest.NewChecker(rollsim.New(cfg), "", "web")
				if broken {
					k.Undo = tt.undo
				}
				return doAll(k, tt.ops)
			}
			require.NoError(t, run(false), "the real controller")
			err := run(true)
			require.ErrorIs(t, err, tt.invariant, "the broken controller")
			t.Logf("caught: %v", err)
		})
	}
}
