package deployment

import (
	"slices"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// Env is what the controller needs from the cluster that runs it.
type Env interface {
	// Now returns the fake clock's time.
	Now() time.Time
	// ReplicaSets returns the ReplicaSets d owns, in any order. The
	// controller neither changes the slice nor keeps it past the sync.
	ReplicaSets(d *Deployment) []*replicaset.ReplicaSet
	// CreateReplicaSet stores a new ReplicaSet (its metadata completed by
	// the cluster). It fails with *meta.AlreadyExistsError when the name
	// is taken.
	CreateReplicaSet(rs *replicaset.ReplicaSet) error
	// GetReplicaSet returns the ReplicaSet of that namespace and name, or nil.
	GetReplicaSet(namespace, name string) *replicaset.ReplicaSet
	// UpdateReplicaSet stores rs, a changed copy (replicaset.ReplicaSet's
	// UpdateCopy) of a ReplicaSet the Env listed: its annotations and
	// spec. A change of spec bumps the generation. A ResourceVersion that
	// is no longer the stored one's is a *meta.ConflictError. Once stored,
	// rs carries the stored ResourceVersion and Generation, as an update's
	// answer does.
	UpdateReplicaSet(rs *replicaset.ReplicaSet) error
	// DeleteReplicaSet removes rs.
	DeleteReplicaSet(rs *replicaset.ReplicaSet)
	// UpdateDeploymentStatus stores d's status and annotations. The
	// controller passes a Deployment that carries only those, its
	// identity (name, namespace, uid) and the ResourceVersion it read; it
	// reuses d and its conditions' memory once the call returns, so what
	// is kept must be copied. A ResourceVersion that is no longer the
	// stored one's is a *meta.ConflictError: the sync read a Deployment
	// that has been written since, by itself as upstream's does when it
	// writes twice from one copy.
	UpdateDeploymentStatus(d *Deployment) error
	// UpdateDeployment stores d's metadata and spec (not its status), with
	// the same resourceVersion check.
	UpdateDeployment(d *Deployment) error
	// ActivePods counts the pods of rs that have not finished, those
	// being deleted included.
	ActivePods(rs *replicaset.ReplicaSet) int
	// RequeueAt asks for d to be synced again at t. Only the earliest
	// pending request per Deployment counts.
	RequeueAt(d *Deployment, t time.Time)
	// RequeueRateLimited asks for d to be synced again as soon as the
	// controller's rate limiter allows (upstream's AddRateLimited).
	RequeueRateLimited(d *Deployment)
	// Event records an event about an object.
	Event(obj *meta.ObjectMeta, kind, typ, reason, message string)
}

// syncer holds one sync of one Deployment: a working copy of it, and
// whether that copy has already been written. What it keeps only to go
// faster lives in its speedups (fastpath.go).
type syncer struct {
	env Env
	now time.Time
	// stamp is now to the second, as condition times are stored.
	stamp time.Time
	// stored is the Deployment as the Env holds it, d the working copy.
	stored *Deployment
	d      *Deployment
	// err is the first failed ReplicaSet update: upstream's sync returns
	// there; here the sync writes nothing more and fails at its end.
	err error
	// rsCopy is the update copy a sync hands to UpdateReplicaSet.
	rsCopy replicaset.ReplicaSet
	speedups
}

// Sync reconciles one Deployment once, as upstream's syncDeployment does,
// writing what it changes (ReplicaSets, the Deployment, events) through
// env. stored is the Deployment as the cluster holds it; the sync works on
// a copy. An error (a *meta.ConflictError from the Env when the sync
// wrote the Deployment twice from its one copy) means the sync stopped
// part way and should be run again.
func Sync(env Env, stored *Deployment) (err error) {
	var c Controller
	return c.Sync(env, stored)
}

// Controller runs Syncs one after another, reusing its working memory: a
// caller that syncs many times (a cluster) saves an allocation per sync.
// The zero Controller is ready to use; it is not safe for concurrent use.
type Controller struct {
	// RememberNewReplicaSet tells that the Env never changes a
	// ReplicaSet's template, creation time or creation index once
	// created, never reuses a ReplicaSet (a pointer) for another object,
	// gives a ReplicaSet a new ResourceVersion at every write, and bumps
	// a Deployment's generation at every change to its spec, as the
	// cluster does. The Controller then remembers, for each Deployment,
	// its ReplicaSets in creation order, sorting again only when the
	// Env's list changes; which of them matched its template, comparing
	// templates again only when the generation or the list changed; and
	// each ReplicaSet's revision, reading it again only after a write.
	RememberNewReplicaSet bool

	s     syncer
	memos map[*Deployment]*newRSMemo
}

// Sync is the package's Sync, run in c's working memory.
func (c *Controller) Sync(env Env, stored *Deployment) error {
	s := &c.s
	// The syncs of one instant share their stamp (the zero Controller's
	// zero stamp is the zero time's own).
	if now := env.Now(); now != s.now {
		s.now, s.stamp = now, now.Truncate(time.Second)
	}
	// Field by field rather than a fresh syncer: zeroing the scratch
	// arrays would cost more than a small sync. What they still point to
	// is overwritten before it is read.
	s.env = env
	s.err, s.ownAnnotations = nil, false
	s.used, s.condsUsed, s.changes = 0, 0, 0
	s.split.ok, s.split.newRS, s.split.old = false, nil, nil
	s.stored, s.memo = stored, nil
	if c.RememberNewReplicaSet {
		s.memo = c.memo(stored)
	}
	s.copy = workingCopy(stored)
	s.d = &s.copy
	err := s.syncDeployment()
	if err == nil {
		err = s.err
	}
	s.env, s.stored, s.memo, s.err = nil, nil, nil, nil
	return err
}

// syncDeployment is one sync of the working copy: a Deployment that
// selects every pod only has its generation observed; otherwise, once
// the paused condition is current, it is scaled while paused or resized,
// rolled back on the legacy annotation, or rolled out by its strategy.
// upstream: deployment_controller.go syncDeployment
func (s *syncer) syncDeployment() error {
	d := s.d
	if d.Spec.Selector.Empty() {
		s.env.Event(&d.ObjectMeta, "Deployment", "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			return s.write()
		}
		return nil
	}
	rsList := s.getReplicaSetsForDeployment()
	if err := s.checkPausedConditions(); err != nil {
		return err
	}
	if d.Spec.Paused {
		return s.sync(rsList)
	}
	if getRollbackTo(d) != nil {
		return s.rollback(rsList)
	}
	scaling, err := s.isScalingEvent(rsList)
	if err != nil {
		return err
	}
	if scaling {
		return s.sync(rsList)
	}
	if d.Spec.Strategy.Type == Recreate {
		return s.rolloutRecreate(rsList)
	}
	return s.rolloutRolling(rsList)
}

// getReplicaSetsForDeployment returns the ReplicaSets the Deployment
// owns, oldest first.
// upstream: deployment_controller.go getReplicaSetsForDeployment
func (s *syncer) getReplicaSetsForDeployment() []*replicaset.ReplicaSet {
	return s.sortedReplicaSets(s.env.ReplicaSets(s.d))
}

// write stores the working copy's status and annotations. The working
// copy keeps the resourceVersion the sync read, so a second write of the
// Deployment in one sync is a conflict, as upstream's is.
func (s *syncer) write() error {
	if s.err != nil {
		return s.err
	}
	s.changes++
	// The Env stores a Deployment's status and annotations only: hand it
	// those with the object's identity, so that what it copies is small.
	d := s.d
	s.status = Deployment{
		ObjectMeta: meta.ObjectMeta{Name: d.Name, Namespace: d.Namespace, UID: d.UID, Annotations: d.Annotations, ResourceVersion: d.ResourceVersion},
		Status:     d.Status,
	}
	return s.env.UpdateDeploymentStatus(&s.status)
}

// writeSpec stores the working copy's metadata and spec.
func (s *syncer) writeSpec() error {
	if s.err != nil {
		return s.err
	}
	s.changes++
	return s.env.UpdateDeployment(s.d)
}

// event records an event about the Deployment.
func (s *syncer) event(typ, reason, message string) {
	s.env.Event(&s.d.ObjectMeta, "Deployment", typ, reason, message)
}

// sortByCreation sorts rss oldest first.
// upstream: ../controller_utils.go ReplicaSetsByCreationTimestamp
func sortByCreation(rss []*replicaset.ReplicaSet) {
	slices.SortFunc(rss, func(a, b *replicaset.ReplicaSet) int { return olderFirst(&a.ObjectMeta, &b.ObjectMeta) })
}

// olderFirst orders a before b when a was created first, as the
// controller sees creation times: kept to the second, as the API server
// stores them, with ties going to the name that sorts first.
// upstream: ../controller_utils.go ReplicaSetsByCreationTimestamp.Less
func olderFirst(a, b *meta.ObjectMeta) int { return a.CompareCreation(b) }
