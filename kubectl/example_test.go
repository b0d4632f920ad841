package kubectl_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/manifest"
)

// newCluster returns a cluster running three web:1 pods, rolled out.
func newCluster() *rollsim.Cluster {
	c := rollsim.New(rollsim.Config{})
	if err := kubectl.CreateDeployment(c, "", "web", "web:1", 3); err != nil {
		panic(err)
	}
	c.Advance(time.Minute)
	return c
}

// twoRevisions returns a cluster whose Deployment has rolled web:2 out
// after web:1, recorded, and its revisions.
func twoRevisions() (*rollsim.Cluster, []kubectl.Revision) {
	c := newCluster()
	setImage(c, "web:2")
	c.Advance(time.Minute)
	revs, err := kubectl.Revisions(c, "", "web")
	if err != nil {
		panic(err)
	}
	return c, revs
}

// setImage changes the Deployment's image with a change-cause, as
// `kubectl set image ... --record` does.
func setImage(c kubectl.Client, image string) {
	images := []kubectl.ContainerImage{{Container: "web", Image: image}}
	if _, err := kubectl.SetImage(c, "", "web", images, "kubectl set image deployment/web web="+image+" --record=true"); err != nil {
		panic(err)
	}
}

// History prints `kubectl rollout history` from the cluster's revisions.
// Asking for a revision that is not there (--revision=7) is an error.
func ExampleHistory() {
	_, revs := twoRevisions()
	table, _ := kubectl.History("web", revs, 0)
	// kubectl ends the header line with a space; %q shows it.
	header, body, _ := strings.Cut(table, "\n")
	fmt.Printf("%q\n%s", header, body)

	_, err := kubectl.History("web", revs, 7)
	fmt.Println("error:", err)
	// Output:
	// "deployment.apps/web "
	// REVISION  CHANGE-CAUSE
	// 1         <none>
	// 2         kubectl set image deployment/web web=web:2 --record=true
	//
	// error: unable to find the specified revision
}

// Status gives the line `kubectl rollout status` prints at each moment of
// a rollout, and whether it is over; kubectl prints it when it changes.
func ExampleStatus() {
	c := newCluster()
	setImage(c, "web:2")
	last := ""
	for {
		d, _ := c.Deployment("", "web")
		st := kubectl.Status(d)
		if st.Message != last {
			fmt.Printf("%s  %s\n", c.Now().Sub(rollsim.Epoch()), st.Message)
			last = st.Message
		}
		if st.Done || st.Failed || !c.Step() {
			break
		}
	}
	// Output:
	// 1m0s  Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...
	// 1m1s  Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...
	// 1m2s  Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
	// 1m3s  deployment "web" successfully rolled out
}

// GetReplicaSets prints `kubectl get rs`, ages taken from the fake clock.
func ExampleGetReplicaSets() {
	c := newCluster()
	setImage(c, "web:2")
	c.Advance(10 * time.Second)
	out, err := kubectl.GetReplicaSets(c.ReplicaSets(), kubectl.Scope{}, "", c.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)

	_, err = kubectl.GetReplicaSets(c.ReplicaSets(), kubectl.Scope{}, "nope", c.Now())
	fmt.Println(err)
	// Output:
	// NAME             DESIRED   CURRENT   READY   AGE
	// web-57d9664db9   0         0         0       70s
	// web-654cdc8b8d   3         3         3       10s
	// Error from server (NotFound): replicasets.apps "nope" not found
}

// ApplyFile reports what it did to each object of a manifest, as `kubectl
// apply -f` prints it; here the rollback lesson's manifests. A replica
// count the manifest sets wins over the live one that `kubectl scale`
// changed.
func ExampleApplyFile() {
	c := rollsim.New(rollsim.Config{})
	lesson := os.DirFS("../examples/rollback")
	for _, step := range []func() ([]string, error){
		func() ([]string, error) { return kubectl.ApplyFile(c, lesson, "httpd.v1.yml", "") },
		func() ([]string, error) { return kubectl.ApplyFile(c, lesson, "httpd.v1.yml", "") },
		func() ([]string, error) { return nil, kubectl.Scale(c, "", "httpd", 5, "") },
		func() ([]string, error) { return kubectl.ApplyFile(c, lesson, "httpd.v2.yml", "") },
		func() ([]string, error) { return kubectl.ApplyFile(c, lesson, "httpd.v9.yml", "") },
	} {
		lines, err := step()
		for _, l := range lines {
			fmt.Println(l)
		}
		if err != nil {
			fmt.Println("error:", err)
		}
	}
	d, _ := c.Deployment("", "httpd")
	fmt.Println(*d.Spec.Replicas, d.Image())
	// Output:
	// deployment.apps/httpd created
	// deployment.apps/httpd unchanged
	// deployment.apps/httpd configured
	// error: the path "httpd.v9.yml" does not exist
	// 3 httpd:2.4.17
}

// Apply takes manifest objects already read, such as those of
// manifest.Decode, and records a change-cause as --record does.
func ExampleApply() {
	c := rollsim.New(rollsim.Config{})
	objs, err := manifest.Load("../examples/rolling-update/httpd.yml")
	if err != nil {
		fmt.Println(err)
		return
	}
	lines, err := kubectl.Apply(c, objs, "kubectl apply --filename=httpd.yml --record=true")
	fmt.Println(lines, err)
	revs, _ := kubectl.Revisions(c, "", "httpd")
	fmt.Println(revs[0].ChangeCause)
	// Output:
	// [deployment.apps/httpd created] <nil>
	// kubectl apply --filename=httpd.yml --record=true
}

// ApplyDeployment applies a Deployment built in Go: the fields it sets are
// what its manifest would say. Labels the previous configuration set and
// this one drops are removed; labels set by other hands stay.
func ExampleApplyDeployment() {
	c := newCluster()
	d, _ := c.Deployment("", "web")
	d.Labels = map[string]string{"team": "a"}
	d.Spec.Replicas = nil
	fmt.Println(kubectl.ApplyDeployment(c, d, "", ""))

	d.Labels = map[string]string{"tier": "front"}
	fmt.Println(kubectl.ApplyDeployment(c, d, "", ""))
	d, _ = c.Deployment("", "web")
	fmt.Println(d.Labels, *d.Spec.Replicas)
	// Output:
	// configured <nil>
	// configured <nil>
	// map[app:web tier:front] 3
}

// SetImage changes a container's image; "*" names every container. It
// writes nothing when the images are already those.
func ExampleSetImage() {
	c := newCluster()
	images, err := kubectl.ParseContainerImages([]string{"web=web:2"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(kubectl.SetImage(c, "", "web", images, ""))
	fmt.Println(kubectl.SetImage(c, "", "web", images, ""))
	fmt.Println(kubectl.SetImage(c, "", "web", []kubectl.ContainerImage{{Container: "db", Image: "db:2"}}, ""))
	_, err = kubectl.ParseContainerImages([]string{"web:2"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// false <nil>
	// false unable to find container named "db"
	// all resources must be specified before image changes: web:2
}

// Scale sets the replica count; a missing Deployment is kubectl's NotFound.
func ExampleScale() {
	c := newCluster()
	if err := kubectl.Scale(c, "", "web", 5, ""); err != nil {
		fmt.Println(err)
	}
	c.Advance(time.Second)
	d, _ := c.Deployment("", "web")
	fmt.Println(d.Status.AvailableReplicas)

	err := kubectl.Scale(c, "", "nope", 1, "")
	var nf *kubectl.NotFoundError
	fmt.Println(errors.As(err, &nf), err)
	// Output:
	// 5
	// true Error from server (NotFound): deployments.apps "nope" not found
}

// CreateDeployment is `kubectl create deployment`: the container is named
// after the image.
func ExampleCreateDeployment() {
	c := rollsim.New(rollsim.Config{})
	if err := kubectl.CreateDeployment(c, "", "cache", "registry.example/redis:7", 2); err != nil {
		fmt.Println(err)
		return
	}
	d, _ := c.Deployment("", "cache")
	fmt.Println(d.Spec.Template.Spec.Containers[0].Name, d.Spec.Selector)
	fmt.Println(kubectl.CreateDeployment(c, "", "cache", "redis:7", 1))
	// Output:
	// redis app=cache
	// failed to create deployment: deployments.apps "cache" already exists
}

// NewDeployment is a test's quickest start: the Deployment `kubectl create
// deployment` sends, to change before it is applied.
func ExampleNewDeployment() {
	c := rollsim.New(rollsim.Config{})
	d := kubectl.NewDeployment("", "web", "nginx:1.27", 4)
	d.Spec.MinReadySeconds = 5
	op, err := c.Apply(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, took, _ := c.WaitForRollout("", "web", kubectl.WaitOptions{})
	fmt.Println(op, st.Message, took)
	// Output:
	// created deployment "web" successfully rolled out 6s
}

// Revisions lists what `kubectl rollout history` shows, oldest first.
func ExampleRevisions() {
	_, revs := twoRevisions()
	for _, r := range revs {
		fmt.Printf("%d %s %q\n", r.Number, r.Template.Image(), r.ChangeCause)
	}
	// Output:
	// 1 web:1 ""
	// 2 web:2 "kubectl set image deployment/web web=web:2 --record=true"
}

// Undo brings back the previous revision's template (or, with a number,
// that revision's); its ReplicaSet takes the next revision number.
func ExampleUndo() {
	c, _ := twoRevisions()
	res, err := kubectl.Undo(c, "", "web", 0)
	fmt.Println(res, err)
	res, err = kubectl.Undo(c, "", "web", 3)
	fmt.Println(res, err)
	_, err = kubectl.Undo(c, "", "web", 9)
	var re *kubectl.RolloutError
	fmt.Println(errors.As(err, &re), err)
	// Output:
	// {false 0} <nil>
	// {true 3} <nil>
	// true unable to find specified revision 9 in history
}

// Pause holds template changes back; Resume lets them roll out.
func ExamplePause() {
	c := newCluster()
	if err := kubectl.Pause(c, "", "web"); err != nil {
		fmt.Println(err)
	}
	setImage(c, "web:2")
	c.Advance(time.Minute)
	revs, _ := kubectl.Revisions(c, "", "web")
	fmt.Println(len(revs), kubectl.Pause(c, "", "web"))
	// Output:
	// 1 deployments.apps "web" is already paused
}

// Resume rolls out what changed while the Deployment was paused.
func ExampleResume() {
	c := newCluster()
	_ = kubectl.Pause(c, "", "web")
	setImage(c, "web:2")
	if err := kubectl.Resume(c, "", "web"); err != nil {
		fmt.Println(err)
	}
	st, _, err := kubectl.WaitForRollout(c, "", "web", kubectl.WaitOptions{})
	fmt.Println(st.Message, err)
	fmt.Println(kubectl.Resume(c, "", "web"))
	// Output:
	// deployment "web" successfully rolled out <nil>
	// deployments.apps "web" is not paused
}

// Restart rolls the same template out again, stamped with the fake
// clock's time; twice within a second is refused.
func ExampleRestart() {
	c := newCluster()
	fmt.Println(kubectl.Restart(c, "", "web"))
	fmt.Println(kubectl.Restart(c, "", "web"))
	d, _ := c.Deployment("", "web")
	fmt.Println(d.Spec.Template.Annotations[deployment.RestartedAtAnnotation])
	// Output:
	// <nil>
	// failed to create patch for web: if restart has already been triggered within the past second, please wait before attempting to trigger another
	// 2024-01-01T00:01:00Z
}

// WaitForRollout moves the fake clock as `kubectl rollout status` waits,
// handing over each line kubectl prints; it returns the verdict and the
// fake time waited. A release whose pods never become Ready fails at its
// progress deadline, in kubectl's words.
func ExampleWaitForRollout() {
	c := newCluster()
	setImage(c, "web:2")
	show := func(st kubectl.RolloutStatus) { fmt.Println(">", st.Message) }
	st, took, err := kubectl.WaitForRollout(c, "", "web", kubectl.WaitOptions{OnStatus: show})
	fmt.Println(st.Done, took, err)

	c.SetNeverReady("web:broken")
	setImage(c, "web:broken")
	_, took, err = kubectl.WaitForRollout(c, "", "web", kubectl.WaitOptions{})
	var we *kubectl.WaitError
	fmt.Println(errors.As(err, &we), took, err)

	setImage(c, "web:3")
	_, took, err = kubectl.WaitForRollout(c, "", "web", kubectl.WaitOptions{Timeout: 500 * time.Millisecond})
	fmt.Println(took, err)
	// Output:
	// > Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...
	// > Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...
	// > Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
	// > deployment "web" successfully rolled out
	// true 3s <nil>
	// true 10m1s deployment "web" exceeded its progress deadline
	// 500ms timed out waiting for the condition
}

// The printers take objects: here the cluster's Deployments and pods, at
// the fake clock's instant. Pods show a NODE column once the cluster has
// nodes.
func ExampleGetPods() {
	c := newCluster()
	out, err := kubectl.GetDeployments(c.Deployments(), kubectl.Scope{}, "", c.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	out, err = kubectl.GetPods(c.Pods(), kubectl.Scope{}, "", c.Now(), c.HasNodes())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	// Output:
	// NAME   READY   UP-TO-DATE   AVAILABLE   AGE
	// web    3/3     3            3           60s
	// NAME                   READY   STATUS    RESTARTS   AGE
	// web-57d9664db9-7pdq7   1/1     Running   0          60s
	// web-57d9664db9-vkwmf   1/1     Running   0          60s
	// web-57d9664db9-xxrcw   1/1     Running   0          60s
}
