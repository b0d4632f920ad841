package deployment

import (
	"maps"
	"slices"
	"time"

	"github.com/rollsim/rollsim/internal/podindex"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// epoch is the fake clock's start in the controller's unit tests.
var epoch = time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC)

// fakeEnv is a cluster reduced to what the controller asks of it: a list
// of ReplicaSets, and a record of every write and event, in order.
type fakeEnv struct {
	// Env is left nil: the requeue calls are not faked, so a test that
	// reaches one panics. A sync asks for a requeue only when, under a
	// progress deadline, it writes no status, which no test has it do.
	Env

	now       time.Time
	rss       []*replicaset.ReplicaSet
	nextIndex uint64
	// deploymentRV is the resourceVersion of the Deployment's last write,
	// 0 before the first.
	deploymentRV uint64

	created  []string
	updated  []string
	deleted  []string
	statuses []Status
	// annotations holds the annotations each status write carried.
	annotations []map[string]string
	specs       []Spec
	events      []string
}

func newFakeEnv(rss ...*replicaset.ReplicaSet) *fakeEnv {
	return &fakeEnv{now: epoch, rss: rss, nextIndex: 100}
}

func (f *fakeEnv) Now() time.Time { return f.now }

func (f *fakeEnv) ReplicaSets(*Deployment) []*replicaset.ReplicaSet { return f.rss }

func (f *fakeEnv) CreateReplicaSet(rs *replicaset.ReplicaSet) error {
	if f.GetReplicaSet(rs.Namespace, rs.Name) != nil {
		return &meta.AlreadyExistsError{Resource: "replicasets.apps", Name: rs.Name}
	}
	f.nextIndex++
	rs.UID, rs.Generation, rs.ResourceVersion = "uid-"+rs.Name, 1, f.nextIndex
	rs.CreationTimestamp, rs.CreationIndex = f.now, f.nextIndex
	f.rss = append(f.rss, rs)
	f.created = append(f.created, rs.Name)
	return nil
}

func (f *fakeEnv) GetReplicaSet(namespace, name string) *replicaset.ReplicaSet {
	for _, rs := range f.rss {
		if rs.Namespace == namespace && rs.Name == name {
			return rs
		}
	}
	return nil
}

func (f *fakeEnv) UpdateReplicaSet(cp *replicaset.ReplicaSet) error {
	rs := f.GetReplicaSet(cp.Namespace, cp.Name)
	if rs == nil {
		return &meta.NotFoundError{Resource: "replicasets.apps", Name: cp.Name}
	}
	if cp.ResourceVersion != rs.ResourceVersion {
		return &meta.ConflictError{Resource: "replicasets.apps", Name: cp.Name}
	}
	if rs.Spec.Replicas != cp.Spec.Replicas || rs.Spec.MinReadySeconds != cp.Spec.MinReadySeconds {
		rs.Generation++
	}
	rs.Annotations, rs.Spec.Replicas, rs.Spec.MinReadySeconds = cp.Annotations, cp.Spec.Replicas, cp.Spec.MinReadySeconds
	f.nextIndex++
	rs.ResourceVersion = f.nextIndex
	cp.ResourceVersion, cp.Generation = rs.ResourceVersion, rs.Generation
	f.updated = append(f.updated, rs.Name)
	return nil
}

func (f *fakeEnv) ActivePods(rs *replicaset.ReplicaSet) int {
	return rs.PodIndex(podindex.Token{}).Active()
}

// checkDeployment checks a Deployment write's resourceVersion against the
// last one written, as the API server does, and moves it on.
func (f *fakeEnv) checkDeployment(d *Deployment) error {
	if f.deploymentRV != 0 && d.ResourceVersion != f.deploymentRV {
		return &meta.ConflictError{Resource: "deployments.apps", Name: d.Name}
	}
	f.nextIndex++
	f.deploymentRV = f.nextIndex
	return nil
}

func (f *fakeEnv) DeleteReplicaSet(rs *replicaset.ReplicaSet) {
	f.rss = slices.DeleteFunc(f.rss, func(o *replicaset.ReplicaSet) bool { return o == rs })
	f.deleted = append(f.deleted, rs.Name)
}

func (f *fakeEnv) UpdateDeploymentStatus(d *Deployment) error {
	if err := f.checkDeployment(d); err != nil {
		return err
	}
	st := d.Status
	st.Conditions = slices.Clone(st.Conditions)
	f.statuses = append(f.statuses, st)
	f.annotations = append(f.annotations, maps.Clone(d.Annotations))
	return nil
}

// store makes d what the Env holds after its last status write, as the
// next sync would read it.
func (f *fakeEnv) store(d *Deployment) {
	if n := len(f.statuses); n > 0 {
		d.Status, d.Annotations = f.statuses[n-1], f.annotations[n-1]
	}
	if f.deploymentRV != 0 {
		d.ResourceVersion = f.deploymentRV
	}
}

// forget drops the record of what was written and told so far.
func (f *fakeEnv) forget() {
	f.created, f.updated, f.deleted, f.statuses, f.annotations, f.specs, f.events = nil, nil, nil, nil, nil, nil, nil
}

func (f *fakeEnv) UpdateDeployment(d *Deployment) error {
	if err := f.checkDeployment(d); err != nil {
		return err
	}
	f.specs = append(f.specs, d.Spec.Clone())
	return nil
}

func (f *fakeEnv) Event(_ *meta.ObjectMeta, _, typ, reason, message string) {
	f.events = append(f.events, typ+" "+reason+" "+message)
}

// newTestDeployment returns a RollingUpdate Deployment of web pods with
// the given bounds and no progress deadline or history limit.
func newTestDeployment(replicas, maxSurge, maxUnavailable int32) *Deployment {
	labels := map[string]string{"app": "web"}
	return &Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: meta.DefaultNamespace, UID: "web-uid", Generation: 1},
		Spec: Spec{
			Replicas: Ptr(replicas),
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}},
			Strategy: Strategy{Type: RollingUpdate, RollingUpdate: &RollingUpdateParams{MaxSurge: Int(maxSurge), MaxUnavailable: Int(maxUnavailable)}},
		},
	}
}

// newTestReplicaSet returns a ReplicaSet of d's named name, created at
// created, with replicas pods wanted and available of them available.
func newTestReplicaSet(d *Deployment, name string, replicas, available int32, created time.Time) *replicaset.ReplicaSet {
	rs := &replicaset.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: d.Namespace, UID: "uid-" + name, CreationTimestamp: created,
			Owner: &meta.OwnerRef{Kind: "Deployment", Name: d.Name, UID: d.UID}},
		Spec: replicaset.Spec{Replicas: replicas, Selector: d.Spec.Selector.Clone(), Template: d.Spec.Template.Clone()},
	}
	rs.Status.Replicas, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas = replicas, available, available
	return rs
}

// newTestSyncer returns a syncer of d on env, as a sync starts one.
func newTestSyncer(env *fakeEnv, d *Deployment) *syncer {
	return &syncer{env: env, now: env.now, stamp: env.now.Truncate(time.Second), stored: d, d: d}
}

// sizes returns each ReplicaSet's spec.replicas by name.
func sizes(rss ...*replicaset.ReplicaSet) map[string]int32 {
	out := map[string]int32{}
	for _, rs := range rss {
		if rs != nil {
			out[rs.Name] = rs.Spec.Replicas
		}
	}
	return out
}
