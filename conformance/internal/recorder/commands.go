package recorder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	kubectlutil "k8s.io/kubectl/pkg/util"
)

var deploymentGK = schema.GroupKind{Group: "apps", Kind: "Deployment"}

// flagCmd is a cobra command carrying the flags of the kubectl command it
// stands for, so that cli-runtime's RecordFlags sees what kubectl sees.
type flagCmd struct {
	cmd    *cobra.Command
	record *genericclioptions.RecordFlags
	argv   []string
	name   string
	// err is the outcome of parsing argv, done once, when the scenario
	// is checked before it runs.
	err error
}

func newFlagCmd(name string, argv []string, withRecord bool, define func(*cobra.Command)) *flagCmd {
	fc := &flagCmd{cmd: &cobra.Command{Use: name}, argv: argv, name: name}
	fc.cmd.Flags().SetInterspersed(true)
	if define != nil {
		define(fc.cmd)
	}
	if withRecord {
		fc.record = genericclioptions.NewRecordFlags()
		fc.record.AddFlags(fc.cmd)
	}
	fc.err = fc.cmd.Flags().Parse(argv)
	return fc
}

// malformed returns a *ParseError when a flag's value is missing or does
// not parse: a mistake in the script rather than a command that fails. An
// unknown flag is left for the command to report as kubectl does.
func (fc *flagCmd) malformed() error {
	if fc.err == nil {
		return nil
	}
	msg := fc.err.Error()
	if strings.HasPrefix(msg, "invalid argument") || strings.HasPrefix(msg, "flag needs an argument") {
		return &ParseError{Msg: fc.name + ": " + msg}
	}
	return nil
}

// parse returns the positional args after the command words, or the
// flags' parse error as kubectl prints it.
func (fc *flagCmd) parse(words int) ([]string, error) {
	if err := fc.err; err != nil {
		return nil, fmt.Errorf("%v\nSee 'kubectl %s -h' for help and examples", err, fc.name)
	}
	pos := fc.cmd.Flags().Args()
	if len(pos) < words {
		return nil, fmt.Errorf("bad command")
	}
	return pos[words:], nil
}

// recorder computes the change-cause exactly as kubectl does: from the
// command line kubectl would have seen (argv[0] "kubectl").
func (fc *flagCmd) recorder() (genericclioptions.Recorder, error) {
	if fc.record == nil {
		return genericclioptions.NoopRecorder{}, nil
	}
	saved := os.Args
	os.Args = append([]string{"kubectl"}, fc.argv...)
	err := fc.record.Complete(fc.cmd)
	os.Args = saved
	if err != nil {
		return nil, err
	}
	return fc.record.ToRecorder()
}

func (r *Runner) getDeployment(name string) (*appsv1.Deployment, error) {
	d, err := r.c.srv.client.AppsV1().Deployments(metav1.NamespaceDefault).Get(context.TODO(), name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	d.APIVersion, d.Kind = "apps/v1", "Deployment"
	return d, nil
}

// flagCommand parses a command's flags when the scenario is checked, so
// that a malformed one stops the scenario before anything runs, and
// returns the command that runs run with them.
func (r *Runner) flagCommand(name string, argv []string, withRecord bool, define func(*cobra.Command), run func(fc *flagCmd) error) (command, error) {
	fc := newFlagCmd(name, argv, withRecord, define)
	if err := fc.malformed(); err != nil {
		return nil, err
	}
	return func() error { return run(fc) }, nil
}

// args returns the positional args after a command's words; ok is false
// once the flags' parse error is reported as kubectl prints it.
func (r *Runner) args(fc *flagCmd, words int) (pos []string, ok bool) {
	pos, err := fc.parse(words)
	if err != nil {
		r.fail(err)
		return nil, false
	}
	return pos, true
}

// target parses a command's words and reads the deployment they name, with
// what follows it; ok is false once a failure is reported as kubectl
// prints it.
func (r *Runner) target(fc *flagCmd, words int) (name string, rest []string, ok bool) {
	pos, ok := r.args(fc, words)
	if !ok {
		return "", nil, false
	}
	name, n, err := resourceArg(pos)
	if err != nil {
		r.fail(err)
		return "", nil, false
	}
	return name, pos[n:], true
}

// targetDeployment is target for a command that acts on the deployment
// as it is stored: a missing one fails the command.
func (r *Runner) targetDeployment(fc *flagCmd, words int) (string, *appsv1.Deployment, bool) {
	name, _, ok := r.target(fc, words)
	if !ok {
		return "", nil, false
	}
	d, err := r.getDeployment(name)
	if err != nil {
		r.fail(err)
		return "", nil, false
	}
	return name, d, true
}

// toRecord fetches the deployment a --record command changes and the
// recorder of its change-cause. A nil deployment with a nil error means a
// missing one, already reported as kubectl prints it.
func (r *Runner) toRecord(fc *flagCmd, name string) (*appsv1.Deployment, genericclioptions.Recorder, error) {
	d, err := r.getDeployment(name)
	if err != nil {
		r.fail(err)
		return nil, nil, nil
	}
	rec, err := fc.recorder()
	if err != nil {
		return nil, nil, err
	}
	return d, rec, nil
}

func (r *Runner) cmdApply(argv []string) (command, error) {
	var files []string
	return r.flagCommand("apply", argv, true, func(c *cobra.Command) {
		c.Flags().StringSliceVarP(&files, "filename", "f", nil, "")
	}, func(fc *flagCmd) error {
		if _, ok := r.args(fc, 1); !ok {
			return nil
		}
		if len(files) == 0 {
			r.fail(errors.New("must specify one of -f and -k"))
			return nil
		}
		rec, err := fc.recorder()
		if err != nil {
			return err
		}
		var errs []error
		for _, f := range files {
			objs, err := r.readManifests(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, u := range objs {
				if err := r.applyOne(u, rec); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if len(errs) > 0 {
			r.fail(utilerrors.NewAggregate(errs))
		}
		return nil
	})
}

func (r *Runner) readManifests(f string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(filepath.Join(r.dir, f))
	if err != nil {
		return nil, fmt.Errorf("the path %q does not exist", f)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		m := map[string]interface{}{}
		if err := dec.Decode(&m); err != nil {
			if err == io.EOF {
				break
			}
			return nil, fmt.Errorf("error parsing %s: %v", f, err)
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
	return out, nil
}

func (r *Runner) applyOne(u *unstructured.Unstructured, rec genericclioptions.Recorder) error {
	gvk := u.GroupVersionKind()
	var prefix string
	var typed runtime.Object
	var res string
	switch {
	case gvk.Group == "apps" && gvk.Version == "v1" && gvk.Kind == "Deployment":
		prefix, typed, res = "deployment.apps/", &appsv1.Deployment{}, resDeployments
	case gvk.Group == "" && gvk.Version == "v1" && gvk.Kind == "Node":
		prefix, typed, res = "node/", &corev1.Node{}, resNodes
	default:
		return fmt.Errorf("resource mapping not found for name: %q namespace: %q from %q: no matches for kind %q in version %q",
			u.GetName(), u.GetNamespace(), "", gvk.Kind, gvk.GroupVersion().String())
	}
	if err := rec.Record(u); err != nil {
		return err
	}
	modified, err := kubectlutil.GetModifiedConfiguration(u, true, unstructured.UnstructuredJSONScheme)
	if err != nil {
		return err
	}
	name := u.GetName()
	r.c.srv.mu.Lock()
	cur := r.c.srv.getLocked(res, name)
	r.c.srv.mu.Unlock()
	if cur == nil {
		if err := kubectlutil.CreateApplyAnnotation(u, unstructured.UnstructuredJSONScheme); err != nil {
			return err
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
			return err
		}
		if _, err := r.c.srv.doCreate(res, typed); err != nil {
			return err
		}
		r.out(prefix + name + " created")
		return nil
	}
	curJSON, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	original, err := kubectlutil.GetOriginalConfiguration(cur)
	if err != nil {
		return err
	}
	meta, err := strategicpatch.NewPatchMetaFromStruct(typed)
	if err != nil {
		return err
	}
	patch, err := strategicpatch.CreateThreeWayMergePatch(original, modified, curJSON, meta, true)
	if err != nil {
		return err
	}
	if string(patch) == "{}" {
		r.out(prefix + name + " unchanged")
		return nil
	}
	if _, err := r.c.srv.doPatch(res, name, types.StrategicMergePatchType, patch); err != nil {
		return err
	}
	r.out(prefix + name + " configured")
	return nil
}

func (r *Runner) cmdCreateDeployment(argv []string) (command, error) {
	var image []string
	var replicas int32
	var port int32
	return r.flagCommand("create deployment", argv, false, func(c *cobra.Command) {
		c.Flags().StringSliceVar(&image, "image", nil, "")
		c.Flags().Int32VarP(&replicas, "replicas", "r", 1, "")
		c.Flags().Int32Var(&port, "port", -1, "")
	}, func(fc *flagCmd) error {
		pos, ok := r.args(fc, 2)
		if !ok {
			return nil
		}
		if len(pos) != 1 {
			r.fail(errors.New("exactly one NAME is required"))
			return nil
		}
		if len(image) == 0 {
			r.fail(errors.New("required flag(s) \"image\" not set"))
			return nil
		}
		name := pos[0]
		labels := map[string]string{"app": name}
		d := &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec: appsv1.DeploymentSpec{
				Replicas: &replicas,
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				},
			},
		}
		for _, img := range image {
			d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, corev1.Container{
				Name: r.containerNameFor(img), Image: img,
			})
		}
		if port >= 0 && len(d.Spec.Template.Spec.Containers) > 0 {
			d.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: port}}
		}
		if _, err := r.c.srv.doCreate(resDeployments, d); err != nil {
			// kubectl create deployment wraps the API server's error.
			r.fail(fmt.Errorf("failed to create deployment: %v", err))
			return nil
		}
		r.out("deployment.apps/" + name + " created")
		return nil
	})
}

// containerNameFor names a container after its image as kubectl create
// deployment does: the last path segment without tag or digest; names with
// '_' or '.' are rewritten and get a random suffix (drawn here from the
// recorder's deterministic generator).
func (r *Runner) containerNameFor(img string) string {
	parts := strings.Split(img, "/")
	name := parts[len(parts)-1]
	if strings.Contains(name, ":") {
		name = strings.Split(name, ":")[0]
	}
	if strings.Contains(name, "@") {
		name = strings.Split(name, "@")[0]
	}
	if strings.ContainsAny(name, "_.") {
		name = strings.ReplaceAll(name, "_", "-")
		name = strings.ReplaceAll(name, ".", "-")
		r.c.srv.mu.Lock()
		name = name + "-" + r.c.srv.suffix()
		r.c.srv.mu.Unlock()
	}
	return name
}

func twoWayPatch(orig, modified *appsv1.Deployment) ([]byte, error) {
	a, err := json.Marshal(orig)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(modified)
	if err != nil {
		return nil, err
	}
	return strategicpatch.CreateTwoWayMergePatch(a, b, &appsv1.Deployment{})
}

func (r *Runner) cmdSetImage(argv []string) (command, error) {
	return r.flagCommand("set image", argv, true, nil, func(fc *flagCmd) error {
		name, pairs, ok := r.target(fc, 2)
		if !ok {
			return nil
		}
		if len(pairs) == 0 {
			r.fail(errors.New("at least one image update is required"))
			return nil
		}
		d, rec, err := r.toRecord(fc, name)
		if d == nil || err != nil {
			return err
		}
		mod := d.DeepCopy()
		var errs []error
		for _, p := range pairs {
			cname, img, ok := strings.Cut(p, "=")
			if !ok || cname == "" || img == "" {
				r.fail(fmt.Errorf("invalid image update %q", p))
				return nil
			}
			found := false
			for i := range mod.Spec.Template.Spec.InitContainers {
				if c := &mod.Spec.Template.Spec.InitContainers[i]; cname == "*" || c.Name == cname {
					c.Image, found = img, true
				}
			}
			for i := range mod.Spec.Template.Spec.Containers {
				if c := &mod.Spec.Template.Spec.Containers[i]; cname == "*" || c.Name == cname {
					c.Image, found = img, true
				}
			}
			if !found {
				errs = append(errs, fmt.Errorf("error: unable to find container named %q", cname))
			}
		}
		if err := rec.Record(mod); err != nil {
			return err
		}
		patch, err := twoWayPatch(d, mod)
		if err != nil {
			return err
		}
		if string(patch) != "{}" && len(patch) > 0 {
			if _, err := r.c.srv.doPatch(resDeployments, name, types.StrategicMergePatchType, patch); err != nil {
				errs = append(errs, fmt.Errorf("failed to patch image update to pod template: %v", err))
			} else {
				r.out("deployment.apps/" + name + " image updated")
			}
		}
		if len(errs) > 0 {
			r.fail(utilerrors.NewAggregate(errs))
		}
		return nil
	})
}

func (r *Runner) cmdScale(argv []string) (command, error) {
	var replicas int
	return r.flagCommand("scale", argv, true, func(c *cobra.Command) {
		c.Flags().IntVar(&replicas, "replicas", -1, "")
	}, func(fc *flagCmd) error {
		pos, ok := r.args(fc, 1)
		if !ok {
			return nil
		}
		if !fc.cmd.Flags().Changed("replicas") {
			r.fail(errors.New(`required flag(s) "replicas" not set`))
			return nil
		}
		if replicas < 0 {
			r.fail(errors.New("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"))
			return nil
		}
		name, _, err := resourceArg(pos)
		if err != nil {
			r.fail(err)
			return nil
		}
		d, rec, err := r.toRecord(fc, name)
		if d == nil || err != nil {
			return err
		}
		patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, replicas)
		if _, err := r.c.srv.doPatch(resDeployments, name, types.MergePatchType, []byte(patch)); err != nil {
			r.fail(err)
			return nil
		}
		// Like kubectl: the change-cause goes in with a second patch.
		if mp, err := rec.MakeRecordMergePatch(d); err == nil && len(mp) > 0 {
			if _, err := r.c.srv.doPatch(resDeployments, name, types.MergePatchType, mp); err != nil {
				r.fail(err)
				return nil
			}
		}
		r.out("deployment.apps/" + name + " scaled")
		return nil
	})
}

// cmdWithRevision builds a rollout command on one stored deployment that
// takes an int64 revision flag, as history and undo do.
func (r *Runner) cmdWithRevision(cmd, flag string, argv []string, run func(name string, d *appsv1.Deployment, revision int64) error) (command, error) {
	var revision int64
	return r.flagCommand(cmd, argv, false, func(c *cobra.Command) {
		c.Flags().Int64Var(&revision, flag, 0, "")
	}, func(fc *flagCmd) error {
		name, d, ok := r.targetDeployment(fc, 2)
		if !ok {
			return nil
		}
		return run(name, d, revision)
	})
}

func (r *Runner) cmdRolloutHistory(argv []string) (command, error) {
	return r.cmdWithRevision("rollout history", "revision", argv, func(name string, _ *appsv1.Deployment, revision int64) error {
		hv, err := polymorphichelpers.HistoryViewerFor(deploymentGK, r.c.srv.client)
		if err != nil {
			return err
		}
		info, err := hv.ViewHistory(metav1.NamespaceDefault, name, revision)
		if err != nil {
			r.fail(err)
			return nil
		}
		with := ""
		if revision > 0 {
			with = fmt.Sprintf("with revision #%d", revision)
		}
		r.out(fmt.Sprintf("deployment.apps/%s %s\n%s\n", name, with, info))
		return nil
	})
}

func (r *Runner) cmdRolloutUndo(argv []string) (command, error) {
	return r.cmdWithRevision("rollout undo", "to-revision", argv, func(name string, d *appsv1.Deployment, to int64) error {
		rb, err := polymorphichelpers.RollbackerFor(deploymentGK, r.c.srv.client)
		if err != nil {
			return err
		}
		res, err := rb.Rollback(d, nil, to, cmdutil.DryRunNone)
		if err != nil {
			r.fail(err)
			return nil
		}
		r.out("deployment.apps/" + name + " " + res)
		return nil
	})
}

func (r *Runner) cmdPauseResumeRestart(argv []string) (command, error) {
	op := argv[1]
	return r.flagCommand("rollout "+op, argv, false, nil, func(fc *flagCmd) error {
		name, d, ok := r.targetDeployment(fc, 2)
		if !ok {
			return nil
		}
		var newJSON []byte
		var perr error
		switch op {
		case "pause":
			newJSON, perr = polymorphichelpers.ObjectPauserFn(d.DeepCopy())
		case "resume":
			newJSON, perr = polymorphichelpers.ObjectResumerFn(d.DeepCopy())
		case "restart":
			newJSON, perr = r.restarted(d.DeepCopy())
		}
		if perr != nil {
			r.fail(fmt.Errorf("error: deployments.apps %q %v", name, perr))
			return nil
		}
		oldJSON, err := json.Marshal(d)
		if err != nil {
			return err
		}
		patch, err := strategicpatch.CreateTwoWayMergePatch(oldJSON, newJSON, &appsv1.Deployment{})
		if err != nil {
			return err
		}
		if string(patch) == "{}" || len(patch) == 0 {
			switch op {
			case "pause":
				r.out("deployment.apps/" + name + " already paused")
			case "resume":
				r.out("deployment.apps/" + name + " already resumed")
			case "restart":
				r.fail(fmt.Errorf("failed to create patch for %v: if restart has already been triggered within the past second, please wait before attempting to trigger another", name))
			}
			return nil
		}
		if _, err := r.c.srv.doPatch(resDeployments, name, types.StrategicMergePatchType, patch); err != nil {
			r.fail(fmt.Errorf("failed to patch: %v", err))
			return nil
		}
		word := map[string]string{"pause": "paused", "resume": "resumed", "restart": "restarted"}[op]
		r.out("deployment.apps/" + name + " " + word)
		return nil
	})
}

// restarted is kubectl's restarter with the scenario's clock in place of
// the wall clock (the annotation's value feeds the pod-template hash).
func (r *Runner) restarted(d *appsv1.Deployment) ([]byte, error) {
	if d.Spec.Paused {
		return nil, errors.New("can't restart paused deployment (run rollout resume first)")
	}
	if d.Spec.Template.Annotations == nil {
		d.Spec.Template.Annotations = map[string]string{}
	}
	d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] = r.c.Now().UTC().Format(time.RFC3339)
	return json.Marshal(d)
}

func (r *Runner) cmdRolloutStatus(argv []string) (command, error) {
	var timeout time.Duration
	var revision int64
	return r.flagCommand("rollout status", argv, false, func(c *cobra.Command) {
		c.Flags().DurationVar(&timeout, "timeout", 0, "")
		c.Flags().Int64Var(&revision, "revision", 0, "")
		c.Flags().BoolP("watch", "w", true, "")
	}, func(fc *flagCmd) error {
		defer r.state()
		name, _, ok := r.target(fc, 2)
		if !ok {
			return nil
		}
		sv, err := polymorphichelpers.StatusViewerFor(deploymentGK)
		if err != nil {
			return err
		}
		deadline := r.c.Now().Add(timeout)
		check := func() (string, bool, error) {
			d, err := r.getDeployment(name)
			if err != nil {
				return "", true, err
			}
			u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(d)
			if err != nil {
				return "", true, err
			}
			return sv.Status(&unstructured.Unstructured{Object: u}, revision)
		}
		for {
			msg, done, err := check()
			if err != nil {
				r.fail(err)
				return nil
			}
			if done {
				r.out(strings.TrimRight(msg, "\n"))
				return nil
			}
			d, _ := r.getDeployment(name)
			inForce := d != nil && deadlineCanPass(d)
			next, ok := r.c.nextTimer()
			waitable := ok && (inForce || r.c.hasPodTimers())
			if timeout > 0 && (!waitable || next.After(deadline)) {
				if err := r.c.AdvanceTo(deadline); err != nil {
					return err
				}
				msg, done, err := check()
				switch {
				case err != nil:
					r.fail(err)
				case done:
					r.out(strings.TrimRight(msg, "\n"))
				default:
					r.fail(errors.New("timed out waiting for the condition"))
				}
				return nil
			}
			if !waitable {
				r.fail(fmt.Errorf("deployment %q has no progress deadline and nothing left to wait for", name))
				return nil
			}
			if _, err := r.c.Step(); err != nil {
				return err
			}
		}
	})
}

func hasDeadline(d *appsv1.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}

// deadlineCanPass tells whether waiting can still make the Deployment's
// progress deadline pass: one is set, the Deployment is not paused
// (upstream never checks a paused Deployment's deadline), and its
// Progressing condition says neither that the rollout finished nor that
// the deadline already passed. A finished rollout scaled up with pods that
// never become available is polled forever yet can never time out.
func deadlineCanPass(d *appsv1.Deployment) bool {
	if !hasDeadline(d) || d.Spec.Paused {
		return false
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing {
			return c.Reason != "NewReplicaSetAvailable" && c.Reason != "ProgressDeadlineExceeded"
		}
	}
	return true
}

func (r *Runner) cmdDelete(argv []string) (command, error) {
	if len(argv) != 3 || (argv[1] != "pod" && argv[1] != "node" && argv[1] != "pods" && argv[1] != "nodes") {
		if len(argv) == 2 && strings.Contains(argv[1], "/") {
			k, n, _ := strings.Cut(argv[1], "/")
			argv = []string{"delete", k, n}
		} else {
			return nil, &ParseError{Msg: "delete: want 'delete pod NAME' or 'delete node NODE'"}
		}
	}
	kind, name := strings.TrimSuffix(argv[1], "s"), argv[2]
	return func() error {
		if kind == "node" {
			return r.deleteNode(name)
		}
		err := r.c.srv.client.CoreV1().Pods(metav1.NamespaceDefault).Delete(context.TODO(), name, metav1.DeleteOptions{})
		if err != nil {
			if apierrors.IsNotFound(err) {
				r.fail(err)
				return nil
			}
			return err
		}
		r.out(fmt.Sprintf("pod %q deleted from default namespace", name))
		return nil
	}, nil
}
