package recorder

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"
)

// Runner plays one scenario against a fresh cluster and writes its trace.
type Runner struct {
	c      *Cluster
	dir    string
	lines  []string
	failed bool
}

// ParseError is a line that is not a command at all; it stops the run.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// runMu serializes runs: the Deployment controller's clock hooks are
// package variables shared by every cluster in the process.
var runMu sync.Mutex

// Result is the outcome of one run.
type Result struct {
	Trace string
	// Failed tells whether some command could not run (rollsim run would exit non-zero).
	Failed bool
}

// RecordFile runs the scenario file and returns its trace.
func RecordFile(path string) (Result, error) {
	runMu.Lock()
	defer runMu.Unlock()
	data, err := os.ReadFile(path)
	if err != nil {
		return Result{}, err
	}
	c, err := NewCluster()
	if err != nil {
		return Result{}, err
	}
	r := &Runner{c: c, dir: filepath.Dir(path)}
	c.OnEvent = func(t, reason, msg string) {
		if debugWrites {
			fmt.Fprintln(os.Stderr, "EVENT at", c.Now().Sub(Start), msg)
		}
		r.emit("event: " + t + " " + reason + " " + msg)
	}
	// The whole file is checked before anything runs: a line that is not
	// a well-formed command stops the run with nothing done.
	type step struct {
		shown string
		cmd   command
		line  int
	}
	var steps []step
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		shown, cmd, err := r.parse(line)
		if err != nil {
			if pe, ok := err.(*ParseError); ok {
				pe.File, pe.Line = path, n
				return Result{Failed: true}, pe
			}
			return Result{Failed: true}, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		steps = append(steps, step{shown, cmd, n})
	}
	for _, s := range steps {
		r.emit("$ " + s.shown)
		if err := s.cmd(); err != nil {
			return Result{Trace: r.trace(), Failed: true}, fmt.Errorf("%s:%d: %v", path, s.line, err)
		}
		if err := r.c.Settle(); err != nil {
			return Result{Trace: r.trace(), Failed: true}, fmt.Errorf("%s:%d: %v", path, s.line, err)
		}
	}
	r.state()
	return Result{Trace: r.trace(), Failed: r.failed}, nil
}

func (r *Runner) trace() string {
	if len(r.lines) == 0 {
		return ""
	}
	return strings.Join(r.lines, "\n") + "\n"
}

func (r *Runner) emit(s string) {
	r.lines = append(r.lines, strings.TrimRight(s, " \t"))
}

func (r *Runner) out(text string) {
	text = strings.TrimSuffix(text, "\n")
	for _, l := range strings.Split(text, "\n") {
		r.emit("out: " + l)
	}
}

// fail prints err the way kubectl's CheckErr does.
func (r *Runner) fail(err error) {
	r.failed = true
	var msg string
	cmdutil.BehaviorOnFatal(func(m string, _ int) { msg = m })
	cmdutil.CheckErr(err)
	cmdutil.DefaultBehaviorOnFatal()
	r.out(strings.TrimRight(msg, "\n"))
}

// parse checks one scenario line and returns it as shown in the trace
// (without a leading kubectl) with the command that performs it.
func (r *Runner) parse(line string) (string, command, error) {
	args := strings.Fields(line)
	if args[0] == "kubectl" {
		args = args[1:]
	}
	if len(args) == 0 {
		return "", nil, &ParseError{Msg: "empty command"}
	}
	cmd, err := r.dispatch(args)
	if err != nil {
		return "", nil, err
	}
	shown := line
	if strings.HasPrefix(shown, "kubectl") && len(shown) > len("kubectl") && (shown[7] == ' ' || shown[7] == '\t') {
		shown = strings.TrimSpace(shown[len("kubectl"):])
	}
	return shown, cmd, nil
}

type command func() error

func (r *Runner) dispatch(args []string) (command, error) {
	switch args[0] {
	case "apply":
		return r.cmdApply(args)
	case "create":
		if len(args) < 2 || args[1] != "deployment" {
			return nil, &ParseError{Msg: "create: only 'create deployment' is supported"}
		}
		return r.cmdCreateDeployment(args)
	case "set":
		if len(args) < 2 || args[1] != "image" {
			return nil, &ParseError{Msg: "set: only 'set image' is supported"}
		}
		return r.cmdSetImage(args)
	case "scale":
		return r.cmdScale(args)
	case "rollout":
		if len(args) < 2 {
			return nil, &ParseError{Msg: "rollout: missing sub-command"}
		}
		switch args[1] {
		case "status":
			return r.cmdRolloutStatus(args)
		case "history":
			return r.cmdRolloutHistory(args)
		case "undo":
			return r.cmdRolloutUndo(args)
		case "pause", "resume", "restart":
			return r.cmdPauseResumeRestart(args)
		}
		return nil, &ParseError{Msg: fmt.Sprintf("rollout: unknown sub-command %q", args[1])}
	case "get", "describe":
		return func() error { return nil }, nil
	case "sleep":
		if len(args) != 2 {
			return nil, &ParseError{Msg: "sleep: want one duration"}
		}
		d, err := time.ParseDuration(args[1])
		if err != nil || d < 0 {
			return nil, &ParseError{Msg: fmt.Sprintf("sleep: bad duration %q", args[1])}
		}
		return func() error { return r.c.AdvanceTo(r.c.Now().Add(d)) }, nil
	case "config":
		if len(args) != 2 {
			return nil, &ParseError{Msg: "config: want KEY=VALUE"}
		}
		k, v, ok := strings.Cut(args[1], "=")
		switch {
		case ok && k == "pod-startup" && strings.Contains(v, "~"):
			return nil, &ParseError{Msg: fmt.Sprintf("config: pod-startup jitter %q is not recorded: upstream's pods have no seeded start-up draw", v)}
		case ok && k == "pod-startup":
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, &ParseError{Msg: fmt.Sprintf("config: bad duration %q", v)}
			}
			return func() error { r.c.PodStartup = d; return nil }, nil
		case ok && k == "never-ready" && v != "":
			return func() error { r.c.NeverReady[v] = true; return nil }, nil
		case ok && k == "pod-shutdown":
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, &ParseError{Msg: fmt.Sprintf("config: bad duration %q", v)}
			}
			return func() error { r.c.PodShutdown = d; return nil }, nil
		case ok && k == "crash-loop" && v != "" && !strings.ContainsAny(v, " \t"):
			return func() error { r.c.CrashLoop[v] = true; return nil }, nil
		}
		return nil, &ParseError{Msg: fmt.Sprintf("config: unknown setting %q", args[1])}
	case "delete":
		return r.cmdDelete(args)
	case "cordon", "uncordon", "drain":
		return r.cmdNodeOp(args)
	}
	return nil, &ParseError{Msg: fmt.Sprintf("unknown command %q", args[0])}
}

// resourceArg reads `deployment/NAME` or `deployment NAME` (and the other
// spellings kubectl accepts) from positional args; it returns the name and
// how many args it used.
func resourceArg(pos []string) (string, int, error) {
	if len(pos) == 0 {
		return "", 0, fmt.Errorf("missing deployment")
	}
	kinds := map[string]bool{"deployment": true, "deployments": true, "deploy": true, "deployment.apps": true, "deployments.apps": true}
	if k, n, ok := strings.Cut(pos[0], "/"); ok {
		if !kinds[k] || n == "" {
			return "", 0, fmt.Errorf("unsupported resource %q", pos[0])
		}
		return n, 1, nil
	}
	if kinds[pos[0]] && len(pos) > 1 {
		return pos[1], 2, nil
	}
	return "", 0, fmt.Errorf("unsupported resource %q", strings.Join(pos, " "))
}

// state prints the state block: each deployment in name order with its
// ReplicaSets in ascending revision order, then nodes and pending pods.
func (r *Runner) state() {
	s := r.c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, dn := range s.sortedNames(resDeployments) {
		d := s.objs[resDeployments][dn].(*appsv1.Deployment)
		r.emit(fmt.Sprintf("state: deployment/%s replicas=%d updated=%d ready=%d available=%d unavailable=%d",
			d.Name, d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas, d.Status.UnavailableReplicas))
		var rss []*appsv1.ReplicaSet
		for _, rn := range s.sortedNames(resReplicaSets) {
			rs := s.objs[resReplicaSets][rn].(*appsv1.ReplicaSet)
			if ref := metav1.GetControllerOf(rs); ref != nil && ref.UID == d.UID {
				rss = append(rss, rs)
			}
		}
		sort.SliceStable(rss, func(i, j int) bool { return revisionOf(rss[i]) < revisionOf(rss[j]) })
		for _, rs := range rss {
			img := ""
			if cs := rs.Spec.Template.Spec.Containers; len(cs) > 0 {
				img = cs[0].Image
			}
			var spec int32
			if rs.Spec.Replicas != nil {
				spec = *rs.Spec.Replicas
			}
			line := fmt.Sprintf("state: rs/%s revision=%d replicas=%d ready=%d available=%d image=%s",
				rs.Name, revisionOf(rs), spec, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas, img)
			if t := rs.Status.TerminatingReplicas; t != nil && *t > 0 {
				line += fmt.Sprintf(" terminating=%d", *t)
			}
			r.emit(line)
		}
	}
	r.nodeState()
}

func revisionOf(rs *appsv1.ReplicaSet) int64 {
	v, err := strconv.ParseInt(rs.Annotations[deploymentutil.RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return v
}
