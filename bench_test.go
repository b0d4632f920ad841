package rollsim_test

// Benchmarks of the simulator's hot path. BENCHMARKS.md says how to run
// them, the targets they are held to, and what the profiles show.

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/kubectl"
)

// benchDeployment returns a Deployment "web" of replicas pods of image
// with the given strategy: "Recreate", or maxSurge and maxUnavailable.
func benchDeployment(replicas int32, image, surge, unavailable string) *deployment.Deployment {
	d := newDeployment("web", image, replicas)
	if surge == deployment.Recreate {
		d.Spec.Strategy.Type = deployment.Recreate
		return d
	}
	return fixture.Rolling(d, surge, unavailable)
}

// rollOut steps c as `kubectl rollout status` does until Deployment "web"
// has rolled out, and fails b when it does not within limit of fake time.
func rollOut(b testing.TB, c *rollsim.Cluster, limit time.Duration) {
	end := c.Now().Add(limit)
	for {
		var st kubectl.RolloutStatus
		if err := c.ViewDeployment("", "web", func(d *deployment.Deployment) { st = kubectl.Status(d) }); err != nil {
			b.Fatal(err)
		}
		if st.Done {
			return
		} else if st.Failed {
			b.Fatalf("rollout failed at %s: %s", c.Now().Sub(rollsim.Epoch()), st.Message)
		}
		if next, ok := c.NextWakeup(); !ok || next.After(end) {
			b.Fatalf("rollout not done at %s (%d events)", c.Now().Sub(rollsim.Epoch()), c.EventCount())
		}
		c.Step()
	}
}

// readyCluster returns a cluster running Deployment "web" with replicas
// Ready pods of image "web:1".
func readyCluster(b testing.TB, replicas int32, surge, unavailable string) *rollsim.Cluster {
	c := rollsim.New(rollsim.Config{Seed: 1})
	if _, err := c.CreateDeployment(benchDeployment(replicas, "web:1", surge, unavailable)); err != nil {
		b.Fatal(err)
	}
	rollOut(b, c, time.Hour)
	return c
}

// setBenchImage starts a rollout of image on Deployment "web".
func setBenchImage(b testing.TB, c *rollsim.Cluster, image string) {
	d, err := c.Deployment("", "web")
	if err != nil {
		b.Fatal(err)
	}
	d.Spec.Template.Spec.Containers[0].Image = image
	if _, err := c.UpdateDeployment(d); err != nil {
		b.Fatal(err)
	}
}

// TestBenchmarkHelpers plays a few of the benchmarks' scenarios, small, so
// that plain `go test` notices when they stop working.
func TestBenchmarkHelpers(t *testing.T) {
	for _, fp := range [][2]string{{"1", "0"}, {"25%", "25%"}} {
		c := readyCluster(t, 50, fp[0], fp[1])
		setBenchImage(t, c, "web:2")
		rollOut(t, c, time.Hour)
	}
	rollouts := 0
	for i, s := range randomScenarios(50) {
		rollouts += s.run(t, uint64(i))
	}
	if rollouts == 0 {
		t.Fatal("50 random scenarios made no rollout")
	}
}

// BenchmarkRollingUpdate times one rolling update of every pod of a
// Deployment, from the image update to the completed rollout (as `kubectl
// rollout status` sees it). Building the cluster with its Ready pods is
// not timed.
func BenchmarkRollingUpdate(b *testing.B) {
	for _, replicas := range []int32{1_000, 10_000, 100_000} {
		for _, fp := range [][2]string{{"1", "0"}, {"25%", "25%"}} {
			name := fmt.Sprintf("replicas=%d/surge=%s/unavailable=%s", replicas, fp[0], fp[1])
			b.Run(name, func(b *testing.B) {
				var steps int64
				var work rollsim.Stats
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					c := readyCluster(b, replicas, fp[0], fp[1])
					runtime.GC()
					before, stats := c.EventCount(), c.Stats()
					b.StartTimer()
					setBenchImage(b, c, "web:2")
					rollOut(b, c, time.Duration(replicas)*10*time.Second)
					b.StopTimer()
					steps += int64(c.EventCount() - before)
					work = addWork(work, c.Stats(), stats)
					b.StartTimer()
				}
				b.ReportMetric(float64(steps)/float64(b.N), "events/op")
				reportWork(b, work)
			})
		}
	}
}

// addWork adds the syncs counted between two readings of a cluster's
// Stats to sum.
func addWork(sum, now, before rollsim.Stats) rollsim.Stats {
	d := since(now, before)
	sum.DeploymentSyncs += d.DeploymentSyncs
	sum.ReplicaSetSyncs += d.ReplicaSetSyncs
	return sum
}

// reportWork reports the controllers' syncs per op: what the time per op
// is divided among (see BENCHMARKS.md).
func reportWork(b *testing.B, w rollsim.Stats) {
	n := float64(b.N)
	b.ReportMetric(float64(w.DeploymentSyncs)/n, "deployment-syncs/op")
	b.ReportMetric(float64(w.ReplicaSetSyncs)/n, "replicaset-syncs/op")
}

// BenchmarkSteadyRollingUpdates repeats rolling updates on one cluster of
// 10,000 pods, each to a new image: the steady state of a long-lived
// cluster, with old ReplicaSets kept up to revisionHistoryLimit.
func BenchmarkSteadyRollingUpdates(b *testing.B) {
	repeatRollouts(b, readyCluster(b, 10_000, "1", "0"), 24*time.Hour)
}

// repeatRollouts rolls Deployment "web" of c out to a new image at every
// op, each within limit of fake time, and reports the syncs per op.
func repeatRollouts(b *testing.B, c *rollsim.Cluster, limit time.Duration) {
	start := c.Stats()
	b.ReportAllocs()
	i := 1
	for b.Loop() {
		i++
		setBenchImage(b, c, fmt.Sprintf("web:%d", i))
		rollOut(b, c, limit)
	}
	reportWork(b, addWork(rollsim.Stats{}, c.Stats(), start))
}

// randomScenario is one generated 10-replica scenario: a Deployment with
// a random strategy, then a random sequence of image updates and scales,
// each run to completion.
type randomScenario struct {
	surge, unavailable string // or surge "Recreate"
	minReady           int32
	startup            time.Duration
	steps              []randomStep
}

type randomStep struct {
	image    string // a new image, or "" to keep it
	replicas int32  // a new size, or 0 to keep it
}

// fencepost draws a maxSurge or maxUnavailable: a count or a percent.
func fencepost(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return fmt.Sprint(r.IntN(4))
	}
	return fmt.Sprintf("%d%%", 5*r.IntN(21))
}

// randomScenarios generates n scenarios from a fixed seed: the same n
// always gives the same scenarios.
func randomScenarios(n int) []randomScenario {
	r := rand.New(rand.NewPCG(20240101, 10))
	out := make([]randomScenario, n)
	for i := range out {
		s := &out[i]
		if r.IntN(5) == 0 {
			s.surge = deployment.Recreate
		} else {
			for {
				s.surge, s.unavailable = fencepost(r), fencepost(r)
				// Both resolving to 0 is invalid unless a percent rounds
				// there; keep only strategies the API server accepts.
				if (s.surge != "0" && s.surge != "0%") || (s.unavailable != "0" && s.unavailable != "0%") {
					break
				}
			}
		}
		s.minReady = int32(r.IntN(3))
		s.startup = time.Duration(1+r.IntN(3)) * time.Second
		image := 1
		for range 1 + r.IntN(3) {
			var st randomStep
			switch r.IntN(4) {
			case 0: // scale only
				st.replicas = int32(5 + r.IntN(11))
			case 1: // image and scale together
				st.replicas = int32(5 + r.IntN(11))
				fallthrough
			default: // image only
				image++
				st.image = fmt.Sprintf("web:%d", image)
			}
			s.steps = append(s.steps, st)
		}
	}
	return out
}

// run plays s on a fresh cluster and returns how many rollouts (template
// changes) it completed.
func (s *randomScenario) run(b testing.TB, seed uint64) int {
	c := rollsim.New(rollsim.Config{Seed: seed, PodStartup: s.startup})
	d := benchDeployment(10, "web:1", s.surge, s.unavailable)
	d.Spec.MinReadySeconds = s.minReady
	if _, err := c.CreateDeployment(d); err != nil {
		b.Fatal(err)
	}
	rollOut(b, c, time.Hour)
	rollouts := 0
	for _, st := range s.steps {
		d, err := c.Deployment("", "web")
		if err != nil {
			b.Fatal(err)
		}
		if st.image != "" {
			d.Spec.Template.Spec.Containers[0].Image = st.image
			rollouts++
		}
		if st.replicas != 0 {
			d.Spec.Replicas = deployment.Ptr(st.replicas)
		}
		if _, err := c.UpdateDeployment(d); err != nil {
			b.Fatal(err)
		}
		rollOut(b, c, time.Hour)
	}
	return rollouts
}

// BenchmarkRandomScenarios plays 10,000 random 10-replica scenarios per op:
// each a new cluster and Deployment (RollingUpdate with random fenceposts,
// or Recreate; random minReadySeconds and pod startup) followed by one to
// three image updates and scales, each run to completion. rollouts/s
// counts the completed image rollouts per second of the whole op (cluster
// setup and scales included).
func BenchmarkRandomScenarios(b *testing.B) {
	scenarios := randomScenarios(10_000)
	rollouts := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range scenarios {
			rollouts += scenarios[i].run(b, uint64(i))
		}
	}
	b.ReportMetric(float64(rollouts)/b.Elapsed().Seconds(), "rollouts/s")
	b.ReportMetric(float64(len(scenarios)*b.N)/b.Elapsed().Seconds(), "scenarios/s")
}

// BenchmarkRetainedPerPod reports the heap a Deployment of Ready pods keeps
// alive, per pod (B/pod): the live heap after building it less the live
// heap before, both after a full collection. The cluster keeps its
// default, unbounded event log (events=all), which holds a
// SuccessfulCreate event per pod, or keeps only the last event
// (events=1, Config.MaxEvents 1).
func BenchmarkRetainedPerPod(b *testing.B) {
	const n = 10_000
	for _, maxEvents := range []int{0, 1} {
		name := "events=all"
		if maxEvents > 0 {
			name = "events=1"
		}
		b.Run(name, func(b *testing.B) {
			var total float64
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				b.StartTimer()
				c := rollsim.New(rollsim.Config{Seed: 1, MaxEvents: maxEvents})
				if _, err := c.CreateDeployment(benchDeployment(n, "web:1", "25%", "25%")); err != nil {
					b.Fatal(err)
				}
				rollOut(b, c, time.Hour)
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				if c.PodCount() != n {
					b.Fatalf("%d pods, want %d", c.PodCount(), n)
				}
				runtime.KeepAlive(c)
				total += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
				b.StartTimer()
			}
			b.ReportMetric(total/float64(b.N), "B/pod")
		})
	}
}

// BenchmarkTenReplicaRollouts times one complete rollout of a new image on
// a Deployment of 10 Ready pods, on one long-lived cluster: the rate of
// rollouts alone, without the cluster and Deployment creation that
// RandomScenarios also counts. rollouts/s is ops per second.
func BenchmarkTenReplicaRollouts(b *testing.B) {
	for _, fp := range [][2]string{{"1", "0"}, {"25%", "25%"}, {deployment.Recreate, ""}} {
		b.Run(fmt.Sprintf("surge=%s/unavailable=%s", fp[0], fp[1]), func(b *testing.B) {
			repeatRollouts(b, readyCluster(b, 10, fp[0], fp[1]), time.Hour)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rollouts/s")
		})
	}
}
