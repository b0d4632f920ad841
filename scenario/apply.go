package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// apply creates or updates every object of a manifest file, as `kubectl
// apply -f` does.
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
	record, err := recorded(a)
	if err != nil {
		return err
	}
	data, err := fs.ReadFile(r.fsys, path.Clean(file))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("the path %q does not exist", file)
		}
		return err
	}
	objs, err := manifest.Decode(file, data)
	if err != nil {
		return err
	}
	cause := ""
	if record {
		cause = changeCause(ln.Words[:1], a)
	}
	var errs []error
	_ = r.c.Batch(func() error {
		for _, o := range objs {
			switch {
			case o.Deployment != nil:
				op, err := r.applyDeployment(o.Deployment, o.LastApplied, cause)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				r.out("deployment.apps/" + o.Deployment.Name + " " + op)
			case o.Node != nil:
				op, err := r.c.ApplyNode(o.Node)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				r.out("node/" + o.Node.Name + " " + op)
			}
		}
		return nil
	})
	return errors.Join(errs...)
}

// applyDeployment creates d, or merges it into the live Deployment the way
// kubectl's three-way merge does for the fields a manifest sets: labels and
// annotations named by the previous last-applied configuration but no
// longer by the manifest are removed, the rest replaced; an omitted
// spec.replicas keeps the live count unless the previous configuration set
// it. It returns "created", "configured" or "unchanged".
func (r *Runner) applyDeployment(d *deployment.Deployment, lastApplied, cause string) (string, error) {
	d = d.Clone()
	if cause != "" {
		d.SetAnnotation(deployment.ChangeCauseAnnotation, cause)
		lastApplied = withAnnotation(lastApplied, deployment.ChangeCauseAnnotation, cause)
	}
	d.SetAnnotation(deployment.LastAppliedAnnotation, lastApplied)
	live, err := r.c.Deployment(d.Namespace, d.Name)
	if err != nil {
		if !meta.IsNotFound(err) {
			return "", err
		}
		if _, err := r.c.CreateDeployment(d); err != nil {
			return "", err
		}
		return "created", nil
	}
	prev := parseApplied(live.Annotations[deployment.LastAppliedAnnotation])
	next := parseApplied(lastApplied)
	nd := live.Clone()
	nd.Labels = merge(live.Labels, prev.labels("metadata"), d.Labels)
	nd.Annotations = merge(live.Annotations, prev.annotations("metadata"), d.Annotations)
	nd.Spec = mergeSpec(&live.Spec, &d.Spec, prev, next)
	deployment.Default(nd)
	if equalApplied(live, nd) {
		return "unchanged", nil
	}
	if _, err := r.c.UpdateDeployment(nd); err != nil {
		return "", err
	}
	return "configured", nil
}

// applied is a last-applied configuration: what a manifest set, as JSON.
type applied map[string]any

func parseApplied(s string) applied {
	var a applied
	_ = json.Unmarshal([]byte(s), &a)
	return a
}

// has reports whether the configuration sets the field at path.
func (a applied) has(path ...string) bool {
	var cur any = map[string]any(a)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[p]; !ok {
			return false
		}
	}
	return true
}

// strings returns the string map at path (labels or annotations).
func (a applied) strings(path ...string) map[string]string {
	var cur any = map[string]any(a)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	m, _ := cur.(map[string]any)
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, _ := v.(string)
		out[k] = s
	}
	return out
}

func (a applied) labels(at ...string) map[string]string {
	return a.strings(append(at, "labels")...)
}

func (a applied) annotations(at ...string) map[string]string {
	return a.strings(append(at, "annotations")...)
}

// mergeSpec is the spec a three-way merge gives: a field the new
// configuration sets comes from it; one only the previous configuration
// set goes back to its default; one neither set keeps its live value.
// Template labels and annotations merge key by key (so a restart's
// annotation survives an apply); the strategy's keys not in the new
// configuration are cleared, as its retainKeys patch strategy says.
func mergeSpec(live, d *deployment.Spec, prev, next applied) deployment.Spec {
	spec := d.Clone()
	keep := func(path ...string) bool {
		path = append([]string{"spec"}, path...)
		return !next.has(path...) && !prev.has(path...)
	}
	if keep("replicas") {
		spec.Replicas = live.Replicas
	}
	if keep("paused") {
		spec.Paused = live.Paused
	}
	if keep("minReadySeconds") {
		spec.MinReadySeconds = live.MinReadySeconds
	}
	if keep("revisionHistoryLimit") {
		spec.RevisionHistoryLimit = live.RevisionHistoryLimit
	}
	if keep("progressDeadlineSeconds") {
		spec.ProgressDeadlineSeconds = live.ProgressDeadlineSeconds
	}
	switch {
	case keep("strategy"):
		spec.Strategy = live.Clone().Strategy
	case next.has("spec", "strategy", "rollingUpdate") && live.Strategy.RollingUpdate != nil:
		ru, old := spec.Strategy.RollingUpdate, live.Strategy.RollingUpdate
		if ru == nil {
			ru = &deployment.RollingUpdateParams{}
			spec.Strategy.RollingUpdate = ru
		}
		if keep("strategy", "rollingUpdate", "maxSurge") {
			ru.MaxSurge = old.MaxSurge
		}
		if keep("strategy", "rollingUpdate", "maxUnavailable") {
			ru.MaxUnavailable = old.MaxUnavailable
		}
	}
	keepPullPolicies(&spec.Template, &live.Template, prev)
	tm := []string{"spec", "template", "metadata"}
	spec.Template.Labels = merge(live.Template.Labels, prev.labels(tm...), d.Template.Labels)
	spec.Template.Annotations = merge(live.Template.Annotations, prev.annotations(tm...), d.Template.Annotations)
	if len(spec.Template.Annotations) == 0 {
		spec.Template.Annotations = nil
	}
	return spec
}

// keepPullPolicies gives each container of t that neither configuration
// sets an imagePullPolicy for the live container's policy: kubectl's patch
// leaves a defaulted policy alone, so that a new image keeps the policy its
// first image gave.
func keepPullPolicies(t, live *pod.Template, prev applied) {
	for i := range t.Spec.Containers {
		c := &t.Spec.Containers[i]
		if c.ImagePullPolicy != "" || prev.containerSets(c.Name, "imagePullPolicy") {
			continue
		}
		for _, lc := range live.Spec.Containers {
			if lc.Name == c.Name {
				c.ImagePullPolicy = lc.ImagePullPolicy
			}
		}
	}
}

// containerSets reports whether the configuration sets a field of the
// template's container called name.
func (a applied) containerSets(name, field string) bool {
	var cur any = map[string]any(a)
	for _, p := range []string{"spec", "template", "spec", "containers"} {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		cur = m[p]
	}
	list, _ := cur.([]any)
	for _, e := range list {
		if c, ok := e.(map[string]any); ok && c["name"] == name {
			_, set := c[field]
			return set
		}
	}
	return false
}

// withAnnotation adds an annotation to a JSON object's metadata.
func withAnnotation(doc, key, value string) string {
	var m map[string]any
	if json.Unmarshal([]byte(doc), &m) != nil || m == nil {
		m = map[string]any{}
	}
	md, _ := m["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		m["metadata"] = md
	}
	ann, _ := md["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		md["annotations"] = ann
	}
	ann[key] = value
	b, _ := json.Marshal(m)
	return string(b)
}

// merge applies a three-way merge to a string map: keys the previous
// configuration set and the new one drops go; the new one's keys are set.
func merge(live, prev, next map[string]string) map[string]string {
	out := maps.Clone(live)
	if out == nil {
		out = map[string]string{}
	}
	for k := range prev {
		if _, ok := next[k]; !ok {
			delete(out, k)
		}
	}
	maps.Copy(out, next)
	return out
}

func equalApplied(live, next *deployment.Deployment) bool {
	a, b := live, next
	return maps.Equal(a.Labels, b.Labels) && maps.Equal(a.Annotations, b.Annotations) && a.Spec.Equal(&b.Spec)
}
