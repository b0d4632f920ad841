package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/scheduler"
)

// httpd is the Deployment of the seed manifests, running image.
func httpd(image string) *deployment.Deployment {
	return &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "httpd", Labels: map[string]string{"app": "httpd"}},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](3),
			Selector: &meta.Selector{MatchLabels: map[string]string{"app": "httpd"}},
			Template: pod.Template{
				Labels: map[string]string{"app": "httpd"},
				Spec: pod.Spec{Containers: []pod.Container{{
					Name:  "httpd",
					Image: image,
					Ports: []pod.Port{{ContainerPort: 80}},
				}}},
			},
		},
	}
}

func httpdLastApplied(image string) string {
	return `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"httpd"},"name":"httpd"},` +
		`"spec":{"replicas":3,"selector":{"matchLabels":{"app":"httpd"}},"template":{"metadata":{"labels":{"app":"httpd"}},` +
		`"spec":{"containers":[{"image":"` + image + `","name":"httpd","ports":[{"containerPort":80}]}]}}}}`
}

func TestLoadSeedManifests(t *testing.T) {
	for file, image := range map[string]string{
		"testdata/httpd.yml":    "httpd:2.2.31",
		"testdata/httpd.v2.yml": "httpd:2.4.17",
	} {
		t.Run(file, func(t *testing.T) {
			objs, err := Load(file)
			require.NoError(t, err)
			require.Len(t, objs, 1)
			want := Object{File: file, Document: 1, Deployment: httpd(image), LastApplied: httpdLastApplied(image)}
			assert.Equal(t, want, objs[0])
			assert.Equal(t, "Deployment", objs[0].Kind())
			assert.Equal(t, "httpd", objs[0].Name())
		})
	}
}

func TestDecodeDeploymentAndNodes(t *testing.T) {
	objs, err := Load("testdata/cluster.yml")
	require.NoError(t, err)
	require.Len(t, objs, 3)

	web := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{
			Name:        "web",
			Namespace:   "shop",
			Labels:      map[string]string{"app": "web"},
			Annotations: map[string]string{"kubernetes.io/change-cause": "first release"},
		},
		Spec: deployment.Spec{
			Replicas: deployment.Ptr[int32](4),
			Selector: &meta.Selector{
				MatchLabels: map[string]string{"app": "web"},
				MatchExpressions: []meta.Requirement{
					{Key: "tier", Operator: "In", Values: []string{"frontend", "edge"}},
					{Key: "canary", Operator: "DoesNotExist"},
				},
			},
			Template: pod.Template{
				Labels:      map[string]string{"app": "web", "tier": "frontend"},
				Annotations: map[string]string{"team": "blue"},
				Spec: pod.Spec{
					RestartPolicy: "Always",
					NodeSelector:  map[string]string{"disk": "ssd"},
					Containers: []pod.Container{
						{
							Name:     "nginx",
							Image:    "nginx:1.27",
							Ports:    []pod.Port{{Name: "http", ContainerPort: 80, HostPort: 8080, Protocol: "TCP"}},
							Env:      []pod.EnvVar{{Name: "MODE", Value: "production"}, {Name: "EMPTY"}},
							Requests: pod.Resources{MilliCPU: 250, Memory: 64 << 20},
							Limits:   pod.Resources{MilliCPU: 1000, Memory: 1_000_000_000},
						},
						{Name: "sidecar", Image: "busybox"},
					},
				},
			},
			Strategy: deployment.Strategy{
				Type: deployment.RollingUpdate,
				RollingUpdate: &deployment.RollingUpdateParams{
					MaxSurge:       deployment.Int(1),
					MaxUnavailable: deployment.Percent("10%"),
				},
			},
			MinReadySeconds:         5,
			RevisionHistoryLimit:    deployment.Ptr[int32](3),
			Paused:                  true,
			ProgressDeadlineSeconds: deployment.Ptr[int32](120),
		},
	}
	assert.Equal(t, "testdata/cluster.yml", objs[0].File)
	assert.Equal(t, 1, objs[0].Document)
	assert.Nil(t, objs[0].Node)
	assert.Equal(t, web, objs[0].Deployment)
	assert.Contains(t, objs[0].LastApplied, `"status":{"replicas":4}`, "kept, as kubectl keeps it")
	assert.True(t, strings.HasPrefix(objs[0].LastApplied, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":`), objs[0].LastApplied)

	assert.Equal(t, Object{
		File:     "testdata/cluster.yml",
		Document: 2,
		Node: &scheduler.Node{
			ObjectMeta:  meta.ObjectMeta{Name: "node-a", Labels: map[string]string{"disk": "ssd"}},
			Allocatable: scheduler.Allocatable{MilliCPU: ptr[int64](2000), Memory: ptr[int64](4 << 30), Pods: ptr[int64](110)},
		},
		LastApplied: `{"apiVersion":"v1","kind":"Node","metadata":{"labels":{"disk":"ssd"},"name":"node-a"},"status":{"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"}}}`,
	}, objs[1])
	assert.Equal(t, "Node", objs[1].Kind())
	assert.Equal(t, "node-a", objs[1].Name())

	// Document 3 is empty: skipped, but counted.
	assert.Equal(t, Object{
		File:     "testdata/cluster.yml",
		Document: 4,
		Node: &scheduler.Node{
			ObjectMeta:    meta.ObjectMeta{Name: "node-b"},
			Allocatable:   scheduler.Allocatable{MilliCPU: ptr[int64](1500), Memory: ptr[int64](2_000_000_000), Pods: ptr[int64](10)},
			Unschedulable: true,
		},
		LastApplied: `{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-b"},"spec":{"unschedulable":true},"status":{"allocatable":{"cpu":"1500m","memory":"2000000000","pods":10}}}`,
	}, objs[2])
}

func TestDecodeLeavesUnsetFieldsUnset(t *testing.T) {
	objs, err := Decode("min.yml", []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\n"))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, &deployment.Deployment{ObjectMeta: meta.ObjectMeta{Name: "m"}}, objs[0].Deployment)

	// An explicit zero stays zero, and strings that are no valid percent
	// stay strings for validation to report.
	objs, err = Decode("zero.yml", []byte(`apiVersion: apps/v1
kind: Deployment
spec:
  replicas: 0
  selector: {}
  strategy:
    rollingUpdate:
      maxSurge: "5"
      maxUnavailable: abc
`))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	d := objs[0].Deployment
	assert.Equal(t, deployment.Ptr[int32](0), d.Spec.Replicas)
	assert.Equal(t, &meta.Selector{}, d.Spec.Selector)
	assert.Equal(t, &deployment.RollingUpdateParams{MaxSurge: deployment.Percent("5"), MaxUnavailable: deployment.Percent("abc")}, d.Spec.Strategy.RollingUpdate)
	assert.Empty(t, d.Spec.Strategy.Type)
}

func TestDecodeIgnoresServerFields(t *testing.T) {
	// As `kubectl create deployment --dry-run=client -o yaml` prints it.
	objs, err := Decode("dry-run.yml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
  uid: 0c6f8a2e-1d1c-4c1e-9c55-1f2ad1b6f1a4
  resourceVersion: "42"
  generation: 3
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
      securityContext: {}
status: {}
`))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	d := objs[0].Deployment
	assert.Equal(t, "web", d.Name)
	assert.Empty(t, d.UID)
	assert.Zero(t, d.ResourceVersion)
	assert.Zero(t, d.Generation)
	assert.Equal(t, []pod.Container{{Name: "nginx", Image: "nginx"}}, d.Spec.Template.Spec.Containers)
	assert.Contains(t, objs[0].LastApplied, `"creationTimestamp":null`)
}

const deploymentHead = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"

// container is a Deployment whose one container has the given extra
// lines, indented as container fields.
func container(lines string) string {
	return deploymentHead + "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n" + lines
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, err string }{
		{"bad YAML", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [web\n",
			`x.yml: document 1: yaml: line 4: did not find expected ',' or ']'`},
		{"bad YAML line counted in the file", deploymentHead + "---\n" + deploymentHead + "\tspec: {}\n",
			`x.yml: document 2: yaml: line 10: found a tab character that violates indentation`},
		{"tab", "apiVersion: v1\n\tkind: Node\n",
			`x.yml: document 1: yaml: line 2: found a tab character that violates indentation`},
		{"duplicate key", deploymentHead + "spec:\n  replicas: 1\n  replicas: 2\n",
			`x.yml: document 1: yaml: line 7: key "replicas" already set in map`},
		{"bad separator", deploymentHead + "--- apiVersion: v1\n",
			`x.yml: document 1: line 5: invalid YAML document separator: "apiVersion: v1"`},
		{"unknown field", deploymentHead + "spec:\n  replica: 3\n",
			`x.yml: document 1: spec.replica: unknown field`},
		{"field names are case-sensitive", deploymentHead + "spec:\n  Replicas: 3\n",
			`x.yml: document 1: spec.Replicas: unknown field`},
		{"unknown container field", container("        imagePullPolicyy: Always\n"),
			`x.yml: document 1: spec.template.spec.containers[0].imagePullPolicyy: unknown field`},
		{"wrong kind", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
			`x.yml: document 1: kind: "Service" is not supported by rollsim (want apps/v1 Deployment or v1 Node)`},
		{"wrong apiVersion", "apiVersion: extensions/v1beta1\nkind: Deployment\n",
			`x.yml: document 1: apiVersion: "extensions/v1beta1" is not supported by rollsim for kind Deployment (want apps/v1)`},
		{"wrong apiVersion for a node", "apiVersion: apps/v1\nkind: Node\n",
			`x.yml: document 1: apiVersion: "apps/v1" is not supported by rollsim for kind Node (want v1)`},
		{"no kind", "apiVersion: apps/v1\nmetadata:\n  name: web\n",
			`x.yml: document 1: kind: required`},
		{"no apiVersion", "kind: Deployment\n",
			`x.yml: document 1: apiVersion: required`},
		{"kind not a string", "apiVersion: v1\nkind: [Node]\n",
			`x.yml: document 1: kind: want a string, got a list`},
		{"not an object", "- apiVersion: v1\n  kind: Node\n",
			`x.yml: document 1: not a Kubernetes object: want an object, got a list`},
		{"a scalar", "just some text\n",
			`x.yml: document 1: not a Kubernetes object: want an object, got a string`},
		{"list for an object", deploymentHead + "spec:\n  template:\n  - metadata: {}\n",
			`x.yml: document 1: spec.template: want an object, got a list`},
		{"list for a map", deploymentHead + "  labels:\n  - app\n",
			`x.yml: document 1: metadata.labels: want an object, got a list`},
		{"object for a list", container("        ports:\n          containerPort: 80\n"),
			`x.yml: document 1: spec.template.spec.containers[0].ports: want a list, got an object`},
		{"string for a number", deploymentHead + "spec:\n  replicas: \"3\"\n",
			`x.yml: document 1: spec.replicas: want an integer, got a string`},
		{"fraction for an integer", deploymentHead + "spec:\n  replicas: 1.5\n",
			`x.yml: document 1: spec.replicas: want int32, got number 1.5`},
		{"int32 overflow", deploymentHead + "spec:\n  replicas: 3000000000\n",
			`x.yml: document 1: spec.replicas: want int32, got number 3000000000`},
		{"number for a label", deploymentHead + "  labels:\n    version: 2\n",
			`x.yml: document 1: metadata.labels[version]: want a string, got number 2`},
		{"YAML 1.1 boolean for a name", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n",
			`x.yml: document 1: metadata.name: want a string, got a boolean`},
		{"YAML boolean for a label", deploymentHead + "  labels:\n    enabled: yes\n",
			`x.yml: document 1: metadata.labels[enabled]: want a string, got a boolean`},
		{"boolean for maxSurge", deploymentHead + "spec:\n  strategy:\n    rollingUpdate:\n      maxSurge: true\n",
			`x.yml: document 1: spec.strategy.rollingUpdate.maxSurge: want an int32 or a string, got a boolean`},
		{"bad quantity", container("        resources:\n          requests:\n            cpu: 1 core\n"),
			`x.yml: document 1: spec.template.spec.containers[0].resources.requests[cpu]: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`},
		{"quantity out of range", container("        resources:\n          limits:\n            memory: 1e999999999\n"),
			`x.yml: document 1: spec.template.spec.containers[0].resources.limits[memory]: quantity out of range`},
		{"quantity exponent too large to parse", container("        resources:\n          limits:\n            cpu: 1e999999999999\n"),
			`x.yml: document 1: spec.template.spec.containers[0].resources.limits[cpu]: quantity out of range`},
		{"quantity exponent too large to parse as a string", container("        resources:\n          limits:\n            cpu: \"5E-00001000\"\n"),
			`x.yml: document 1: spec.template.spec.containers[0].resources.limits[cpu]: quantity out of range`},
		{"node taints", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nspec:\n  taints:\n  - {key: k, effect: NoSchedule}\n",
			`x.yml: document 1: spec.taints: not supported by rollsim`},
		{"node capacity", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  capacity:\n    cpu: 2\n",
			`x.yml: document 1: status.capacity: not supported by rollsim`},
		{"node ephemeral storage", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  allocatable:\n    ephemeral-storage: 10Gi\n",
			`x.yml: document 1: status.allocatable[ephemeral-storage]: not supported by rollsim`},
		{"node pods out of range", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  allocatable:\n    pods: 5G\n",
			`x.yml: document 1: status.allocatable[pods]: quantity out of range`},
		{"node bad quantity", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  allocatable:\n    memory: lots\n",
			`x.yml: document 1: status.allocatable[memory]: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := Decode("x.yml", []byte(tc.in))
			require.Error(t, err)
			assert.Nil(t, objs)
			assert.EqualError(t, err, tc.err)
			var me *Error
			require.True(t, errors.As(err, &me), "%T", err)
			assert.Equal(t, "x.yml", me.File)
		})
	}
}

func TestErrorFields(t *testing.T) {
	node := "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nspec:\n  taints:\n  - {key: k, effect: NoSchedule}\n"
	_, err := Decode("httpd.yml", []byte(deploymentHead+"---\n"+node))
	var me *Error
	require.True(t, errors.As(err, &me))
	assert.Equal(t, &Error{File: "httpd.yml", Document: 2, Field: "spec.taints", Err: ErrNotSupported}, me)
	assert.ErrorIs(t, err, ErrNotSupported)

	_, err = Decode("httpd.yml", []byte(deploymentHead+"spec:\n  replica: 3\n"))
	assert.ErrorIs(t, err, ErrUnknownField)
}

func TestOneBadDocumentYieldsNothing(t *testing.T) {
	objs, err := Load("testdata/one-bad.yml")
	assert.Nil(t, objs)
	assert.EqualError(t, err, `testdata/one-bad.yml: document 2: spec.replica: unknown field`)

	// A bad document after good ones, and a bad separator after good
	// documents, spoil the whole file too.
	good := deploymentHead + "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n"
	objs, err = Decode("x.yml", []byte(good+"---\napiVersion: v1\nkind: Pod\n"))
	assert.Nil(t, objs)
	assert.EqualError(t, err, `x.yml: document 3: kind: "Pod" is not supported by rollsim (want apps/v1 Deployment or v1 Node)`)
	objs, err = Decode("x.yml", []byte(good+"----\n"))
	assert.Nil(t, objs)
	assert.EqualError(t, err, `x.yml: document 2: line 10: invalid YAML document separator: "-"`)
}

func TestDocumentNumbers(t *testing.T) {
	node := func(name string) string { return "apiVersion: v1\nkind: Node\nmetadata:\n  name: " + name + "\n" }
	for _, tc := range []struct {
		name, in string
		docs     []int
	}{
		{"empty file", "", nil},
		{"only comments", "# nothing\n---\n# here\n", nil},
		{"one", node("a"), []int{1}},
		{"leading separator", "---\n" + node("a"), []int{1}},
		{"leading comment and separator", "# nodes\n---  # first\n" + node("a") + "---\n" + node("b"), []int{1, 2}},
		{"empty documents count", node("a") + "---\n---\n\n---\n" + node("b") + "---\n", []int{1, 4}},
		{"CRLF", strings.ReplaceAll("---\n"+node("a")+"---\n"+node("b"), "\n", "\r\n"), []int{1, 2}},
		{"explicit null", "null\n---\n" + node("a"), []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := Decode("x.yml", []byte(tc.in))
			require.NoError(t, err)
			var docs []int
			for _, o := range objs {
				docs = append(docs, o.Document)
			}
			assert.Equal(t, tc.docs, docs)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yml")
	objs, err := Load(path)
	assert.Nil(t, objs)
	assert.EqualError(t, err, path+": no such file or directory")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	var me *Error
	require.True(t, errors.As(err, &me))
	assert.Zero(t, me.Document)
}

func TestErrorText(t *testing.T) {
	assert.Equal(t, "f.yml: document 2: spec: boom", (&Error{File: "f.yml", Document: 2, Field: "spec", Err: errors.New("boom")}).Error())
	assert.Equal(t, "f.yml: document 2: boom", (&Error{File: "f.yml", Document: 2, Err: errors.New("boom")}).Error())
	assert.Equal(t, "f.yml: boom", (&Error{File: "f.yml", Err: errors.New("boom")}).Error())
	assert.Equal(t, "f.yml: ", (&Error{File: "f.yml"}).Error())
}

func TestSeedManifestsAreTheSpecs(t *testing.T) {
	// The fixtures are copies of the seed lessons' manifests in the
	// conformance corpus; keep them so.
	for fixture, spec := range map[string]string{
		"testdata/httpd.yml":    "../conformance/testdata/corpus/classic-rolling-update/httpd.yml",
		"testdata/httpd.v2.yml": "../conformance/testdata/corpus/rollback-lesson/httpd.v2.yml",
	} {
		want, err := os.ReadFile(spec)
		require.NoError(t, err)
		got, err := os.ReadFile(fixture)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), fixture)
	}
}

func TestKubectlLastApplied(t *testing.T) {
	objs, err := Load("testdata/httpd.yml")
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"httpd"},"name":"httpd","namespace":"default"},`+
		`"spec":{"replicas":3,"selector":{"matchLabels":{"app":"httpd"}},"template":{"metadata":{"labels":{"app":"httpd"}},`+
		`"spec":{"containers":[{"image":"httpd:2.2.31","name":"httpd","ports":[{"containerPort":80}]}]}}}}`+"\n",
		objs[0].KubectlLastApplied("default"))

	objs, err = Decode("x.yml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: "{}"
    team: <blue&green>
spec:
  minReadySeconds: 10
---
apiVersion: v1
kind: Node
metadata:
  name: n1
`))
	require.NoError(t, err)
	require.Len(t, objs, 2)
	assert.Equal(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"team":"\u003cblue\u0026green\u003e"},"name":"web","namespace":"shop"},"spec":{"minReadySeconds":10}}`+"\n",
		objs[0].KubectlLastApplied("default"))
	assert.Equal(t, `{"apiVersion":"v1","kind":"Node","metadata":{"annotations":{},"name":"n1"}}`+"\n", objs[1].KubectlLastApplied("default"))
}

func ptr[T any](v T) *T { return &v }

// A Deployment's generateName, ownerReferences and finalizers, as an
// operator's or a Helm chart's carry them, are kept as the API's type.
func TestDeploymentMetadataKept(t *testing.T) {
	objs, err := Decode("x.yml", []byte(deploymentHead+"  generateName: web-\n  finalizers: [example.com/keep]\n"+
		"  ownerReferences:\n  - {apiVersion: example.com/v1, kind: App, name: web, uid: u-1, controller: true}\n"))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	m := objs[0].Deployment.Meta
	require.NotNil(t, m)
	assert.Equal(t, "web-", m.GenerateName)
	assert.Equal(t, []string{"example.com/keep"}, m.Finalizers)
	require.Len(t, m.OwnerReferences, 1)
	assert.Equal(t, "App", m.OwnerReferences[0].Kind)
	assert.True(t, *m.OwnerReferences[0].Controller)

	objs, err = Decode("x.yml", []byte(deploymentHead))
	require.NoError(t, err)
	assert.Nil(t, objs[0].Deployment.Meta, "nothing to keep")
}
