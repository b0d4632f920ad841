package kubeapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubeapi"
)

// FuzzRequest sends arbitrary requests: every answer is the API server's
// kind of status, and none is a fault (500).
func FuzzRequest(f *testing.F) {
	const deps = "/apis/apps/v1/namespaces/default/deployments"
	good := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1"}]}}}}`
	f.Add("POST", deps, "application/json", good)
	f.Add("PUT", deps+"/web", "application/json", good)
	f.Add("PATCH", deps+"/web", "application/merge-patch+json", `{"spec":{"replicas":3}}`)
	f.Add("PATCH", deps+"/web", "application/strategic-merge-patch+json", `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:2"}]}}}}`)
	f.Add("PATCH", deps+"/web", "application/json-patch+json", `[{"op":"add","path":"/metadata/labels/x","value":"y"}]`)
	f.Add("PUT", deps+"/web/scale", "application/json", `{"metadata":{"name":"web"},"spec":{"replicas":2}}`)
	f.Add("GET", deps+"?labelSelector=app%20in%20(web)&fieldSelector=metadata.name!%3Dx", "", "")
	f.Add("POST", "/api/v1/nodes", "application/json", `{"metadata":{"name":"n"},"status":{"allocatable":{"cpu":"2","pods":"10"}}}`)
	f.Add("PATCH", "/api/v1/nodes/n", "application/strategic-merge-patch+json", `{"spec":{"unschedulable":true}}`)
	f.Add("POST", "/api/v1/namespaces/default/pods/x/eviction", "application/json", `{}`)
	f.Add("DELETE", deps+"/web", "application/json", `{"propagationPolicy":"Foreground"}`)
	f.Fuzz(func(t *testing.T, method, path, contentType, body string) {
		if strings.Contains(path, "watch") {
			return // a watch runs until its client goes
		}
		h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
		defer h.Close()
		for _, m := range []string{"POST", method} {
			p := path
			b := body
			if m == "POST" && method != "POST" {
				p, b = deps, good
			}
			req := httptest.NewRequest("GET", "/", strings.NewReader(b))
			req.Method = m
			req.URL.Path = p
			if i := strings.IndexByte(p, '?'); i >= 0 {
				req.URL.Path, req.URL.RawQuery = p[:i], p[i+1:]
			}
			req.Header.Set("Content-Type", contentType)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 && rec.Code != 504 {
				t.Fatalf("%s %s: %d %s", m, p, rec.Code, rec.Body.String())
			}
		}
	})
}
