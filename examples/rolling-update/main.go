// Command rolling-update plays the rolling-update lesson through the
// library's API instead of a scenario file: it creates the httpd Deployment
// from httpd.yml, waits for its three pods, changes the image, and then
// moves the fake clock one timed event at a time, printing what the
// Deployment controller does at each instant.
//
//	go run ./examples/rolling-update
//
// The default strategy (25% max surge, 25% max unavailable) resolves, for
// 3 replicas, to 1 surge pod and 0 unavailable ones: a new pod starts,
// becomes Ready a second later, and only then does an old pod go.
package main

import (
	"embed"
	"fmt"
	"io"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/examples/internal/program"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/manifest"
)

// manifests holds the lesson's manifest, so the program runs from any
// directory.
//
//go:embed httpd.yml
var manifests embed.FS

func main() { program.Main("rolling-update", run) }

// run plays the lesson, writing what happens to w.
func run(w io.Writer) error {
	// A fresh cluster: no nodes (room for any number of pods), a fake
	// clock at rollsim.Epoch(), pods Ready one second after they are created.
	c := rollsim.New(rollsim.Config{})

	// Every time the Deployment controller resizes a ReplicaSet it records
	// a ScalingReplicaSet event; print them with their fake-clock offset.
	c.Observe(func(e rollsim.Event) {
		if e.Reason == "ScalingReplicaSet" {
			fmt.Fprintf(w, "  %-3s %s\n", program.Offset(e.Time), e.Message)
		}
	})

	// Read the Deployment from its manifest, as `kubectl apply -f` would.
	d, err := loadDeployment("httpd.yml")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Create deployment %s: %d replicas of %s\n", d.Name, d.DesiredReplicas(), d.Image())
	d, err = c.CreateDeployment(d)
	if err != nil {
		return err
	}
	// The stored Deployment is defaulted: the strategy is now set, and
	// MaxSurge and MaxUnavailable resolve its percentages to pod counts,
	// surge rounding up and unavailable rounding down.
	ru := d.Spec.Strategy.RollingUpdate
	fmt.Fprintf(w, "Strategy %s: maxSurge %s of %d rounds up to %d, maxUnavailable %s of %d rounds down to %d\n",
		d.Spec.Strategy.Type, ru.MaxSurge, d.DesiredReplicas(), deployment.MaxSurge(d),
		ru.MaxUnavailable, d.DesiredReplicas(), deployment.MaxUnavailable(d))
	if err := waitForRollout(w, c, d.Name); err != nil {
		return err
	}

	// Change the image, as `kubectl set image deployment/httpd
	// httpd=httpd:2.2.32` does.
	fmt.Fprintf(w, "\nUpdate the image to %s at %s\n", "httpd:2.2.32", program.Offset(c.Now()))
	if _, err := c.SetImage("", "httpd", "httpd", "httpd:2.2.32"); err != nil {
		return err
	}
	if err := waitForRollout(w, c, d.Name); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n$ kubectl get rs")
	rs, err := kubectl.GetReplicaSets(c.ReplicaSets(), kubectl.Scope{}, "", c.Now())
	if err != nil {
		return err
	}
	fmt.Fprint(w, rs)

	fmt.Fprintln(w, "\n$ kubectl rollout history deployment/httpd")
	revs, err := c.History("", "httpd")
	if err != nil {
		return err
	}
	history, err := kubectl.History("httpd", revs, 0)
	if err != nil {
		return err
	}
	fmt.Fprint(w, history)
	return nil
}

// waitForRollout waits as `kubectl rollout status` does, moving the fake
// clock from one timed event to the next (a pod becoming Ready, a
// progress check). Each time the clock moves it prints the Deployment's
// pod counts if they changed (the observer has already printed the
// controller's events), and at the end kubectl's verdict.
func waitForRollout(w io.Writer, c *rollsim.Cluster, name string) error {
	last := ""
	counts := func() {
		d, err := c.Deployment("", name)
		if err != nil {
			return
		}
		st := d.Status
		line := fmt.Sprintf("pods: %d total, %d updated, %d available", st.Replicas, st.UpdatedReplicas, st.AvailableReplicas)
		if line != last {
			fmt.Fprintf(w, "  %-3s %s\n", program.Offset(c.Now()), line)
			last = line
		}
	}
	counts()
	status, _, err := c.WaitForRollout("", name, kubectl.WaitOptions{OnClock: counts})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %-3s %s\n", program.Offset(c.Now()), status.Message)
	return nil
}

// loadDeployment reads the one Deployment of an embedded manifest.
func loadDeployment(file string) (*deployment.Deployment, error) {
	data, err := manifests.ReadFile(file)
	if err != nil {
		return nil, err
	}
	objs, err := manifest.Decode(file, data)
	if err != nil {
		return nil, err
	}
	if len(objs) != 1 || objs[0].Deployment == nil {
		return nil, fmt.Errorf("%s: want exactly one Deployment", file)
	}
	return objs[0].Deployment, nil
}
