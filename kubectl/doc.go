// Package kubectl is kubectl v0.37's side of the commands the simulator
// serves, in one place: what the client does before and after it talks to
// the API server, and what it prints.
//
// The commands: Apply, ApplyFile and ApplyDeployment (`kubectl apply`, its
// three-way merge with the last-applied configuration), CreateDeployment,
// SetImage, Scale, Revisions (`rollout history`), Undo, Pause, Resume,
// Restart, and WaitForRollout (`rollout status`: Status is its verdict at
// one moment). Each is written against Client, a small interface in the
// simulator's own types: get, create and update a Deployment, list the
// ReplicaSets it owns, and read and move the fake clock. Refusals are
// worded as kubectl words them and are values to inspect with errors.As:
// *RolloutError, *WaitError, *NotFoundError, or the API server's own.
//
// The printers render what kubectl prints from objects the caller hands
// them, never reaching into a cluster: result lines, `rollout history`
// tables and revision views, `get` tables, `describe deployment` and
// `describe pod`, with times taken from the fake clock's instant given.
//
// Layering: this package imports the object packages (deployment,
// replicaset, pod, meta, scheduler, manifest) and not the root package.
// *rollsim.Cluster satisfies Client (and NodeClient and Batcher), and the
// root package imports this one for its shorthands (Cluster.Apply,
// SetImage, Scale, WaitForRollout, History, Undo, Pause, Resume,
// Restart). Package scenario only parses a script's lines and prints; a
// front end that speaks to an API server can satisfy Client by converting
// its objects.
package kubectl
