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
	nd := live.Clone()
	nd.Labels = merge(live.Labels, prev.Metadata.Labels, d.Labels)
	nd.Annotations = merge(live.Annotations, prev.Metadata.Annotations, d.Annotations)
	replicas := nd.Spec.Replicas
	nd.Spec = d.Clone().Spec
	if d.Spec.Replicas == nil && prev.Spec.Replicas == nil {
		nd.Spec.Replicas = replicas
	}
	deployment.Default(nd)
	if equalApplied(live, nd) {
		return "unchanged", nil
	}
	if _, err := r.c.UpdateDeployment(nd); err != nil {
		return "", err
	}
	return "configured", nil
}

// applied is the part of a last-applied configuration the merge reads.
type applied struct {
	Metadata struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Replicas *int32 `json:"replicas"`
	} `json:"spec"`
}

func parseApplied(s string) applied {
	var a applied
	_ = json.Unmarshal([]byte(s), &a)
	return a
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
