package kubectl

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// Apply creates or updates every object of a manifest, as `kubectl apply
// -f` does, and returns kubectl's report, one line per object applied
// ("deployment.apps/web configured"). Deployments are merged by
// ApplyDeployment with the manifest's own configuration; Nodes need a
// NodeClient. A Batcher stores the whole manifest as one change. An object
// that fails does not stop the others: the errors are joined. cause, when
// set, is recorded as each Deployment's change-cause, as --record does.
func Apply(c Client, objs []manifest.Object, cause string) ([]string, error) {
	var lines []string
	var errs []error
	apply := func() error {
		for _, o := range objs {
			line, err := applyObject(c, &o, cause)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			lines = append(lines, line)
		}
		return nil
	}
	if b, ok := c.(Batcher); ok {
		_ = b.Batch(apply)
	} else {
		_ = apply()
	}
	return lines, errors.Join(errs...)
}

func applyObject(c Client, o *manifest.Object, cause string) (string, error) {
	switch {
	case o.Deployment != nil:
		op, err := ApplyDeployment(c, o.Deployment, o.LastApplied, cause)
		if err != nil {
			return "", err
		}
		return ResultLine(o.Deployment.Name, op), nil
	case o.Node != nil:
		nc, ok := c.(NodeClient)
		if !ok {
			return "", fmt.Errorf("%s: document %d: this client cannot apply a Node", o.File, o.Document)
		}
		op, err := nc.ApplyNode(o.Node)
		if err != nil {
			return "", err
		}
		return "node/" + o.Node.Name + " " + op, nil
	}
	return "", fmt.Errorf("%s: document %d: no object", o.File, o.Document)
}

// ApplyFile reads the manifest name from fsys and applies it as Apply
// does; a missing file is refused in kubectl's words.
func ApplyFile(c Client, fsys fs.FS, name, cause string) ([]string, error) {
	data, err := fs.ReadFile(fsys, path.Clean(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the path %q does not exist", name)
		}
		return nil, err
	}
	objs, err := manifest.Decode(name, data)
	if err != nil {
		return nil, err
	}
	return Apply(c, objs, cause)
}

// ApplyDeployment creates d, or merges it into the live Deployment the way
// kubectl's three-way merge does for the fields a manifest sets: labels
// and annotations named by the previous last-applied configuration but no
// longer by this one are removed, the rest replaced; a field neither
// configuration sets (spec.replicas left out, say) keeps its live value.
// config is the configuration as the user wrote it, in JSON (a manifest
// object's LastApplied); "" takes d's own fields, a field being set when
// it is not nil or zero. cause, when set, is recorded as the
// change-cause, as --record does. It returns "created", "configured" or
// "unchanged".
func ApplyDeployment(c Client, d *deployment.Deployment, config, cause string) (string, error) {
	if config == "" {
		config = configurationOf(d)
	}
	d = d.Clone()
	if d.Name == "" && d.Meta != nil && d.Meta.GenerateName != "" {
		return "", fmt.Errorf("from %s: cannot use generate name with apply", d.Meta.GenerateName)
	}
	if cause != "" {
		d.SetAnnotation(deployment.ChangeCauseAnnotation, cause)
		config = withAnnotation(config, deployment.ChangeCauseAnnotation, cause)
	}
	// Stored as kubectl stores it, so that two configurations kubectl
	// would store alike (one naming the default namespace, one naming
	// none) are the same change.
	config = manifest.KubectlConfiguration(config, cmp.Or(d.Namespace, meta.DefaultNamespace))
	d.SetAnnotation(deployment.LastAppliedAnnotation, config)
	live, err := c.Deployment(d.Namespace, d.Name)
	if err != nil {
		if !meta.IsNotFound(err) {
			return "", err
		}
		if _, err := c.CreateDeployment(d); err != nil {
			return "", err
		}
		return "created", nil
	}
	prev := parseApplied(live.Annotations[deployment.LastAppliedAnnotation])
	next := parseApplied(config)
	nd := live.Clone()
	nd.Labels = merge(live.Labels, prev.labels("metadata"), d.Labels)
	nd.Annotations = merge(live.Annotations, prev.annotations("metadata"), d.Annotations)
	nd.Spec = mergeSpec(&live.Spec, &d.Spec, prev, next)
	nd.Meta = mergeMeta(live.Meta, d.Meta, prev)
	deployment.Default(nd)
	if equalApplied(live, nd) {
		return "unchanged", nil
	}
	if _, err := c.UpdateDeployment(nd); err != nil {
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
	manifest.JSONObject(m, "metadata", "annotations")[key] = value
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
	return maps.Equal(a.Labels, b.Labels) && maps.Equal(a.Annotations, b.Annotations) && a.Spec.Equal(&b.Spec) &&
		equality.Semantic.DeepEqual(a.Meta, b.Meta)
}

// mergeMeta merges the owner references and finalizers of the live
// Deployment with those applied: what the configuration sets wins, and
// what the previous configuration set and this one drops goes.
func mergeMeta(live, applied *metav1.ObjectMeta, prev applied) *metav1.ObjectMeta {
	out := live.DeepCopy()
	if out == nil {
		out = &metav1.ObjectMeta{}
	}
	var want metav1.ObjectMeta
	if applied != nil {
		want = *applied
	}
	if want.OwnerReferences != nil || prev.has("metadata", "ownerReferences") {
		out.OwnerReferences = want.OwnerReferences
	}
	if want.Finalizers != nil || prev.has("metadata", "finalizers") {
		out.Finalizers = want.Finalizers
	}
	if len(out.OwnerReferences) == 0 && len(out.Finalizers) == 0 && out.GenerateName == "" {
		return nil
	}
	return out
}

// configurationOf writes what a manifest of d would say, as JSON: the
// fields of d that are set (not nil, not zero) among those the three-way
// merge consults, with containers by name, image and pull policy. It
// stands in for the manifest text when a Deployment is applied from Go.
func configurationOf(d *deployment.Deployment) string {
	md := map[string]any{"name": d.Name}
	if d.Namespace != "" {
		md["namespace"] = d.Namespace
	}
	if len(d.Labels) > 0 {
		md["labels"] = d.Labels
	}
	if a := maps.Clone(d.Annotations); len(a) > 0 {
		delete(a, deployment.LastAppliedAnnotation)
		md["annotations"] = a
	}
	s := &d.Spec
	spec := map[string]any{}
	if s.Replicas != nil {
		spec["replicas"] = *s.Replicas
	}
	if s.Selector != nil {
		spec["selector"] = s.Selector
	}
	tmd := map[string]any{}
	if len(s.Template.Labels) > 0 {
		tmd["labels"] = s.Template.Labels
	}
	if len(s.Template.Annotations) > 0 {
		tmd["annotations"] = s.Template.Annotations
	}
	var containers []map[string]string
	for _, ct := range s.Template.Spec.Containers {
		c := map[string]string{"name": ct.Name, "image": ct.Image}
		if ct.ImagePullPolicy != "" {
			c["imagePullPolicy"] = string(ct.ImagePullPolicy)
		}
		containers = append(containers, c)
	}
	spec["template"] = map[string]any{"metadata": tmd, "spec": map[string]any{"containers": containers}}
	if st := s.Strategy; st.Type != "" || st.RollingUpdate != nil {
		strategy := map[string]any{}
		if st.Type != "" {
			strategy["type"] = st.Type
		}
		if ru := st.RollingUpdate; ru != nil {
			params := map[string]any{}
			if ru.MaxSurge != nil {
				params["maxSurge"] = intOrPercent(ru.MaxSurge)
			}
			if ru.MaxUnavailable != nil {
				params["maxUnavailable"] = intOrPercent(ru.MaxUnavailable)
			}
			strategy["rollingUpdate"] = params
		}
		spec["strategy"] = strategy
	}
	if s.MinReadySeconds != 0 {
		spec["minReadySeconds"] = s.MinReadySeconds
	}
	if s.RevisionHistoryLimit != nil {
		spec["revisionHistoryLimit"] = *s.RevisionHistoryLimit
	}
	if s.Paused {
		spec["paused"] = true
	}
	if s.ProgressDeadlineSeconds != nil {
		spec["progressDeadlineSeconds"] = *s.ProgressDeadlineSeconds
	}
	b, _ := json.Marshal(map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": md, "spec": spec})
	return string(b)
}

func intOrPercent(v *deployment.IntOrPercent) any {
	if v.IsPercent {
		return v.Str
	}
	return v.Int
}
