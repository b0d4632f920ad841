// Package rollsim simulates the Kubernetes Deployment → ReplicaSet → Pod
// control loop in-process, on a fake clock, with no cluster: rolling updates
// stepped by maxSurge and maxUnavailable, Recreate, revisions, rollback,
// pause and resume, event for event as upstream Kubernetes v1.37 does.
//
// A Cluster is a deterministic state machine. Its methods change objects
// (CreateDeployment, UpdateDeployment, ScaleReplicaSet, DeletePod, ...)
// and then run every controller until nothing more changes, all at the
// current fake instant. Time moves only when the caller moves it (Advance,
// AdvanceTo, Step, RunUntil), stopping at every timed event on the way: a
// pod becoming Ready, a pod becoming available after minReadySeconds, a
// progress-deadline check.
//
// The caller's duties:
//   - Use a Cluster from one goroutine at a time; it has no locks.
//   - Move time explicitly. Nothing in the cluster reads the wall clock,
//     sleeps or starts a goroutine.
//   - Seed it (Config.Seed) to vary pod names and UIDs; the same seed and
//     the same calls always give the same cluster, events and trace.
//   - Treat what getters return as copies: change objects through the
//     Cluster's methods only.
//
// The packages below hold one kind of object each, with its controller:
// pod, replicaset, deployment and scheduler. The scenario package runs the
// kubectl-style scripts that cmd/rollsim plays.
package rollsim
