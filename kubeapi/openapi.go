package kubeapi

import (
	"net/http"
)

// The OpenAPI documents are the least kubectl needs: the PATCH operation
// of each kind with its fieldValidation parameter, by which kubectl
// learns that the server validates fields itself (so it asks for Strict
// rather than validating on its own). They describe no schemas, so kubectl
// computes its patches from its built-in types, as it does for a server
// without them.

// openAPIIndex answers /openapi/v3: where each group version's document is.
func openAPIIndex() map[string]any {
	return map[string]any{"paths": map[string]any{
		"api/v1":       map[string]string{"serverRelativeURL": "/openapi/v3/api/v1?hash=rollsim"},
		"apis/apps/v1": map[string]string{"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=rollsim"},
	}}
}

// openAPIDocument answers /openapi/v3/GROUPVERSION.
func openAPIDocument(rs []*resource) map[string]any {
	paths := map[string]any{}
	for _, r := range rs {
		if !hasVerb(r, "create") && !hasVerb(r, "patch") {
			continue
		}
		prefix := "/api/v1/"
		if r.group != "" {
			prefix = "/apis/" + r.group + "/" + r.version + "/"
		}
		if r.namespaced {
			prefix += "namespaces/{namespace}/"
		}
		paths[prefix+r.plural+"/{name}"] = map[string]any{"patch": map[string]any{
			"operationId":                     "patch" + r.kind,
			"x-kubernetes-action":             "patch",
			"x-kubernetes-group-version-kind": map[string]string{"group": r.group, "version": r.version, "kind": r.kind},
			"parameters": []any{map[string]any{
				"name": "fieldValidation", "in": "query", "schema": map[string]string{"type": "string"},
				"description": "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.",
			}},
		}}
	}
	return map[string]any{
		"openapi": "3.0.0",
		"info":    map[string]string{"title": "Kubernetes", "version": KubeletVersion},
		"paths":   paths,
	}
}

func hasVerb(r *resource, verb string) bool {
	for _, v := range r.verbs {
		if v == verb {
			return true
		}
	}
	return false
}

func serveOpenAPI(w http.ResponseWriter, seg []string) bool {
	switch {
	case len(seg) == 2:
		writeJSON(w, http.StatusOK, openAPIIndex())
	case len(seg) == 4 && seg[2] == "api" && seg[3] == "v1":
		writeJSON(w, http.StatusOK, openAPIDocument(coreResources))
	case len(seg) == 5 && seg[2] == "apis" && seg[3] == "apps" && seg[4] == "v1":
		writeJSON(w, http.StatusOK, openAPIDocument(appsResources))
	default:
		return false
	}
	return true
}
