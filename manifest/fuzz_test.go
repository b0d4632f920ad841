package manifest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rollsim/rollsim/deployment"
)

func FuzzDecode(f *testing.F) {
	f.Add([]byte(deploymentHead + "spec:\n  replicas: 3\n"))
	f.Add([]byte(webDeployment("        readinessProbe:\n          httpGet: {port: 80}\n        volumeMounts: [{name: v, mountPath: /v}]\n",
		"      volumes: [{name: v, emptyDir: {}}]\n      initContainers: [{name: i, image: busybox}]\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := Decode("fuzz.yml", data)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error is a %T, not a *Error: %v", err, err)
			}
			if me.File != "fuzz.yml" {
				t.Fatalf("error names file %q: %v", me.File, err)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("panic: %v", err)
			}
			if objs != nil {
				t.Fatalf("objects along with error %v", err)
			}
			return
		}
		last := 0
		for _, o := range objs {
			if (o.Deployment == nil) == (o.Node == nil) {
				t.Fatalf("object %d holds not exactly one of Deployment and Node", o.Document)
			}
			if o.Document <= last {
				t.Fatalf("document %d after %d", o.Document, last)
			}
			last = o.Document
			if !json.Valid([]byte(o.LastApplied)) {
				t.Fatalf("LastApplied is not JSON: %s", o.LastApplied)
			}
			if d := o.Deployment; d != nil {
				// Whatever loads is defaulted, validated, hashed and
				// compared without a panic, and equals its clone.
				c := d.Clone()
				deployment.Default(c)
				_ = deployment.Validate(c, nil)
				_ = c.Spec.Template.Hash(nil)
				if cc := c.Clone(); !cc.Spec.Template.EqualIgnoringHash(&c.Spec.Template) {
					t.Fatalf("a template differs from its clone")
				}
			}
		}
	})
}
