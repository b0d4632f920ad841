// Package controlloop is the simulated cluster's controller manager and
// the clock that drives it: the ReplicaSet and Deployment controllers'
// work queues, filled by event handlers on every committed write, the
// rounds of syncs that empty them, and the timers of the fake clock (the
// kubelet's, and the keys a controller asked to see again). It runs the
// kubelet (package internal/kubelet) and the scheduler's queue (package
// scheduler) against the API server's store (package internal/apiserver).
package controlloop

import (
	"cmp"
	"slices"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/apiserver"
	"github.com/rollsim/rollsim/internal/kubelet"
	"github.com/rollsim/rollsim/internal/workqueue"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
)

// Recorder records an event about an object, as a controller's event
// recorder does.
type Recorder func(obj *meta.ObjectMeta, kind, typ, reason, message string)

// Loop runs the controllers, the kubelet and the scheduler's queue on one
// API server's store.
type Loop struct {
	api *apiserver.Server
	// Kubelet holds the kubelet's settings; change them between calls.
	Kubelet kubelet.Kubelet
	record  Recorder

	syncDeploy func(deployment.Env, *deployment.Deployment) error
	customSync bool // syncDeploy is a replacement for the built-in sync
	batching   bool

	timers timerQueue
	// The controllers' work queues: the keys queued for a sync, and the
	// Deployment controller's waiting entries (one per Deployment) and
	// rate limiter.
	dirtyRS     workqueue.Set[*replicaset.ReplicaSet]
	dirtyDeploy workqueue.Set[*deployment.Deployment]
	requeues    workqueue.Waiting[*deployment.Deployment]
	limiter     workqueue.RateLimiter[*deployment.Deployment]
	// The objects one round of reconcile syncs, kept for the next round.
	syncRS   []*replicaset.ReplicaSet
	syncDeps []*deployment.Deployment
	syncing  *deployment.Deployment // the stored Deployment being synced

	stats Stats
	// notSettled is the first instant the controllers did not settle at.
	notSettled *NotSettled
}

// Stats counts the loop's work.
type Stats struct {
	Rounds, DeploymentSyncs, ReplicaSetSyncs int
}

// NotSettled tells when and after how many rounds the controllers were
// stopped for never running out of work.
type NotSettled struct {
	At     time.Time
	Rounds int
}

// New returns a loop on api's store, which it hooks: every committed
// write from then on passes the loop's event handlers. A nil sync means
// the built-in Deployment controller; another works on copies only.
func New(api *apiserver.Server, sync func(deployment.Env, *deployment.Deployment) error, record Recorder) *Loop {
	l := &Loop{api: api, syncDeploy: sync, customSync: sync != nil, record: record}
	if sync == nil {
		l.syncDeploy = (&deployment.Controller{RememberNewReplicaSet: true}).Sync
	}
	l.Kubelet.Draw = api.Draw
	api.Handle = l.handle
	return l
}

// Stats returns the loop's counters.
func (l *Loop) Stats() Stats { return l.stats }

// NotSettled returns the first instant the controllers did not settle at,
// or nil.
func (l *Loop) NotSettled() *NotSettled { return l.notSettled }

// Batch makes the changes f makes as one: the controllers run only after
// f returns. A Batch inside f is part of the outer one.
func (l *Loop) Batch(f func() error) error {
	if l.batching {
		return f()
	}
	l.batching = true
	err := f()
	l.batching = false
	l.Reconcile()
	return err
}

// handle queues the syncs a write causes, as the controllers' informer
// event handlers do: a Deployment syncs when it or a ReplicaSet it owns is
// written, and under Recreate when one of its pods is deleted; a
// ReplicaSet syncs when it or one of its pods is written. Node writes
// queue nothing; they change the scheduler's room.
func (l *Loop) handle(w apiserver.Change) {
	switch {
	case w.Deployment != nil:
		if w.Op == apiserver.Deleted {
			l.dirtyDeploy.Remove(w.Deployment)
			l.requeues.Remove(w.Deployment)
			l.limiter.Forget(w.Deployment)
			return
		}
		l.dirtyDeploy.Add(w.Deployment)
	case w.ReplicaSet != nil:
		if w.Op == apiserver.Deleted {
			l.dirtyRS.Remove(w.ReplicaSet)
		} else {
			l.dirtyRS.Add(w.ReplicaSet)
		}
		if d := l.api.Owner(w.ReplicaSet); d != nil {
			l.dirtyDeploy.Add(d)
		}
	case w.Pod != nil:
		rs := l.api.PodOwner(w.Pod)
		if rs == nil || rs.UID != w.Pod.Owner.UID {
			return
		}
		l.dirtyRS.Add(rs)
		if d := l.api.Owner(rs); w.Op == apiserver.Deleted && d != nil && d.Spec.Strategy.Type == deployment.Recreate {
			l.dirtyDeploy.Add(d)
		}
	}
}

// maxSyncRetries is how many rate-limited retries of a failing sync the
// Deployment controller makes before it drops the Deployment's key until
// something else queues it.
const maxSyncRetries = 15

// syncDone handles the outcome of a Deployment's sync as upstream's
// worker does: success forgets its rate-limited requeues; a failure (a
// conflict on its second write) is retried rate-limited, up to
// maxSyncRetries times.
func (l *Loop) syncDone(env controllerEnv, d *deployment.Deployment, err error) {
	switch {
	case err == nil:
		l.limiter.Forget(d)
	case l.limiter.NumRequeues(d) < maxSyncRetries:
		l.api.Debug("sync failed", "kind", "Deployment", "name", d.Name, "err", err)
		env.RequeueRateLimited(d)
	default:
		l.api.Debug("sync failed, dropped", "kind", "Deployment", "name", d.Name, "err", err)
		l.limiter.Forget(d)
	}
}

// maxRounds bounds one reconcile; reaching it means a controller loops.
const maxRounds = 100000

// Reconcile runs the controllers until nothing changes: in each round,
// every ReplicaSet with something to do in name order, then every such
// Deployment in name order, as upstream's controllers would with caches
// that always hold the latest writes. Inside a Batch it waits for the
// Batch's end.
func (l *Loop) Reconcile() {
	if l.batching {
		return
	}
	env := controllerEnv{l}
	// Taken while in use: a reconcile nested in this one, should a
	// caller's callback start one, gets lists of its own.
	rss, deps := l.syncRS[:0], l.syncDeps[:0]
	l.syncRS, l.syncDeps = nil, nil
	defer func() {
		clear(rss)
		clear(deps)
		l.syncRS, l.syncDeps = rss[:0], deps[:0]
	}()
	for round := 0; ; round++ {
		l.api.Nodes.Retry(env)
		if l.dirtyRS.Len()+l.dirtyDeploy.Len() == 0 {
			break
		}
		if round == maxRounds {
			l.api.Log.Error("controllers did not settle", "rounds", round)
			if l.notSettled == nil {
				l.notSettled = &NotSettled{At: l.api.Now, Rounds: round}
			}
			l.dirtyRS.Clear()
			l.dirtyDeploy.Clear()
			return
		}
		l.stats.Rounds++
		rss = l.dirtyRS.Drain(rss[:0])
		slices.SortFunc(rss, func(a, b *replicaset.ReplicaSet) int { return cmpKey(&a.ObjectMeta, &b.ObjectMeta) })
		for _, rs := range rss {
			replicaset.Sync(env, rs)
		}
		l.stats.ReplicaSetSyncs += len(rss)
		deps = l.dirtyDeploy.Drain(deps[:0])
		slices.SortFunc(deps, func(a, b *deployment.Deployment) int { return cmpKey(&a.ObjectMeta, &b.ObjectMeta) })
		for _, d := range deps {
			if l.api.Deployments[apiserver.KeyOf(&d.ObjectMeta)] != d {
				continue
			}
			l.syncing = d
			l.stats.DeploymentSyncs++
			var err error
			if l.customSync {
				// A replacement sync works on copies only.
				err = l.syncDeploy(customEnv{env}, d.Clone())
			} else {
				err = l.syncDeploy(env, d)
			}
			l.syncDone(env, d, err)
			l.syncing = nil
		}
	}
}

func cmpKey(a, b *meta.ObjectMeta) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}
