package rollsim

// Stats counts the work a cluster has done since it was created: the
// control loop's passes, the controllers' syncs and the writes they and
// the callers made. A benchmark divides its time by them; a test can check
// that a command cost no sync, or how many syncs a rollout step takes.
type Stats struct {
	// Rounds counts reconcile rounds: passes that sync every ReplicaSet,
	// then every Deployment, with something to do.
	Rounds int
	// DeploymentSyncs and ReplicaSetSyncs count the controllers' syncs.
	DeploymentSyncs, ReplicaSetSyncs int
	// Writes counts the writes the cluster committed, to Deployments,
	// ReplicaSets, Pods and Nodes: each creation, update and status
	// update (each a new resourceVersion; binding a pod to a node is
	// one), and each deletion, as a watch sees them. Events are not
	// counted.
	Writes int
}

// Stats returns the cluster's counters.
func (c *Cluster) Stats() Stats {
	s := c.loop.Stats()
	return Stats{Rounds: s.Rounds, DeploymentSyncs: s.DeploymentSyncs, ReplicaSetSyncs: s.ReplicaSetSyncs, Writes: c.api.Writes()}
}
