package manifest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func FuzzDecode(f *testing.F) {
	f.Add([]byte(deploymentHead + "spec:\n  replicas: 3\n"))
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
		}
	})
}
