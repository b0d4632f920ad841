package rollouttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// snapshot is everything a cluster shows its users.
type snapshot struct {
	Now         time.Time
	EventCount  int
	Events      []rollsim.Event
	Deployments []*deployment.Deployment
	ReplicaSets []*replicaset.ReplicaSet
	Pods        []*pod.Pod
}

// Snapshot renders everything a cluster shows: its clock, every
// Deployment, ReplicaSet and pod with metadata, spec and status, and the
// event log, as indented JSON. Two clusters in the same state give the
// same text, line for line.
func Snapshot(c *rollsim.Cluster) string {
	var b bytes.Buffer
	if err := json.Indent(&b, compactSnapshot(c), "", " "); err != nil {
		panic(fmt.Sprintf("rollouttest: snapshot: %v", err))
	}
	return b.String()
}

// compactSnapshot is Snapshot's JSON without the indentation: what
// CheckReplay compares, indenting only to show a difference.
func compactSnapshot(c *rollsim.Cluster) []byte {
	s := snapshot{Now: c.Now(), EventCount: c.EventCount(), Events: c.Events(), Deployments: c.Deployments(), ReplicaSets: c.ReplicaSets(), Pods: c.Pods()}
	b, err := json.Marshal(s)
	if err != nil {
		// Every field above marshals; a failure is a bug in this package.
		panic(fmt.Sprintf("rollouttest: snapshot: %v", err))
	}
	return b
}

// CheckReplay plays ops (with Op.Apply, in order) on the named Deployment
// of a new cluster made from cfg and checks that it ends exactly like
// live: same clock, objects, statuses and events (see Snapshot). The
// Violation names the first line that differs.
//
// Preconditions: live was made by rollsim.New(cfg) and changed only by
// ops, applied in order by Op.Apply or Checker.Do (checks read the cluster
// without changing it). cfg's DeploymentSync, if any, is shared by both
// runs: a controller that keeps state between clusters fails the replay,
// as it should.
func CheckReplay(live *rollsim.Cluster, cfg rollsim.Config, namespace, name string, ops []Op) error {
	return checkReplay(live, cfg, namespace, name, ops, func(c *rollsim.Cluster, o Op) error { return o.Apply(c, namespace, name) })
}

// checkReplay is CheckReplay playing each op with apply.
func checkReplay(live *rollsim.Cluster, cfg rollsim.Config, namespace, name string, ops []Op, apply func(*rollsim.Cluster, Op) error) error {
	replay := rollsim.New(cfg)
	for _, o := range ops {
		_ = apply(replay, o)
	}
	if bytes.Equal(compactSnapshot(live), compactSnapshot(replay)) {
		return nil
	}
	want, got := Snapshot(live), Snapshot(replay)
	return &Violation{Invariant: ErrReplay, Namespace: namespace, Name: name, Time: live.Now(),
		Detail: fmt.Sprintf("replaying %d ops on seed %d gave another cluster: %s", len(ops), cfg.Seed, firstDiff(want, got))}
}

// firstDiff shows where two texts first differ, with the lines around it.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	show := func(ls []string) string {
		lo, hi := max(i-3, 0), min(i+3, len(ls))
		if lo >= hi {
			return "(end)"
		}
		return strings.Join(ls[lo:hi], "\n")
	}
	return fmt.Sprintf("line %d differs\n--- first run:\n%s\n--- replay:\n%s", i+1, show(al), show(bl))
}
