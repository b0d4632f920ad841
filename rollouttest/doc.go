// Package rollouttest is a property-based testing kit for rollsim: rapid
// (pgregory.net/rapid) generators of valid Deployments, strategies and
// sequences of operations, limits worked out independently of the code
// under test, invariant checks of the Deployment → ReplicaSet → Pod
// control loop to call from a test, and a way to measure a rollout. The
// guide is docs/property-testing.md.
//
// # Generators
//
// Deployment, Strategy, RollingUpdate, IntOrPercent and Percent draw valid
// objects; OpOf, WeightedOp, AnyOp and Ops draw operations (Op): apply,
// set image, scale, pause, resume, undo, restart, advance time, delete a
// pod, and never-ready releases. Limits keeps the numbers small (and
// Limits.RegisterFlags lets the command line change them); Weights say how
// often each kind is drawn; Actions turns them into a state machine.
//
// # Limits of its own
//
// A check that took its limits from the controller would move with the
// controller's bugs. Resolve works maxSurge and maxUnavailable out from the
// spec; Complete, Waves, Period and CompletionBound say when a rollout is
// done and how long it may take.
//
// # Invariants
//
// Each check reads a cluster at rest (after a Cluster method returned) and
// returns nil or a *Violation wrapping the invariant's Err* value, so that
// errors.Is tells which one broke. Each documents its exact preconditions:
//
//   - CheckAvailabilityFloor: available pods ≥ replicas − maxUnavailable.
//   - CheckSurgeCeiling: pods ≤ replicas + maxSurge.
//   - CheckCompletion: a rollout whose pods all become Ready finishes.
//   - CheckRevisions: revision numbers unique, the current one highest.
//   - CheckHistoryLimit: a complete rollout keeps at most
//     revisionHistoryLimit old ReplicaSets.
//   - CheckOwnership: every pod has exactly one owning ReplicaSet.
//   - CheckStatus: statuses say what the pods say.
//   - CheckReplay: the same ops on the same seed give the same cluster.
//
// A Checker follows one Deployment from step to step, checks every
// invariant whenever its preconditions hold, and adds those that need
// memory or the op itself: revisions only ever increasing, the surge
// excess left by a lowered ceiling never growing, a paused Deployment not
// rolling (ErrPaused), undo restoring the revision asked for (ErrUndo),
// proportional scaling (ErrProportional), the progress deadline
// (ErrProgressDeadline), Recreate never running old and new pods together
// (ErrRecreate), completion within the time the spec allows
// (CheckCompletionInTime), and a control loop that settles within its
// Budget (ErrRunaway). Its Coverage tells how often each was checked;
// AddCheck adds the caller's own.
//
// # A state-machine test
//
//	rapid.Check(t, func(t *rapid.T) {
//		cfg := rollsim.Config{Seed: rapid.Uint64().Draw(t, "seed")}
//		k := rollouttest.NewChecker(rollsim.New(cfg), "", "app")
//		var l rollouttest.Limits
//		if err := k.Do(rollouttest.OpOf(rollouttest.Apply, l).Draw(t, "create")); err != nil {
//			t.Fatal(err)
//		}
//		t.Repeat(rollouttest.Actions(k, l, nil))
//		if err := k.CheckReplay(cfg); err != nil {
//			t.Fatal(err)
//		}
//	})
//
// # Measuring
//
// MeasureRollout and MeasureRolloutWith follow one rollout event by event
// and return how long it took, the fewest available and most pods, and the
// pods at every rest point; CountPods counts a Deployment's pods.
//
// The package uses no global state and starts no goroutine; a Checker, like
// the Cluster it watches, belongs to one goroutine.
package rollouttest
