// Package rollouttest is a property-based testing kit for rollsim: rapid
// (pgregory.net/rapid) generators of valid Deployments, strategies and
// sequences of operations, invariant checks of the Deployment →
// ReplicaSet → Pod control loop to call from a test, and a way to measure
// a rollout. The guide is docs/property-testing.md.
//
// # Generators
//
// Deployment, Strategy, RollingUpdate, IntOrPercent and Percent draw valid
// objects; OpOf, AnyOp and Ops draw operations (Op): apply, set image,
// scale, pause, resume, undo, restart, advance time, delete a pod, and
// never-ready releases. Limits keeps the numbers small.
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
// memory: revisions only ever increasing, the surge excess left by a
// lowered ceiling never growing.
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
//		actions := map[string]func(*rapid.T){
//			"": func(t *rapid.T) {
//				if err := k.Check(); err != nil {
//					t.Fatal(err)
//				}
//			},
//		}
//		for _, kind := range rollouttest.Kinds() {
//			actions[kind.String()] = func(t *rapid.T) {
//				if err := k.Perform(rollouttest.OpOf(kind, l).Draw(t, "op")); err != nil {
//					t.Fatal(err)
//				}
//			}
//		}
//		t.Repeat(actions)
//		if err := k.CheckReplay(cfg); err != nil {
//			t.Fatal(err)
//		}
//	})
//
// The package uses no global state and starts no goroutine; a Checker, like
// the Cluster it watches, belongs to one goroutine.
package rollouttest
