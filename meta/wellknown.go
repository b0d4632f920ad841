package meta

// The labels and annotations Kubernetes' controllers and kubectl read and
// write, in one place: the packages of the objects they are about refer
// to these.
const (
	// TemplateHashLabel tells a Deployment's ReplicaSets (and their pods)
	// apart by the hash of their pod template.
	TemplateHashLabel = "pod-template-hash"

	// RevisionAnnotation holds the revision a ReplicaSet stands for, and
	// a Deployment's current revision.
	RevisionAnnotation = "deployment.kubernetes.io/revision"
	// RevisionHistoryAnnotation lists the earlier revisions a reused
	// ReplicaSet stood for.
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	// DesiredReplicasAnnotation records the Deployment's replicas a
	// ReplicaSet was sized for.
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	// MaxReplicasAnnotation records the replicas plus maxSurge a
	// ReplicaSet was sized for.
	MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
	// RollbackToAnnotation is the legacy rollback request.
	RollbackToAnnotation = "deprecated.deployment.rollback.to"

	// LastAppliedAnnotation holds the configuration kubectl apply last
	// applied, for its three-way merge.
	LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
	// ChangeCauseAnnotation holds the command --record stored.
	ChangeCauseAnnotation = "kubernetes.io/change-cause"
	// RestartedAtAnnotation is the pod-template annotation kubectl rollout
	// restart sets to roll the pods.
	RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"
)
