package scenario

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
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

func init() {
	handlers = map[string]handler{
		"apply":             {words: 1, flags: []flagSpec{{long: "filename", short: "f", valued: true}, recordFlag}, run: (*Runner).apply},
		"create deployment": {words: 2, flags: []flagSpec{{long: "image", valued: true}, {long: "replicas", short: "r", valued: true, parse: intFlag(32)}}, run: (*Runner).createDeployment},
		"set image":         {words: 2, flags: []flagSpec{recordFlag}, run: (*Runner).setImage},
		"scale":             {words: 1, flags: []flagSpec{{long: "replicas", valued: true, parse: intFlag(32)}, recordFlag}, run: (*Runner).scale},
		"rollout status": {words: 2, flags: []flagSpec{{long: "timeout", valued: true, parse: durationFlag},
			{long: "revision", valued: true, parse: intFlag(64)}, {long: "watch", short: "w", parse: boolFlag}}, run: (*Runner).rolloutStatus},
		"rollout history": {words: 2, flags: []flagSpec{{long: "revision", valued: true, parse: intFlag(64)}}, run: (*Runner).rolloutHistory},
		"rollout undo":    {words: 2, flags: []flagSpec{{long: "to-revision", valued: true, parse: intFlag(64)}}, run: (*Runner).rolloutUndo},
		"rollout pause":   {words: 2, run: (*Runner).rolloutPause},
		"rollout resume":  {words: 2, run: (*Runner).rolloutResume},
		"rollout restart": {words: 2, run: (*Runner).rolloutRestart},
		"get":             {words: 1, run: (*Runner).get},
		"describe":        {words: 1, run: (*Runner).describe},
		"sleep":           {words: 1, run: (*Runner).sleep, args: sleepArgs},
		"config":          {words: 1, run: (*Runner).config, args: configArgs},
		"delete pod":      {words: 2, run: (*Runner).deletePod},
		"delete node":     {words: 2, run: (*Runner).deleteNode},
		"cordon":          {words: 1, run: (*Runner).cordon},
		"uncordon":        {words: 1, run: (*Runner).uncordon},
		"drain":           {words: 1, run: (*Runner).drain},
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

// live returns the named Deployment or kubectl's NotFound error.
func (r *Runner) live(name string) (*deployment.Deployment, error) {
	d, err := r.c.Deployment("", name)
	if err != nil {
		return nil, notFound(err)
	}
	return d, nil
}

func notFound(err error) error {
	var nf *meta.NotFoundError
	if errors.As(err, &nf) {
		return fmt.Errorf("Error from server (NotFound): %s", nf.Error())
	}
	return err
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
	labels := map[string]string{"app": name}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
		Spec: deployment.Spec{
			Replicas: &replicas,
			Selector: &meta.Selector{MatchLabels: map[string]string{"app": name}},
			Template: pod.Template{Labels: map[string]string{"app": name}, Spec: pod.Spec{
				Containers: []pod.Container{{Name: containerNameFor(image), Image: image}},
			}},
		},
	}
	if _, err := r.c.CreateDeployment(d); err != nil {
		// kubectl create deployment wraps the API server's error.
		return fmt.Errorf("failed to create deployment: %s", err.Error())
	}
	r.out("deployment.apps/" + name + " created")
	return nil
}

// containerNameFor names a container after its image, as `kubectl create
// deployment` does: the last path segment without tag or digest.
func containerNameFor(image string) string {
	name := image[strings.LastIndexByte(image, '/')+1:]
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	return strings.ReplaceAll(name, "_", "-")
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
	if len(rest) == 0 {
		return fmt.Errorf("at least one image update is required")
	}
	record, err := recorded(a)
	if err != nil {
		return err
	}
	d, err := r.live(name)
	if err != nil {
		return err
	}
	nd := d.Clone()
	for _, kv := range rest {
		cname, image, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("all resources must be specified before image changes: %s", kv)
		}
		found := false
		for i := range nd.Spec.Template.Spec.Containers {
			ct := &nd.Spec.Template.Spec.Containers[i]
			if cname == "*" || ct.Name == cname {
				ct.Image = image
				found = true
			}
		}
		if !found {
			return fmt.Errorf("unable to find container named %q", cname)
		}
	}
	if record {
		// kubectl records the command in the same patch: a new
		// change-cause alone makes a change worth sending.
		nd.SetAnnotation(deployment.ChangeCauseAnnotation, changeCause(ln.Words[:2], a))
	}
	if nd.Spec.Template.EqualIgnoringHash(&d.Spec.Template) && maps.Equal(nd.Annotations, d.Annotations) {
		return nil
	}
	if _, err := r.c.UpdateDeployment(nd); err != nil {
		return err
	}
	r.out(kubectl.ResultLine(name, "image updated"))
	return nil
}

func (r *Runner) scale(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	name, err := deploymentArg(a)
	if err != nil {
		return err
	}
	v, ok := a.get("replicas")
	n, perr := strconv.ParseInt(v, 10, 32)
	if !ok || perr != nil || n < 0 {
		return fmt.Errorf("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	}
	record, err := recorded(a)
	if err != nil {
		return err
	}
	d, err := r.live(name)
	if err != nil {
		return err
	}
	nd := d.Clone()
	nd.Spec.Replicas = deployment.Ptr(int32(n))
	if _, err := r.c.UpdateDeployment(nd); err != nil {
		return err
	}
	if record {
		d, _ := r.c.Deployment("", name)
		d.SetAnnotation(deployment.ChangeCauseAnnotation, changeCause(ln.Words[:1], a))
		if _, err := r.c.UpdateDeployment(d); err != nil {
			return err
		}
	}
	r.out(kubectl.ResultLine(name, "scaled"))
	return nil
}

func (r *Runner) rolloutHistory(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	name, err := deploymentArg(a)
	if err != nil {
		return err
	}
	var rev int64
	if v, ok := a.get("revision"); ok {
		if rev, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("invalid argument %q for \"--revision\" flag: strconv.ParseInt: parsing %q: invalid syntax", v, v)
		}
	}
	if _, err := r.live(name); err != nil {
		return err
	}
	revs, _ := r.c.History("", name)
	text, err := kubectl.History(name, revs, rev)
	if err != nil {
		return err
	}
	r.outText(text)
	return nil
}

func (r *Runner) rolloutUndo(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	name, err := deploymentArg(a)
	if err != nil {
		return err
	}
	var to int64
	if v, ok := a.get("to-revision"); ok {
		if to, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("invalid argument %q for \"--to-revision\" flag: strconv.ParseInt: parsing %q: invalid syntax", v, v)
		}
	}
	if _, err := r.live(name); err != nil {
		return err
	}
	res, err := r.c.Undo("", name, to)
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

func (r *Runner) rolloutOp(ln Line, op func(ns, name string) error, done string) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	name, err := deploymentArg(a)
	if err != nil {
		return err
	}
	if _, err := r.live(name); err != nil {
		return err
	}
	if err := op("", name); err != nil {
		return err
	}
	r.out(kubectl.ResultLine(name, done))
	return nil
}

func (r *Runner) rolloutPause(ln Line) error  { return r.rolloutOp(ln, r.c.Pause, "paused") }
func (r *Runner) rolloutResume(ln Line) error { return r.rolloutOp(ln, r.c.Resume, "resumed") }
func (r *Runner) rolloutRestart(ln Line) error {
	return r.rolloutOp(ln, r.c.Restart, "restarted")
}

// rolloutStatus moves the clock from event to event until kubectl's status
// check is done or failed, nothing is left to wait for, or the timeout
// passes.
func (r *Runner) rolloutStatus(ln Line) error {
	a, err := argsOf(ln)
	if err != nil {
		return err
	}
	name, err := deploymentArg(a)
	if err != nil {
		return err
	}
	var timeout time.Duration
	if v, ok := a.get("timeout"); ok {
		if timeout, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("invalid argument %q for \"--timeout\" flag: time: invalid duration %q", v, v)
		}
	}
	if _, err := r.live(name); err != nil {
		return err
	}
	end := r.c.Now().Add(timeout)
	last := ""
	for {
		var st kubectl.RolloutStatus
		var inForce bool
		err := r.c.ViewDeployment("", name, func(d *deployment.Deployment) {
			st = kubectl.Status(d)
			// Time can still change the rollout's outcome while its
			// progress deadline can pass or pods are starting.
			inForce = deadlineCanPass(d)
		})
		if err != nil {
			return notFound(err)
		}
		if !r.trace && st.Message != last && !st.Failed {
			r.out(st.Message)
		}
		last = st.Message
		switch {
		case st.Failed:
			r.flushEvents()
			return fmt.Errorf("%s", st.Message)
		case st.Done:
			r.flushEvents()
			if r.trace {
				r.out(st.Message)
			}
			return nil
		}
		next, ok := r.c.NextWakeup()
		ok = ok && (inForce || r.c.PodEventsPending())
		if timeout > 0 && (!ok || next.After(end)) {
			r.c.AdvanceTo(end)
			r.flushEvents()
			d, _ := r.live(name)
			if st := kubectl.Status(d); st.Done {
				if r.trace {
					r.out(st.Message)
				} else if st.Message != last {
					r.out(st.Message)
				}
				return nil
			} else if st.Failed {
				return fmt.Errorf("%s", st.Message)
			}
			return fmt.Errorf("timed out waiting for the condition")
		}
		if !ok {
			r.flushEvents()
			return fmt.Errorf("deployment %q has no progress deadline and nothing left to wait for", name)
		}
		r.c.Step()
		if !r.trace {
			r.flushEvents()
		}
	}
}

// deadlineCanPass tells whether waiting can still make d's progress
// deadline pass: one is set, d is not paused (upstream never checks a
// paused Deployment's deadline), and its Progressing condition says
// neither that the rollout finished nor that the deadline already passed.
// A finished rollout scaled up with pods that never become available is
// polled forever, yet can never time out.
func deadlineCanPass(d *deployment.Deployment) bool {
	if !deployment.HasProgressDeadline(d) || d.Spec.Paused {
		return false
	}
	c := d.Status.Condition(deployment.Progressing)
	return c == nil || c.Reason != deployment.ReasonNewRSAvailable && c.Reason != deployment.ReasonTimedOut
}

func (r *Runner) get(ln Line) error {
	a, err := parseArgs(ln.Words[1:], nil)
	if err != nil {
		return err
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
		text, err = kubectl.GetDeployments(r.c, name)
	case "replicasets", "replicaset", "rs", "replicasets.apps":
		text, err = kubectl.GetReplicaSets(r.c, name)
	case "pods", "pod", "po":
		text, err = kubectl.GetPods(r.c, name)
	case "nodes", "node", "no":
		text, err = kubectl.GetNodes(r.c, name)
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
	a, err := parseArgs(ln.Words[1:], nil)
	if err != nil {
		return err
	}
	var text string
	if len(a.positional) > 0 && strings.HasPrefix(a.positional[0], "pod") {
		name, _, err := resourceName(a.positional, "pod", "pods", "po")
		if err != nil {
			return err
		}
		text, err = kubectl.DescribePod(r.c, name)
		if err != nil {
			return err
		}
	} else {
		name, err := deploymentArg(a)
		if err != nil {
			return err
		}
		if text, err = kubectl.DescribeDeployment(r.c, name); err != nil {
			return err
		}
	}
	if !r.trace {
		r.outText(text)
	}
	return nil
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

// configArgs checks config's one setting.
func configArgs(words []string) error {
	if len(words) != 1 {
		return fmt.Errorf("config takes one setting: pod-startup=DURATION or never-ready=IMAGE")
	}
	k, v, _ := strings.Cut(words[0], "=")
	switch k {
	case "pod-startup":
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			return fmt.Errorf("config: invalid pod-startup duration %q", v)
		}
	case "never-ready":
		if v == "" {
			return fmt.Errorf("config: never-ready needs an image")
		}
	default:
		return fmt.Errorf("config: unknown setting %q: want pod-startup or never-ready", k)
	}
	return nil
}

func (r *Runner) config(ln Line) error {
	k, v, _ := strings.Cut(ln.Words[1], "=")
	switch k {
	case "pod-startup":
		d, _ := time.ParseDuration(v)
		r.c.SetPodStartup(d)
	case "never-ready":
		r.c.SetNeverReady(v)
	}
	return nil
}

func (r *Runner) deletePod(ln Line) error {
	if len(ln.Words) != 3 {
		return fmt.Errorf("delete pod takes one pod name")
	}
	name := ln.Words[2]
	if err := r.c.DeletePod("", name); err != nil {
		return notFound(err)
	}
	r.out(fmt.Sprintf("pod %q deleted", name))
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
