package scenario

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/replicaset"
	"github.com/rollsim/rollsim/scheduler"
)

// handler runs one kind of command. An error it returns is printed as
// kubectl prints it and marks the run failed; the run goes on.
type handler struct {
	// words is how many words name the command ("rollout status": 2).
	words int
	flags []flagSpec
	run   func(r *Runner, ln Line) error
	// args, for commands that take no kubectl flags (sleep, config),
	// checks their arguments before anything runs.
	args func(words []string) error
}

var recordFlag = flagSpec{long: "record", parse: boolFlag}

var handlers map[string]handler

// namespaceFlag is kubectl's -n NAMESPACE, which the commands on one
// Deployment or pod take; the default namespace when it is left out.
var namespaceFlag = flagSpec{long: "namespace", short: "n", valued: true}

func init() {
	handlers = map[string]handler{
		"apply":             {words: 1, flags: []flagSpec{{long: "filename", short: "f", valued: true}, recordFlag}, run: (*Runner).apply},
		"create deployment": {words: 2, flags: []flagSpec{{long: "image", valued: true}, {long: "replicas", short: "r", valued: true, parse: intFlag(32)}, namespaceFlag}, run: (*Runner).createDeployment},
		"set image":         {words: 2, flags: []flagSpec{recordFlag, namespaceFlag}, run: (*Runner).setImage},
		"scale":             {words: 1, flags: []flagSpec{{long: "replicas", valued: true, parse: intFlag(32)}, recordFlag, namespaceFlag}, run: (*Runner).scale},
		"rollout status": {words: 2, flags: []flagSpec{{long: "timeout", valued: true, parse: durationFlag},
			{long: "revision", valued: true, parse: intFlag(64)}, {long: "watch", short: "w", parse: boolFlag}, namespaceFlag}, run: (*Runner).rolloutStatus},
		"rollout history": {words: 2, flags: []flagSpec{{long: "revision", valued: true, parse: intFlag(64)}, namespaceFlag}, run: (*Runner).rolloutHistory},
		"rollout undo":    {words: 2, flags: []flagSpec{{long: "to-revision", valued: true, parse: intFlag(64)}, namespaceFlag}, run: (*Runner).rolloutUndo},
		"rollout pause":   {words: 2, flags: []flagSpec{namespaceFlag}, run: (*Runner).rolloutPause},
		"rollout resume":  {words: 2, flags: []flagSpec{namespaceFlag}, run: (*Runner).rolloutResume},
		"rollout restart": {words: 2, flags: []flagSpec{namespaceFlag}, run: (*Runner).rolloutRestart},
		"get": {words: 1, flags: []flagSpec{{long: "namespace", short: "n", valued: true},
			{long: "all-namespaces", short: "A", parse: boolFlag}}, run: (*Runner).get},
		"describe":    {words: 1, flags: []flagSpec{{long: "namespace", short: "n", valued: true}}, run: (*Runner).describe},
		"sleep":       {words: 1, run: (*Runner).sleep, args: sleepArgs},
		"config":      {words: 1, run: (*Runner).config, args: configArgs},
		"delete pod":  {words: 2, flags: []flagSpec{namespaceFlag}, run: (*Runner).deletePod},
		"delete node": {words: 2, run: (*Runner).deleteNode},
		"cordon":      {words: 1, run: (*Runner).cordon},
		"uncordon":    {words: 1, run: (*Runner).uncordon},
		"drain":       {words: 1, run: (*Runner).drain},
	}
}

// argsOf parses a line's arguments against its command's flags.
func argsOf(ln Line) (args, error) {
	h := handlers[commandName(ln.Words)]
	a, err := parseArgs(ln.Words[h.words:], h.flags)
	if err != nil {
		return a, fmt.Errorf("%v\nSee 'kubectl %s --help' for usage.", err, strings.Join(ln.Words[:h.words], " "))
	}
	return a, nil
}

// deploymentArg reads the single deployment a rollout-style command names.
func deploymentArg(a args) (string, error) {
	name, rest, err := resourceName(a.positional, deploymentAliases...)
	if err != nil {
		return "", err
	}
	if len(rest) > 0 {
		return "", fmt.Errorf("unexpected arguments: %s", strings.Join(rest, " "))
	}
	return name, nil
}

// deploymentCommand parses a line of a command that acts on one
// deployment, and reads the deployment's name.
func deploymentCommand(ln Line) (args, string, error) {
	a, err := argsOf(ln)
	if err != nil {
		return a, "", err
	}
	name, err := deploymentArg(a)
	return a, name, err
}

// revisionCommand parses a line of a command on one deployment that
// takes a revision flag; kubectl rejects a revision that is not a number
// in its flag parser's words.
func revisionCommand(ln Line, flag string) (string, int64, error) {
	a, name, err := deploymentCommand(ln)
	if err != nil {
		return "", 0, err
	}
	v, ok := a.get(flag)
	if !ok {
		return name, 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("invalid argument %q for \"--%s\" flag: strconv.ParseInt: parsing %q: invalid syntax", v, flag, v)
	}
	return name, n, nil
}

// live returns the named Deployment or kubectl's NotFound error.
func (r *Runner) live(name string) (*deployment.Deployment, error) {
	d, err := r.c.Deployment(r.ns, name)
	if err != nil {
		return nil, kubectl.FromServer(err)
	}
	return d, nil
}

// apply runs `kubectl apply -f FILE [--record]`.
func (r *Runner) apply(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	if len(a.positional) > 0 {
		return fmt.Errorf("Unexpected args: %v\nSee 'kubectl apply -h' for help and examples", a.positional)
	}
	file, ok := a.get("filename")
	if !ok {
		return fmt.Errorf("must specify one of -f and -k")
	}
	cause, err := causeOf(ln.Words[:1], a)
	if err != nil {
		return err
	}
	lines, err := kubectl.ApplyFile(r.c, r.fsys, file, cause)
	r.out(lines...)
	return err
}

// causeOf returns the change-cause --record asks for, or "".
func causeOf(cmdWords []string, a args) (string, error) {
	record, err := recorded(a)
	if !record || err != nil {
		return "", err
	}
	return changeCause(cmdWords, a), nil
}

func (r *Runner) createDeployment(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	if len(a.positional) != 1 {
		return fmt.Errorf("exactly one NAME is required, got %d\nSee 'kubectl create deployment -h' for help and examples", len(a.positional))
	}
	name := a.positional[0]
	image, ok := a.get("image")
	if !ok || image == "" {
		return fmt.Errorf("required flag(s) \"image\" not set")
	}
	replicas := int32(1)
	if v, ok := a.get("replicas"); ok {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return fmt.Errorf("invalid argument %q for \"-r, --replicas\" flag: strconv.ParseInt: parsing %q: invalid syntax", v, v)
		}
		replicas = int32(n)
	}
	if err := kubectl.CreateDeployment(r.c, r.ns, name, image, replicas); err != nil {
		return err
	}
	r.out("deployment.apps/" + name + " created")
	return nil
}

func (r *Runner) setImage(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	name, rest, err := resourceName(a.positional, deploymentAliases...)
	if err != nil {
		return err
	}
	images, err := kubectl.ParseContainerImages(rest)
	if err != nil {
		return err
	}
	cause, err := causeOf(ln.Words[:2], a)
	if err != nil {
		return err
	}
	changed, err := kubectl.SetImage(r.c, r.ns, name, images, cause)
	if changed {
		r.out(kubectl.ResultLine(name, "image updated"))
	}
	return err
}

func (r *Runner) scale(ln Line) error {
	a, name, err := deploymentCommand(ln)
	if err != nil {
		return err
	}
	v, ok := a.get("replicas")
	n, perr := strconv.ParseInt(v, 10, 32)
	if !ok || perr != nil || n < 0 {
		return kubectl.ErrReplicasRequired
	}
	cause, err := causeOf(ln.Words[:1], a)
	if err != nil {
		return err
	}
	if err := kubectl.Scale(r.c, r.ns, name, int32(n), cause); err != nil {
		return err
	}
	r.out(kubectl.ResultLine(name, "scaled"))
	return nil
}

func (r *Runner) rolloutHistory(ln Line) error {
	name, rev, err := revisionCommand(ln, "revision")
	if err != nil {
		return err
	}
	revs, err := kubectl.Revisions(r.c, r.ns, name)
	if err != nil {
		return err
	}
	text, err := kubectl.History(name, revs, rev)
	if err != nil {
		return err
	}
	r.outText(text)
	return nil
}

func (r *Runner) rolloutUndo(ln Line) error {
	name, to, err := revisionCommand(ln, "to-revision")
	if err != nil {
		return err
	}
	res, err := kubectl.Undo(r.c, r.ns, name, to)
	if err != nil {
		return err
	}
	if res.Skipped {
		r.out(kubectl.ResultLine(name, fmt.Sprintf("skipped rollback (current template already matches revision %d)", res.Revision)))
		return nil
	}
	r.out(kubectl.ResultLine(name, "rolled back"))
	return nil
}

func (r *Runner) rolloutOp(ln Line, op func(c kubectl.Client, namespace, name string) error, done string) error {
	_, name, err := deploymentCommand(ln)
	if err != nil {
		return err
	}
	if err := op(r.c, r.ns, name); err != nil {
		return err
	}
	r.out(kubectl.ResultLine(name, done))
	return nil
}

func (r *Runner) rolloutPause(ln Line) error   { return r.rolloutOp(ln, kubectl.Pause, "paused") }
func (r *Runner) rolloutResume(ln Line) error  { return r.rolloutOp(ln, kubectl.Resume, "resumed") }
func (r *Runner) rolloutRestart(ln Line) error { return r.rolloutOp(ln, kubectl.Restart, "restarted") }

// rolloutStatus waits as `kubectl rollout status` does; the trace shows
// only its final verdict, after the events of the whole wait.
func (r *Runner) rolloutStatus(ln Line) error {
	a, name, err := deploymentCommand(ln)
	if err != nil {
		return err
	}
	var timeout time.Duration
	if v, ok := a.get("timeout"); ok {
		if timeout, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("invalid argument %q for \"--timeout\" flag: time: invalid duration %q", v, v)
		}
	}
	opts := kubectl.WaitOptions{Timeout: timeout}
	if v, ok := a.get("revision"); ok {
		opts.Revision, _ = strconv.ParseInt(v, 10, 64) // checked when the file was parsed
	}
	if v, ok := a.get("watch"); ok {
		opts.NoWatch = v == "false"
	}
	if !r.trace {
		// The transcript shows each line kubectl prints as it comes, with
		// the events of each moment before it.
		opts.OnStatus = func(st kubectl.RolloutStatus) { r.out(st.Message) }
		opts.OnClock = r.flushEvents
	}
	st, _, err := kubectl.WaitForRollout(r.c, r.ns, name, opts)
	r.flushEvents()
	if err != nil {
		return err
	}
	if r.trace {
		r.out(st.Message)
	}
	return nil
}

func (r *Runner) get(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	scope := kubectl.Scope{}
	scope.Namespace, _ = a.get("namespace")
	if v, ok := a.get("all-namespaces"); ok {
		scope.All = v == "true"
	}
	if len(a.positional) == 0 {
		return fmt.Errorf("You must specify the type of resource to get.")
	}
	typ, name, _ := strings.Cut(a.positional[0], "/")
	if len(a.positional) > 1 {
		name = a.positional[1]
	}
	var text string
	switch typ {
	case "deployments", "deployment", "deploy", "deployments.apps":
		text, err = kubectl.GetDeployments(r.c.Deployments(), scope, name, r.c.Now())
	case "replicasets", "replicaset", "rs", "replicasets.apps":
		text, err = kubectl.GetReplicaSets(r.c.ReplicaSets(), scope, name, r.c.Now())
	case "pods", "pod", "po":
		text, err = kubectl.GetPods(r.c.Pods(), scope, name, r.c.Now(), r.c.HasNodes())
	case "nodes", "node", "no":
		var nodes []kubectl.Node
		for _, n := range r.c.NodeStates() {
			nodes = append(nodes, kubectl.Node{Name: n.Name, Created: n.Created, Unschedulable: n.Unschedulable, Version: scheduler.KubeletVersion})
		}
		text, err = kubectl.GetNodes(nodes, name, r.c.Now())
	default:
		return fmt.Errorf("the server doesn't have a resource type %q", typ)
	}
	if err != nil {
		return err
	}
	if !r.trace {
		r.outText(text)
	}
	return nil
}

func (r *Runner) describe(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	ns, _ := a.get("namespace")
	var text string
	if len(a.positional) > 0 && strings.HasPrefix(a.positional[0], "pod") {
		name, _, err := resourceName(a.positional, "pod", "pods", "po")
		if err != nil {
			return err
		}
		p, err := r.c.Pod(ns, name)
		if err != nil {
			return kubectl.FromServer(err)
		}
		text = kubectl.DescribePod(p, r.eventsOf("Pod", p.Namespace, p.Name), r.c.Now())
	} else {
		name, err := deploymentArg(a)
		if err != nil {
			return err
		}
		d, err := r.c.Deployment(ns, name)
		if err != nil {
			return kubectl.FromServer(err)
		}
		text = kubectl.DescribeDeployment(d, r.c.ReplicaSetsOf(d), r.eventsOf("Deployment", d.Namespace, d.Name), r.c.Now())
	}
	if !r.trace {
		r.outText(text)
	}
	return nil
}

// eventsOf returns the events about one object, as a describer lists them.
func (r *Runner) eventsOf(kind, namespace, name string) []kubectl.Event {
	var out []kubectl.Event
	for _, e := range r.c.Events() {
		if e.Kind == kind && e.Namespace == namespace && e.Name == name {
			out = append(out, kubectl.Event{Time: e.Time, Type: e.Type, Reason: e.Reason, Source: e.Source, Message: e.Message})
		}
	}
	return out
}

// sleepArgs checks sleep's one argument, a duration of zero or more.
func sleepArgs(words []string) error {
	if len(words) != 1 {
		return fmt.Errorf("sleep takes one duration, such as 5s")
	}
	if d, err := time.ParseDuration(words[0]); err != nil || d < 0 {
		return fmt.Errorf("sleep: invalid duration %q", words[0])
	}
	return nil
}

func (r *Runner) sleep(ln Line) error {
	d, _ := time.ParseDuration(ln.Words[1])
	r.c.Advance(d)
	return nil
}

// configSettings lists the settings config takes, for its errors.
const configSettings = "pod-startup=DURATION[~JITTER], pod-shutdown=DURATION, never-ready=IMAGE or crash-loop=IMAGE"

// startupSetting reads pod-startup's value: a duration, optionally with
// a jitter (2s~500ms), neither negative and the jitter no larger than the
// duration.
func startupSetting(v string) (d, jitter time.Duration, err error) {
	ds, js, hasJitter := strings.Cut(v, "~")
	d, err = time.ParseDuration(ds)
	if err == nil && hasJitter {
		jitter, err = time.ParseDuration(js)
	}
	if err != nil || d < 0 || jitter < 0 || jitter > d {
		return 0, 0, fmt.Errorf("config: invalid pod-startup %q: want a duration, optionally ~ a jitter no larger than it (2s~500ms)", v)
	}
	return d, jitter, nil
}

// configArgs checks config's one setting.
func configArgs(words []string) error {
	if len(words) != 1 {
		return fmt.Errorf("config takes one setting: %s", configSettings)
	}
	k, v, _ := strings.Cut(words[0], "=")
	switch k {
	case "pod-startup":
		if _, _, err := startupSetting(v); err != nil {
			return err
		}
	case "pod-shutdown":
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			return fmt.Errorf("config: invalid pod-shutdown duration %q", v)
		}
	case "never-ready", "crash-loop":
		if v == "" {
			return fmt.Errorf("config: %s needs an image", k)
		}
	default:
		return fmt.Errorf("config: unknown setting %q: want %s", k, configSettings)
	}
	return nil
}

func (r *Runner) config(ln Line) error {
	k, v, _ := strings.Cut(ln.Words[1], "=")
	switch k {
	case "pod-startup":
		d, jitter, _ := startupSetting(v)
		r.c.SetPodStartup(d)
		r.c.SetPodStartupJitter(jitter)
	case "pod-shutdown":
		d, _ := time.ParseDuration(v)
		r.c.SetPodShutdown(d)
	case "never-ready":
		r.c.SetNeverReady(v)
	case "crash-loop":
		r.c.SetCrashLoop(v)
	}
	return nil
}

func (r *Runner) deletePod(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	if len(a.positional) != 1 {
		return fmt.Errorf("delete pod takes one pod name")
	}
	name := a.positional[0]
	if err := r.c.DeletePod(r.ns, name); err != nil {
		return kubectl.FromServer(err)
	}
	ns := r.ns
	if ns == "" {
		ns = meta.DefaultNamespace
	}
	r.out(fmt.Sprintf("pod %q deleted from %s namespace", name, ns))
	return nil
}

func sortByRevision(rss []*replicaset.ReplicaSet) {
	slices.SortStableFunc(rss, func(a, b *replicaset.ReplicaSet) int {
		ra, rb := a.Revision(), b.Revision()
		switch {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return 0
	})
}
