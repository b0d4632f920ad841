package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
)

// Options configures a run.
type Options struct {
	// Trace selects the conformance trace instead of the human transcript.
	Trace bool
	// Seed seeds the cluster (pod names and UIDs); 0 means DefaultSeed.
	Seed uint64
	// Observer, when set, is shown the run as it goes: a recorder of a
	// run's timeline needs the cluster before the first command writes
	// anything, and each command with the fake time it took.
	Observer Observer
	// DeploymentSync, when set, replaces the Deployment controller's
	// sync, as rollsim.Config.DeploymentSync does: to play scenarios
	// against a controller of one's own.
	DeploymentSync func(env deployment.Env, d *deployment.Deployment) error
}

// Observer watches a run from outside the transcript.
type Observer interface {
	// Start is called with the run's cluster before the first command.
	Start(c *rollsim.Cluster)
	// Exec is called after each command with the fake instants it began
	// and ended at and whether it failed.
	Exec(ln Line, start, end time.Time, failed bool)
}

// DefaultSeed is the seed of a run whose Options leave it 0: with it, pods
// get the names the conformance recorder's API server gives them.
const DefaultSeed = 1

// ErrCommandFailed reports that at least one command of a run failed (and
// printed kubectl's error); the run itself went on to the end.
var ErrCommandFailed = errors.New("a command failed")

// Runner plays scenario lines against one cluster.
type Runner struct {
	c       *rollsim.Cluster
	fsys    fs.FS
	w       io.Writer
	trace   bool
	pending []rollsim.Event
	failed  bool
	obs     Observer
	// ns is the namespace the line being run names with -n.
	ns string
}

// NewRunner returns a runner on a new cluster whose files (manifests) are
// read from fsys, writing to w.
func NewRunner(fsys fs.FS, w io.Writer, opts Options) *Runner {
	seed := opts.Seed
	if seed == 0 {
		seed = DefaultSeed
	}
	r := &Runner{c: rollsim.New(rollsim.Config{Seed: seed, DeploymentSync: opts.DeploymentSync}), fsys: fsys, w: w, trace: opts.Trace, obs: opts.Observer}
	if r.obs != nil {
		r.obs.Start(r.c)
	}
	r.c.Observe(func(e rollsim.Event) {
		if e.Kind == "Deployment" {
			r.pending = append(r.pending, e)
		}
	})
	return r
}

// Cluster returns the runner's cluster.
func (r *Runner) Cluster() *rollsim.Cluster { return r.c }

// Run plays the scenario file at path; manifests are read relative to its
// folder. See RunFS.
func Run(path string, w io.Writer, opts Options) error {
	return run(os.DirFS(filepath.Dir(path)), filepath.Base(path), path, w, opts)
}

// RunFS plays the scenario file name of fsys, writing the transcript or
// trace to w. It returns nil when every command succeeded,
// ErrCommandFailed when some printed an error, a *ParseError when a line
// is not a well-formed command (then nothing has run: the whole file is
// checked first), or the error reading the file.
func RunFS(fsys fs.FS, name string, w io.Writer, opts Options) error {
	return run(fsys, name, name, w, opts)
}

// run is RunFS with the file named in errors as the caller named it
// (shown), which may be a path outside fsys.
func run(fsys fs.FS, name, shown string, w io.Writer, opts Options) error {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			pe.Path = shown
		}
		return err
	}
	lines, err := Parse(shown, src)
	if err != nil {
		return err
	}
	r := NewRunner(fsys, w, opts)
	for _, ln := range lines {
		r.Exec(ln)
		// A control loop that never settles leaves nothing to trust.
		if err := r.c.Err(); err != nil {
			return fmt.Errorf("%s:%d: %w", ln.File, ln.Number, err)
		}
	}
	r.Finish()
	if r.failed {
		return ErrCommandFailed
	}
	return nil
}

// Exec runs one line, printing what it prints.
func (r *Runner) Exec(ln Line) {
	if r.trace {
		fmt.Fprintf(r.w, "$ %s\n", ln.Text)
	} else {
		prog := "kubectl "
		if w := ln.Words[0]; w == "sleep" || w == "config" {
			prog = ""
		}
		fmt.Fprintf(r.w, "[%s] $ %s%s\n", r.offset(r.c.Now()), prog, ln.Text)
	}
	name := commandName(ln.Words)
	start := r.c.Now()
	// The namespace the line names with -n, "" (default) when none.
	r.ns = ""
	if a, err := argsOf(ln); err == nil {
		r.ns, _ = a.get("namespace")
	}
	err := handlers[name].run(r, ln)
	if err != nil {
		r.failed = true
		r.flushEvents()
		r.out(kubectlError(err)...)
	}
	r.flushEvents()
	if r.trace && name == "rollout status" {
		r.state()
	}
	if r.obs != nil {
		r.obs.Exec(ln, start, r.c.Now(), err != nil)
	}
}

// Failed reports whether any command failed so far.
func (r *Runner) Failed() bool { return r.failed }

// Finish prints the closing state block of a trace.
func (r *Runner) Finish() {
	if r.trace {
		r.state()
	}
}

func (r *Runner) offset(t time.Time) string { return t.Sub(rollsim.Epoch()).String() }

// out prints lines the command prints.
func (r *Runner) out(lines ...string) {
	for _, l := range lines {
		if r.trace {
			fmt.Fprintln(r.w, strings.TrimRight("out: "+l, " \t"))
		} else {
			fmt.Fprintln(r.w, l)
		}
	}
}

// outText prints a multi-line text, its final newline not making a line.
func (r *Runner) outText(s string) {
	r.out(strings.Split(strings.TrimSuffix(s, "\n"), "\n")...)
}

// flushEvents prints the deployment events recorded since the last flush.
func (r *Runner) flushEvents() {
	for _, e := range r.pending {
		if r.trace {
			fmt.Fprintf(r.w, "event: %s %s %s\n", e.Type, e.Reason, e.Message)
		} else {
			fmt.Fprintf(r.w, "  # [%s] %s/%s: %s %s\n", r.offset(e.Time), strings.ToLower(e.Kind), e.Name, e.Reason, e.Message)
		}
	}
	r.pending = r.pending[:0]
}

// state prints the trace's state block: each deployment, its ReplicaSets
// in ascending revision order, then the nodes.
func (r *Runner) state() {
	for _, d := range r.c.Deployments() {
		st := d.Status
		fmt.Fprintf(r.w, "state: deployment/%s replicas=%d updated=%d ready=%d available=%d unavailable=%d\n",
			d.Name, st.Replicas, st.UpdatedReplicas, st.ReadyReplicas, st.AvailableReplicas, st.UnavailableReplicas)
		rss := r.c.ReplicaSetsOf(d)
		sortByRevision(rss)
		for _, rs := range rss {
			terminating := ""
			if n := rs.Status.TerminatingReplicas; n > 0 {
				terminating = fmt.Sprintf(" terminating=%d", n)
			}
			fmt.Fprintf(r.w, "state: rs/%s revision=%d replicas=%d ready=%d available=%d image=%s%s\n",
				rs.Name, rs.Revision(), rs.Spec.Replicas, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas, rs.Image(), terminating)
		}
	}
	if r.c.HasNodes() {
		for _, n := range r.c.NodeStates() {
			fmt.Fprintf(r.w, "state: node/%s pods=%d\n", n.Name, n.Pods)
		}
		fmt.Fprintf(r.w, "state: pending pods=%d\n", r.c.PendingPods())
	}
}

// kubectlError renders an error as kubectl prints it.
func kubectlError(err error) []string {
	var inv interface{ KubectlMessage() string }
	switch {
	case errors.As(err, &inv):
		return strings.Split(inv.KubectlMessage(), "\n")
	case strings.HasPrefix(err.Error(), "Error from server") || strings.HasPrefix(err.Error(), "error: "):
		return strings.Split(err.Error(), "\n")
	}
	return strings.Split("error: "+err.Error(), "\n")
}
