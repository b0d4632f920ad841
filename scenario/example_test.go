package scenario_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/rollsim/rollsim/scenario"
)

// manifest is a small Deployment manifest for the examples.
const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: web:1
`

// A scenario and its manifest, played from an in-memory file system. The
// transcript shows each command with the fake-clock time it ran at, what
// kubectl prints, and (after "#") the Deployment controller's events.
// `rollout status` waits, moving the clock, until the rollout is over.
func ExampleRunFS() {
	fsys := fstest.MapFS{
		"web.yml": {Data: []byte(manifest)},
		"lesson.scenario": {Data: []byte(`# A two-pod rollout and an image change.
kubectl apply -f web.yml
kubectl rollout status deployment/web
kubectl set image deployment/web web=web:2
kubectl rollout status deployment/web
kubectl get deployments
`)},
	}
	err := scenario.RunFS(fsys, "lesson.scenario", os.Stdout, scenario.Options{Trace: false})
	fmt.Println("error:", err)
	// Output:
	// [0s] $ kubectl apply -f web.yml
	// deployment.apps/web created
	//   # [0s] deployment/web: ScalingReplicaSet Scaled up replica set web-57d9664db9 from 0 to 2
	// [0s] $ kubectl rollout status deployment/web
	// Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
	// deployment "web" successfully rolled out
	// [1s] $ kubectl set image deployment/web web=web:2
	// deployment.apps/web image updated
	//   # [1s] deployment/web: ScalingReplicaSet Scaled up replica set web-654cdc8b8d from 0 to 1
	// [1s] $ kubectl rollout status deployment/web
	// Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...
	//   # [2s] deployment/web: ScalingReplicaSet Scaled down replica set web-57d9664db9 from 2 to 1
	//   # [2s] deployment/web: ScalingReplicaSet Scaled up replica set web-654cdc8b8d from 1 to 2
	// Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
	//   # [3s] deployment/web: ScalingReplicaSet Scaled down replica set web-57d9664db9 from 1 to 0
	// deployment "web" successfully rolled out
	// [3s] $ kubectl get deployments
	// NAME   READY   UP-TO-DATE   AVAILABLE   AGE
	// web    2/2     2            2           3s
	// error: <nil>
}

// Run plays a scenario file from disk, as `rollsim run` does; the
// manifests it names are read from the scenario's folder, wherever the
// program runs.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "lesson")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"web.yml":         manifest,
		"lesson.scenario": "kubectl apply -f web.yml\nsleep 5s\nkubectl get rs\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			fmt.Println(err)
			return
		}
	}
	err = scenario.Run(filepath.Join(dir, "lesson.scenario"), os.Stdout, scenario.Options{Trace: false})
	fmt.Println("error:", err)
	// Output:
	// [0s] $ kubectl apply -f web.yml
	// deployment.apps/web created
	//   # [0s] deployment/web: ScalingReplicaSet Scaled up replica set web-57d9664db9 from 0 to 2
	// [0s] $ sleep 5s
	// [5s] $ kubectl get rs
	// NAME             DESIRED   CURRENT   READY   AGE
	// web-57d9664db9   2         2         2       5s
	// error: <nil>
}

// With Trace set, the run prints the conformance trace instead: the
// commands without kubectl, their output as "out:" lines, the events, and
// after each `rollout status` and at the end the state of every
// Deployment and ReplicaSet.
func ExampleRunFS_trace() {
	fsys := fstest.MapFS{
		"web.yml":        {Data: []byte(manifest)},
		"trace.scenario": {Data: []byte("kubectl apply -f web.yml\nkubectl rollout status deployment/web\n")},
	}
	err := scenario.RunFS(fsys, "trace.scenario", os.Stdout, scenario.Options{Trace: true})
	fmt.Println("error:", err)
	// Output:
	// $ apply -f web.yml
	// out: deployment.apps/web created
	// event: Normal ScalingReplicaSet Scaled up replica set web-57d9664db9 from 0 to 2
	// $ rollout status deployment/web
	// out: deployment "web" successfully rolled out
	// state: deployment/web replicas=2 updated=2 ready=2 available=2 unavailable=0
	// state: rs/web-57d9664db9 revision=1 replicas=2 ready=2 available=2 image=web:1
	// state: deployment/web replicas=2 updated=2 ready=2 available=2 unavailable=0
	// state: rs/web-57d9664db9 revision=1 replicas=2 ready=2 available=2 image=web:1
	// error: <nil>
}

// A command that fails prints kubectl's error, and the run goes on; RunFS
// then reports ErrCommandFailed.
func ExampleRunFS_failedCommand() {
	fsys := fstest.MapFS{
		"web.yml": {Data: []byte(manifest)},
		"errors.scenario": {Data: []byte(`kubectl apply -f web.yml
kubectl rollout undo deployment/web --to-revision=3
kubectl scale deployment/nope --replicas=1
kubectl get deployments
`)},
	}
	err := scenario.RunFS(fsys, "errors.scenario", os.Stdout, scenario.Options{})
	fmt.Println("error:", err)
	// Output:
	// [0s] $ kubectl apply -f web.yml
	// deployment.apps/web created
	//   # [0s] deployment/web: ScalingReplicaSet Scaled up replica set web-57d9664db9 from 0 to 2
	// [0s] $ kubectl rollout undo deployment/web --to-revision=3
	// error: unable to find specified revision 3 in history
	// [0s] $ kubectl scale deployment/nope --replicas=1
	// Error from server (NotFound): deployments.apps "nope" not found
	// [0s] $ kubectl get deployments
	// NAME   READY   UP-TO-DATE   AVAILABLE   AGE
	// web    0/2     2            0           0s
	// error: a command failed
}

// Parse reads a scenario without running it; a line that is no command
// stops it.
func ExampleParse() {
	lines, err := scenario.Parse("x.scenario", []byte("# comment\nkubectl apply -f web.yml\n\nrollout status deployment/web\nkubectl frobnicate\n"))
	for _, ln := range lines {
		fmt.Printf("line %d: %s %q\n", ln.Number, ln.Text, ln.Words)
	}
	fmt.Println(err)
	// Output:
	// line 2: apply -f web.yml ["apply" "-f" "web.yml"]
	// line 4: rollout status deployment/web ["rollout" "status" "deployment/web"]
	// x.scenario:5: unknown command "frobnicate"
}
