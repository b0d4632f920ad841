package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/yaml"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/pod"
)

// webDeployment is a working Deployment whose one container takes extra
// lines, and whose pod spec takes more after the containers.
func webDeployment(containerLines, specLines string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
` + containerLines + specLines
}

// decodeOne decodes a single Deployment and defaults it as the cluster
// does on create.
func decodeOne(t *testing.T, doc string) *deployment.Deployment {
	t.Helper()
	objs, err := Decode("x.yml", []byte(doc))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	d := objs[0].Deployment
	require.NotNil(t, d)
	deployment.Default(d)
	require.NoError(t, deployment.Validate(d, nil))
	return d
}

// Fields a new user adds to a working Deployment one at a time: each
// loads, is kept, and reads back as written.
func TestCommonFieldsLoadAndAreKept(t *testing.T) {
	for _, tc := range []struct {
		name, container, spec string
		check                 func(t *testing.T, s *corev1.PodSpec)
	}{
		{"imagePullPolicy", "        imagePullPolicy: Always\n", "", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, corev1.PullAlways, s.Containers[0].ImagePullPolicy)
		}},
		{"terminationMessagePolicy", "        terminationMessagePolicy: FallbackToLogsOnError\n", "", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, corev1.TerminationMessageFallbackToLogsOnError, s.Containers[0].TerminationMessagePolicy)
		}},
		{"dnsPolicy", "", "      dnsPolicy: Default\n", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, corev1.DNSDefault, s.DNSPolicy)
		}},
		{"terminationGracePeriodSeconds", "", "      terminationGracePeriodSeconds: 60\n", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, int64(60), *s.TerminationGracePeriodSeconds)
		}},
		{"serviceAccountName", "", "      serviceAccountName: web\n", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, "web", s.ServiceAccountName)
			assert.Equal(t, "web", s.DeprecatedServiceAccount, "defaulting keeps the old spelling in step")
		}},
		{"command", "        command: [nginx, -g, daemon off;]\n", "", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, []string{"nginx", "-g", "daemon off;"}, s.Containers[0].Command)
		}},
		{"args", "        args: [--verbose]\n", "", func(t *testing.T, s *corev1.PodSpec) {
			assert.Equal(t, []string{"--verbose"}, s.Containers[0].Args)
		}},
		{"livenessProbe", "        livenessProbe:\n          httpGet: {port: 80}\n          initialDelaySeconds: 5\n", "", func(t *testing.T, s *corev1.PodSpec) {
			p := s.Containers[0].LivenessProbe
			require.NotNil(t, p)
			assert.Equal(t, int32(5), p.InitialDelaySeconds)
			assert.Equal(t, int32(10), p.PeriodSeconds, "defaulted")
			assert.Equal(t, "/", p.HTTPGet.Path, "defaulted")
		}},
		{"readinessProbe", "        readinessProbe:\n          exec: {command: [cat, /ready]}\n          periodSeconds: 2\n          successThreshold: 2\n", "", func(t *testing.T, s *corev1.PodSpec) {
			p := s.Containers[0].ReadinessProbe
			require.NotNil(t, p)
			assert.Equal(t, int32(2), p.PeriodSeconds)
			assert.Equal(t, int32(2), p.SuccessThreshold)
			assert.Equal(t, int32(1), p.TimeoutSeconds, "defaulted")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := decodeOne(t, webDeployment(tc.container, tc.spec))
			api := d.Spec.Template.API()
			tc.check(t, &api.Spec)
			plain := decodeOne(t, webDeployment("", ""))
			assert.NotEqual(t, plain.Spec.Template.Hash(nil), d.Spec.Template.Hash(nil), "the field is part of the template")
			assert.False(t, plain.Spec.Template.EqualIgnoringHash(&d.Spec.Template))
		})
	}
}

// What `kubectl get deployment -o yaml` prints loads, and is the same
// template as the manifest it came from.
func TestServerOutputLoads(t *testing.T) {
	const got = `apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2026-01-02T03:04:05Z"
  generation: 1
  name: web
  namespace: default
  resourceVersion: "1234"
  uid: 0b6a4bd9-0e1a-4c4e-9d3a-1f5a0c1b2d3e
spec:
  progressDeadlineSeconds: 600
  replicas: 1
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.25
        imagePullPolicy: IfNotPresent
        name: web
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 1
  observedGeneration: 1
  readyReplicas: 1
  replicas: 1
  updatedReplicas: 1
`
	full := decodeOne(t, got)
	plain := decodeOne(t, webDeployment("        ports:\n        - containerPort: 80\n", ""))
	assert.True(t, plain.Spec.Template.EqualIgnoringHash(&full.Spec.Template))
	assert.Equal(t, plain.Spec.Template.Hash(nil), full.Spec.Template.Hash(nil))
}

// Every field of the template comes back from API as the API server
// stores it: the decoded k8s.io/api template, defaulted.
func TestTemplateKeptLosslessly(t *testing.T) {
	doc := webDeployment(`        command: [sh]
        args: [-c, "exec nginx"]
        workingDir: /srv
        ports:
        - {name: http, containerPort: 80, hostPort: 8080, hostIP: 127.0.0.1}
        env:
        - {name: A, value: a}
        - name: NODE
          valueFrom:
            fieldRef: {fieldPath: spec.nodeName}
        envFrom:
        - configMapRef: {name: web}
        resources:
          requests: {cpu: 250m, memory: 64Mi, ephemeral-storage: 1Gi}
          limits: {cpu: "1", memory: 128Mi, example.com/gpu: "1"}
        readinessProbe:
          tcpSocket: {port: http}
        startupProbe:
          grpc: {port: 9000}
        volumeMounts:
        - {name: data, mountPath: /data}
        securityContext:
          runAsNonRoot: true
`, `      initContainers:
      - name: init
        image: busybox:1.36
      volumes:
      - name: data
        configMap: {name: web}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions: [{key: disk, operator: In, values: [ssd]}]
      tolerations:
      - {key: dedicated, operator: Exists}
      terminationGracePeriodSeconds: 5
      nodeSelector: {zone: a}
`)
	d := decodeOne(t, doc)
	var in appsv1.Deployment
	require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &in))
	want := in.Spec.Template
	pod.DefaultAPISpec(&want.Spec)
	got := d.Spec.Template.API()
	assert.True(t, equality.Semantic.DeepEqual(want, got), "want %+v\ngot  %+v", want.Spec, got.Spec)

	// Cloning keeps it all, sharing nothing.
	c := d.Spec.Template.Clone()
	assert.True(t, c.EqualIgnoringHash(&d.Spec.Template))
	c.Spec.Extra.Volumes[0].ConfigMap.Name = "other"
	c.Spec.Containers[0].Extra.Args[0] = "-x"
	c.Spec.Containers[0].Env[1].ValueFrom.FieldRef.FieldPath = "metadata.name"
	again := d.Spec.Template.API()
	assert.True(t, equality.Semantic.DeepEqual(want, again), "the original is untouched")
	assert.False(t, c.EqualIgnoringHash(&d.Spec.Template))
}

func TestUnknownTemplateFieldsRefused(t *testing.T) {
	for _, tc := range []struct{ name, in, err string }{
		{"probe field", webDeployment("        livenessProbe:\n          httpGett: {port: 80}\n", ""),
			`x.yml: document 1: spec.template.spec.containers[0].livenessProbe.httpGett: unknown field`},
		{"pod spec field", webDeployment("", "      dnsPolicyy: Default\n"),
			`x.yml: document 1: spec.template.spec.dnsPolicyy: unknown field`},
		{"volume field", webDeployment("", "      volumes:\n      - name: v\n        emptydir: {}\n"),
			`x.yml: document 1: spec.template.spec.volumes[0].emptydir: unknown field`},
		{"wrong type", webDeployment("        args: --verbose\n", ""),
			`x.yml: document 1: spec.template.spec.containers[0].args: want a list, got a string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("x.yml", []byte(tc.in))
			assert.EqualError(t, err, tc.err)
		})
	}
}

func TestTemplateValidationMessages(t *testing.T) {
	for _, tc := range []struct{ name, container, spec, err string }{
		{"probe without handler", "        readinessProbe: {periodSeconds: 5}\n", "",
			`Deployment.apps "web" is invalid: spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type`},
		{"requests above limits", "        resources:\n          requests: {cpu: 500m}\n          limits: {cpu: 250m}\n", "",
			`Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "500m": must be less than or equal to cpu limit of 250m`},
		{"mount of no volume", "        volumeMounts: [{name: data, mountPath: /data}]\n", "",
			`Deployment.apps "web" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"`},
		{"dnsPolicy", "", "      dnsPolicy: Cluster\n",
			`Deployment.apps "web" is invalid: spec.template.spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`},
		{"liveness successThreshold", "        livenessProbe:\n          tcpSocket: {port: 80}\n          successThreshold: 2\n", "",
			`Deployment.apps "web" is invalid: spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := Decode("x.yml", []byte(webDeployment(tc.container, tc.spec)))
			require.NoError(t, err)
			d := objs[0].Deployment
			deployment.Default(d)
			assert.EqualError(t, deployment.Validate(d, nil), tc.err)
		})
	}
}
