// Command gen writes seeded random scenarios into the corpus and records
// each one's golden.trace with the recorder.
//
//	gen -seed N -n 200 -out testdata/corpus
//	gen -seed 4 -first 301 -n 30 -lifecycle -out testdata/corpus
//
// -nodes, -timing and -lifecycle add their own kinds of steps. -lifecycle
// draws its numbers only when set, so the other modes give the same
// scenarios as before it existed.
//
// The same seed and count always give the same scenarios. Only commands and
// flags of the scenario format are used.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"

	"github.com/rollsim/rollsim/conformance/internal/recorder"
)

func main() {
	seed := flag.Int64("seed", 1, "random seed")
	n := flag.Int("n", 200, "number of scenarios")
	out := flag.String("out", "testdata/corpus", "corpus folder")
	first := flag.Int("first", 1, "number of the first scenario (random-NNNN)")
	norecord := flag.Bool("norecord", false, "write scenarios without recording golden traces")
	nodes := flag.Bool("nodes", false, "add Node objects, resource requests, cordon/uncordon and node failures")
	timing := flag.Bool("timing", false, "aim at the work queues' timing: pod start-up off the second with minReadySeconds, short deadlines with broken images, sleeps and timeouts off the second, changes within the first seconds")
	lifecycle := flag.Bool("lifecycle", false, "add readiness and startup probes, terminationGracePeriodSeconds, pod-shutdown and crash-looping images")
	flag.Parse()
	rng := rand.New(rand.NewSource(*seed))
	for i := 0; i < *n; i++ {
		name := fmt.Sprintf("random-%04d", *first+i)
		dir := filepath.Join(*out, name)
		g := &gen{rng: rng, files: map[string]string{}, nodes: *nodes, timing: *timing, lifecycle: *lifecycle}
		script := g.scenario(name)
		if err := os.RemoveAll(dir); err != nil {
			fail(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fail(err)
		}
		for f, content := range g.files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644); err != nil {
				fail(err)
			}
		}
		sc := filepath.Join(dir, "scenario")
		if err := os.WriteFile(sc, []byte(script), 0o644); err != nil {
			fail(err)
		}
		if *norecord {
			continue
		}
		res, err := recorder.RecordFile(sc)
		if err != nil {
			fail(fmt.Errorf("%s: %v", name, err))
		}
		if err := os.WriteFile(filepath.Join(dir, "golden.trace"), []byte(res.Trace), 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

type gen struct {
	rng   *rand.Rand
	files map[string]string
	lines []string
	// per deployment: current manifest number and its last replicas
	deps    []string
	version map[string]int
	// nodes: the scenario runs on Node objects.
	nodes     bool
	nodeNames []string
	// timing: the scenario aims at the instants the controllers' work
	// queues deliver keys (see the -timing flag).
	timing bool
	// lifecycle: pods with probes, graceful termination (pod-shutdown,
	// terminationGracePeriodSeconds) and crash-looping images.
	lifecycle bool
}

func (g *gen) pick(xs ...string) string { return xs[g.rng.Intn(len(xs))] }

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

func (g *gen) add(format string, args ...interface{}) {
	g.lines = append(g.lines, fmt.Sprintf(format, args...))
}

// intOrPercent returns a maxSurge/maxUnavailable value as YAML.
func (g *gen) intOrPercent() string {
	if g.chance(0.5) {
		return fmt.Sprint(g.rng.Intn(4))
	}
	return fmt.Sprintf("%q", g.pick("0%", "10%", "20%", "25%", "33%", "50%", "75%", "100%"))
}

func (g *gen) image(name string) string {
	broken := 0.15
	if g.timing {
		broken = 0.35
	}
	if g.chance(broken) {
		return name + ":broken"
	}
	if g.lifecycle && g.chance(0.15) {
		return name + ":crash"
	}
	return fmt.Sprintf("%s:1.%d", name, g.rng.Intn(6))
}

// manifest writes a Deployment manifest and returns its file name.
func (g *gen) manifest(name string, replicas int) string {
	g.version[name]++
	file := fmt.Sprintf("%s.v%d.yml", name, g.version[name])
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n", name)
	b.WriteString("spec:\n")
	if replicas >= 0 {
		fmt.Fprintf(&b, "  replicas: %d\n", replicas)
	}
	mrs := 0
	switch {
	case g.timing:
		if g.chance(0.6) {
			mrs = 1 + g.rng.Intn(5)
			fmt.Fprintf(&b, "  minReadySeconds: %d\n", mrs)
		}
		// A short deadline, always above minReadySeconds.
		fmt.Fprintf(&b, "  progressDeadlineSeconds: %d\n", max(mrs+1, 3+g.rng.Intn(13)))
	default:
		if g.chance(0.2) {
			mrs = 1 + g.rng.Intn(5)
			fmt.Fprintf(&b, "  minReadySeconds: %d\n", mrs)
		}
		if g.lifecycle {
			// Probes take a while: a deadline long enough for some.
			fmt.Fprintf(&b, "  progressDeadlineSeconds: %d\n", mrs+10+g.rng.Intn(50))
		} else if g.chance(0.8) {
			fmt.Fprintf(&b, "  progressDeadlineSeconds: %d\n", mrs+5+g.rng.Intn(30))
		}
	}
	if g.chance(0.3) {
		fmt.Fprintf(&b, "  revisionHistoryLimit: %d\n", g.rng.Intn(4))
	}
	switch {
	case g.chance(0.15):
		b.WriteString("  strategy:\n    type: Recreate\n")
	case g.chance(0.75):
		surge, unavail := g.intOrPercent(), g.intOrPercent()
		if (surge == "0" || surge == `"0%"`) && (unavail == "0" || unavail == `"0%"`) && g.chance(0.7) {
			unavail = "1"
		}
		fmt.Fprintf(&b, "  strategy:\n    rollingUpdate:\n      maxSurge: %s\n      maxUnavailable: %s\n", surge, unavail)
	}
	fmt.Fprintf(&b, "  selector:\n    matchLabels:\n      app: %s\n", name)
	fmt.Fprintf(&b, "  template:\n    metadata:\n      labels:\n        app: %s\n", name)
	b.WriteString("    spec:\n")
	if g.lifecycle && g.chance(0.4) {
		fmt.Fprintf(&b, "      terminationGracePeriodSeconds: %d\n", g.rng.Intn(41))
	}
	fmt.Fprintf(&b, "      containers:\n      - name: %s\n        image: %s\n", name, g.image(name))
	if g.lifecycle {
		g.probes(&b)
	}
	if g.nodes && g.chance(0.8) {
		fmt.Fprintf(&b, "        resources:\n          requests:\n            cpu: %s\n            memory: %s\n",
			g.pick("100m", "250m", "500m", "1"), g.pick("64Mi", "256Mi", "512Mi", "1Gi"))
	}
	g.files[file] = b.String()
	return file
}

func (g *gen) record() string {
	if g.chance(0.3) {
		return " --record"
	}
	return ""
}

func (g *gen) res(name string) string {
	return g.pick("deployment/", "deploy/", "deployments/", "deployment ", "deploy ") + name
}

func (g *gen) scenario(title string) string {
	g.version = map[string]int{}
	g.deps = []string{"web"}
	if g.chance(0.25) {
		g.deps = append(g.deps, "api")
	}
	g.add("# %s: generated by cmd/gen", title)
	g.add("config never-ready=web:broken")
	g.add("config never-ready=api:broken")
	if g.lifecycle {
		g.add("config crash-loop=web:crash")
		g.add("config crash-loop=api:crash")
		if g.chance(0.8) {
			g.add("config pod-shutdown=%s", g.shutdown())
		}
	}
	if g.timing {
		g.add("config pod-startup=%s", g.offSecond())
	} else if g.chance(0.3) {
		g.add("config pod-startup=%ds", 1+g.rng.Intn(4))
	}
	if g.nodes {
		g.add("apply -f %s", g.nodeManifest())
	}
	for _, d := range g.deps {
		reps := g.rng.Intn(11)
		if g.chance(0.1) {
			reps = -1
		}
		g.add("apply -f %s%s", g.manifest(d, reps), g.record())
		if g.timing && g.chance(0.6) {
			// A change within the first seconds, while the first
			// sync's writes are still recent: conflict retries.
			g.add("sleep %s", g.pick("0s", "500ms", "1500ms", "2300ms"))
			g.add("set image %s %s=%s%s", g.res(d), d, g.image(d), g.record())
			continue
		}
		if g.chance(0.7) {
			g.add("rollout status %s", g.res(d))
		}
	}
	steps := 6 + g.rng.Intn(10)
	for i := 0; i < steps; i++ {
		d := g.deps[g.rng.Intn(len(g.deps))]
		if g.timing && g.chance(0.35) {
			g.timingStep(d)
			continue
		}
		if g.lifecycle && g.chance(0.25) {
			g.lifecycleStep(d)
			continue
		}
		switch k := g.rng.Intn(100); {
		case k < 20:
			g.add("set image %s %s=%s%s", g.res(d), d, g.image(d), g.record())
		case k < 30:
			g.add("scale %s --replicas=%d%s", g.res(d), g.rng.Intn(13), g.record())
		case k < 48:
			if g.chance(0.25) {
				g.add("rollout status %s --timeout=%ds", g.res(d), 1+g.rng.Intn(30))
			} else {
				g.add("rollout status %s", g.res(d))
			}
		case k < 54:
			if g.chance(0.4) {
				g.add("rollout history %s --revision=%d", g.res(d), 1+g.rng.Intn(4))
			} else {
				g.add("rollout history %s", g.res(d))
			}
		case k < 62:
			if g.chance(0.5) {
				g.add("rollout undo %s --to-revision=%d", g.res(d), g.rng.Intn(5))
			} else {
				g.add("rollout undo %s", g.res(d))
			}
		case k < 67:
			g.add("rollout pause %s", g.res(d))
		case k < 73:
			g.add("rollout resume %s", g.res(d))
		case k < 77:
			g.add("rollout restart %s", g.res(d))
		case k < 86:
			g.add("sleep %ds", 1+g.rng.Intn(15))
		case k < 92:
			g.add("apply -f %s%s", g.manifest(d, g.rng.Intn(11)), g.record())
		case k < 95:
			if g.nodes && len(g.nodeNames) > 0 {
				n := g.nodeNames[g.rng.Intn(len(g.nodeNames))]
				switch g.rng.Intn(4) {
				case 0, 1:
					g.add("cordon %s", n)
				case 2:
					g.add("uncordon %s", n)
				default:
					g.add("delete node %s", n)
				}
			} else {
				g.add("config pod-startup=%ds", 1+g.rng.Intn(4))
			}
		default:
			g.add("get %s", g.pick("deployments", "rs", "pods", "replicasets"))
		}
	}
	for _, d := range g.deps {
		if g.chance(0.5) {
			g.add("rollout status %s --timeout=60s", g.res(d))
		}
	}
	return strings.Join(g.lines, "\n") + "\n"
}

// offSecond returns a duration that is mostly not a whole number of seconds.
func (g *gen) offSecond() string {
	return g.pick("500ms", "700ms", "1500ms", "2300ms", "1s")
}

// timingStep adds a step that waits for a fraction of a second or crosses
// a deadline in small waits.
func (g *gen) timingStep(d string) {
	switch g.rng.Intn(4) {
	case 0:
		g.add("sleep %s", g.pick("200ms", "700ms", "1500ms", "2300ms", "4700ms", "9s"))
	case 1:
		g.add("rollout status %s --timeout=%s", g.res(d), g.pick("200ms", "700ms", "1500ms", "3300ms"))
	case 2:
		// Small waits across the stretch where a deadline may pass.
		for range 2 + g.rng.Intn(4) {
			g.add("rollout status %s --timeout=%s", g.res(d), g.pick("200ms", "500ms", "1s"))
		}
	default:
		g.add("config pod-startup=%s", g.offSecond())
	}
}

// nodeManifest writes two to four Nodes of random sizes into one file.
func (g *gen) nodeManifest() string {
	var docs []string
	count := 2 + g.rng.Intn(3)
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("node-%c", 'a'+i)
		g.nodeNames = append(g.nodeNames, name)
		docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\nstatus:\n  allocatable:\n    cpu: %q\n    memory: %s\n    pods: %q\n",
			name, g.pick("1", "2", "4"), g.pick("1Gi", "2Gi", "4Gi"), g.pick("3", "5", "10", "110")))
	}
	g.files["nodes.yml"] = strings.Join(docs, "---\n")
	return "nodes.yml"
}

// shutdown returns a pod-shutdown duration.
func (g *gen) shutdown() string {
	return g.pick("0s", "1500ms", "3s", "8s", "20s", "45s")
}

// probes adds a readiness probe, a startup probe, both or neither to the
// container being written.
func (g *gen) probes(b *strings.Builder) {
	probe := func(kind string, success bool) {
		fmt.Fprintf(b, "        %s:\n          tcpSocket:\n            port: 8080\n", kind)
		if g.chance(0.7) {
			fmt.Fprintf(b, "          initialDelaySeconds: %d\n", g.rng.Intn(13))
		}
		if g.chance(0.8) {
			fmt.Fprintf(b, "          periodSeconds: %d\n", 1+g.rng.Intn(10))
		}
		if success && g.chance(0.5) {
			fmt.Fprintf(b, "          successThreshold: %d\n", 1+g.rng.Intn(3))
		}
	}
	switch g.rng.Intn(5) {
	case 0, 1:
		probe("readinessProbe", true)
	case 2:
		probe("startupProbe", false)
	case 3:
		probe("startupProbe", false)
		probe("readinessProbe", true)
	}
}

// lifecycleStep changes pod-shutdown, waits long enough for terminations
// and back-offs to pass, or scales down while pods terminate.
func (g *gen) lifecycleStep(d string) {
	switch g.rng.Intn(4) {
	case 0:
		g.add("config pod-shutdown=%s", g.shutdown())
	case 1:
		g.add("sleep %ds", 20+g.rng.Intn(100))
	case 2:
		g.add("scale %s --replicas=%d", g.res(d), g.rng.Intn(4))
		g.add("rollout status %s --timeout=%ds", g.res(d), 1+g.rng.Intn(25))
	default:
		g.add("rollout status %s --timeout=%ds", g.res(d), 5+g.rng.Intn(40))
	}
}
