// Package rollsim simulates the Kubernetes Deployment → ReplicaSet → Pod
// control loop in-process, on a fake clock, with no cluster: rolling updates
// stepped by maxSurge and maxUnavailable, Recreate, revisions, rollback,
// pause and resume, event for event as upstream Kubernetes v1.37 does.
//
// A Cluster is a deterministic state machine. Its methods change objects
// (CreateDeployment, UpdateDeployment, ScaleReplicaSet, DeletePod, ...)
// through one commit point, as writes pass the API server: the writer's
// resourceVersion is checked, the object defaulted and validated, stored
// with the next resourceVersion, and reported to every Watch. Each write
// queues the syncs the controllers' event handlers would queue, and the
// controllers then run until their queues are empty, all at the current
// fake instant. Time moves only when the caller moves it (Advance,
// AdvanceTo, Step, RunUntil), stopping at every timed event on the way: a
// pod's containers starting, its probes passing, it becoming available
// after minReadySeconds, a terminating pod going, a key a controller asked
// to see again (a progress re-check, a conflict's retry). A clock stop by
// itself syncs nothing. Batch groups several changes into one, as
// `kubectl apply` of a file with several objects does.
//
// Without nodes every pod is bound at once. Once nodes exist (ApplyNode),
// the scheduler binds each pod where its resource requests and a pod slot
// fit; pods that fit nowhere wait Pending until Cordon, Drain, DeleteNode
// or departing pods change the room.
//
// Names are upstream's: a ReplicaSet is named after upstream's
// pod-template hash, and pod name suffixes come from the API server's
// alphabet. Config.DeploymentSync lets a test wrap the Deployment
// controller, to try a custom strategy or to check that an invariant
// catches a broken one (see package rollouttest).
//
// The caller's duties:
//   - Make a Cluster with New: the zero Cluster has no store.
//   - Use a Cluster from one goroutine at a time; it has no locks.
//   - Move time explicitly (Advance, AdvanceTo, Step, RunUntil, or
//     WaitForRollout, which moves it as `kubectl rollout status` waits).
//     Nothing in the cluster reads the wall clock, sleeps or starts a
//     goroutine.
//   - Seed it (Config.Seed) to vary pod names and UIDs; the same seed and
//     the same calls always give the same cluster, events and trace.
//   - Treat what getters return as copies: change objects through the
//     Cluster's methods only. ViewDeployment, for loops that read a
//     Deployment at every step, lends the stored object itself for the
//     length of a call: read it there, keep nothing.
//   - Expect errors, never panics, for bad input: a rejected change
//     leaves the cluster exactly as it was, and its error uses the API
//     server's wording (*meta.InvalidError, *meta.NotFoundError, ...), or
//     kubectl's for the shorthands of kubectl's commands
//     (*kubectl.RolloutError, *kubectl.WaitError, *kubectl.NotFoundError,
//     which wraps *meta.NotFoundError). Update from a fresh read: a
//     Deployment whose ResourceVersion is no longer the stored one is a
//     *meta.ConflictError (meta.IsConflict); 0 updates unconditionally.
//   - Check Err after driving a replacement controller: a control loop
//     that never settles stops after a bound of rounds with a
//     *NotSettledError instead of hanging.
//   - A Watch callback, like an Observe callback, runs in the middle of a
//     sync: read the cluster there, never change it.
//
// What a user does with kubectl is package kubectl's, written against its
// Client interface, which a Cluster satisfies: Apply, SetImage, Scale,
// WaitForRollout, History, Undo, Pause, Resume and Restart here are
// shorthands for it, PodsOf lists a Deployment's pods.
//
// The Cluster is the front of the parts a control plane has, each in a
// package named for it: internal/apiserver stores the objects and holds
// the one commit point every write passes; internal/controlloop runs the
// controllers when their work queues (internal/workqueue) deliver a key,
// and owns the fake clock's timers; internal/kubelet lives each pod's
// lifecycle, from start-up to the end of its grace period; scheduler
// places pods on nodes and queues those that fit nowhere. The packages
// pod, replicaset and deployment hold one kind of object each, with its
// controller. The scenario package parses the kubectl-style scripts that
// cmd/rollsim plays and prints what kubectl would.
package rollsim
