package kubeapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubeapi"
)

// Bad requests get the API server's statuses, never a panic.
func TestBadInput(t *testing.T) {
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
	defer h.Close()
	const deps = "/apis/apps/v1/namespaces/default/deployments"
	good := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1"}]}}}}`
	for _, c := range []struct {
		method, path, contentType, body string
		code                            int
		message                         string
	}{
		{"POST", deps, "application/json", good, 201, ""},
		{"POST", "/apis/apps/v1/namespaces/ghost/deployments", "application/json", strings.Replace(good, `"name":"web"`, `"name":"web","namespace":"ghost"`, 1), 404, `namespaces \"ghost\" not found`},
		{"GET", "/apis/apps/v1/namespaces/default/widgets", "", "", 404, "the server could not find the requested resource"},
		{"GET", "/apis/batch/v1/jobs", "", "", 404, "the server could not find the requested resource"},
		{"GET", "/api/v1/nodes/x/y/z/w", "", "", 404, "the server could not find the requested resource"},
		{"GET", "/apis/apps/v1/deployments/web", "", "", 404, ""},
		{"POST", deps, "application/json", `{"metadata":`, 400, "cannot be handled as a Deployment"},
		{"POST", deps, "application/json", `[1,2]`, 400, "cannot be handled as a Deployment"},
		{"POST", deps, "application/json", `{"metadata":{"name":"x","namespace":"other"}}`, 400, "the namespace of the provided object does not match the namespace sent on the request"},
		{"POST", deps, "application/json", `{"metadata":{"name":"x","finalizers":["a/b/c"]}}`, 422, `metadata.finalizers: Invalid value`},
		{"POST", deps, "application/json", `{"metadata":{"name":"x"},"spec":{"replicas":"three"}}`, 400, "cannot be handled as a Deployment"},
		{"POST", deps, "application/vnd.kubernetes.protobuf", "k8s\x00garbage", 400, "cannot be handled as a Deployment"},
		{"POST", deps, "application/json", `{"metadata":{"name":"x"}}`, 422, `is invalid: [spec.selector: Required value`},
		{"POST", deps + "?fieldValidation=Sometimes", "application/json", good, 400, "fieldValidation"},
		{"POST", deps + "?dryRun=All", "application/json", good, 400, "dry run"},
		{"POST", deps, "application/json", good + strings.Repeat(" ", 3<<20), 413, "Request entity too large: limit is 3145728"},
		{"PUT", deps + "/web", "application/json", strings.Replace(good, `"name":"web"`, `"name":"other"`, 1), 400, "does not match the name on the URL"},
		{"PATCH", deps + "/web", "application/json-patch+json", `{"op":"replace"}`, 400, ""},
		{"PATCH", deps + "/web", "application/json-patch+json", `[{"op":"replace","path":"/nope/0","value":1}]`, 422, ""},
		{"PATCH", deps + "/web", "application/merge-patch+json", `{"spec":{"replicas":-1}}`, 422, "must be greater than or equal to 0"},
		{"PATCH", deps + "/web", "application/strategic-merge-patch+json", `{"spec":{"template":{"spec":{"containers":"no"}}}}`, 400, ""},
		{"PATCH", deps + "/web", "application/apply-patch+yaml", `{}`, 415, "server-side apply"},
		{"PATCH", deps + "/web", "text/plain", `{}`, 415, ""},
		{"PUT", deps + "/web/scale", "application/json", `{"metadata":{"name":"web"},"spec":{"replicas":-3}}`, 422, ""},
		{"PUT", deps + "/web/status", "application/json", strings.Replace(good, `"spec"`, `"status":{"replicas":-1},"spec"`, 1), 422, "status.replicas: Invalid value: -1: must be greater than or equal to 0"},
		{"PUT", "/apis/apps/v1/namespaces/default/replicasets/x/status", "application/json", `{}`, 405, ""},
		{"GET", deps + "?labelSelector=a%3D%3D%3Db", "", "", 400, ""},
		{"GET", deps + "?fieldSelector=spec.replicas%3D1", "", "", 400, "field label not supported: spec.replicas"},
		{"GET", deps + "?resourceVersion=abc", "", "", 400, ""},
		{"GET", deps + "?resourceVersion=999999", "", "", 504, "Too large resource version"},
		{"GET", deps + "?watch=true&resourceVersion=abc", "", "", 400, ""},
		{"GET", deps + "?watch=true&sendInitialEvents=true", "", "", 400, "sendInitialEvents"},
		{"DELETE", deps + "/web?propagationPolicy=Orphan", "", "", 400, "orphan"},
		{"DELETE", deps + "/web?propagationPolicy=Sideways", "", "", 400, "Unsupported value"},
		{"DELETE", deps + "/web", "application/json", `{"preconditions":{"resourceVersion":"1"}}`, 409, "the ResourceVersion in the precondition (1) does not match the ResourceVersion in record"},
		{"DELETE", deps + "/web", "application/json", `{nope`, 400, ""},
		{"POST", "/api/v1/namespaces/default/pods", "application/json", `{}`, 405, ""},
		{"POST", "/api/v1/namespaces/default/pods/nope/eviction", "application/json", `{}`, 404, `not found`},
		{"DELETE", "/api/v1/namespaces/default/events", "", "", 405, ""},
	} {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, c.code, rec.Code, "%s %s: %s", c.method, c.path, rec.Body.String())
		require.Contains(t, rec.Body.String(), c.message, "%s %s", c.method, c.path)
		if c.code >= 400 {
			require.Contains(t, rec.Body.String(), `"kind":"Status"`, "%s %s", c.method, c.path)
		}
	}
	// The cluster is still served.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", deps+"/web", nil))
	require.Equal(t, http.StatusOK, rec.Code)
}
