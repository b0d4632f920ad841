// Command rollback plays the rollback lesson through the library's API
// instead of a scenario file: it rolls out three versions of httpd, each
// with a change-cause, prints the rollout history, undoes to revision 1 and
// prints the history again.
//
//	go run ./examples/rollback
//
// Every template rolled out is kept as a ReplicaSet numbered by its
// revision. Undoing to revision 1 copies that ReplicaSet's template (and
// change-cause) back into the Deployment; the same ReplicaSet scales up
// again and takes the next number, 4, so revision 1 leaves the history.
package main

import (
	"embed"
	"fmt"
	"io"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/examples/internal/program"
	"github.com/rollsim/rollsim/kubectl"
)

// manifests holds the lesson's three manifests, so the program runs from
// any directory.
//
//go:embed httpd.v1.yml httpd.v2.yml httpd.v3.yml
var manifests embed.FS

func main() { program.Main("rollback", run) }

// run plays the lesson, writing what happens to w.
func run(w io.Writer) error {
	c := rollsim.New(rollsim.Config{})

	// Roll out v1, v2 and v3, one after the other. The change-cause
	// annotation is free text that `kubectl rollout history` shows.
	releases := []struct{ file, cause string }{
		{"httpd.v1.yml", "first release: httpd 2.4.16"},
		{"httpd.v2.yml", "upgrade to httpd 2.4.17"},
		{"httpd.v3.yml", "upgrade to httpd 2.4.18"},
	}
	for _, r := range releases {
		// `kubectl apply -f FILE`, with the change-cause recorded.
		if _, err := kubectl.ApplyFile(c, manifests, r.file, r.cause); err != nil {
			return err
		}
		if _, _, err := c.WaitForRollout("", "httpd", kubectl.WaitOptions{}); err != nil {
			return err
		}
		d, err := c.Deployment("", "httpd")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-4s %s rolled out: %s\n", program.Offset(c.Now()), r.file, d.Image())
	}

	if err := printHistory(w, c, "httpd"); err != nil {
		return err
	}

	// `kubectl rollout undo --to-revision=1`; print the controller's
	// steps as it scales revision 1's ReplicaSet back up.
	fmt.Fprintf(w, "%-4s $ kubectl rollout undo deployment/httpd --to-revision=1\n", program.Offset(c.Now()))
	c.Observe(func(e rollsim.Event) {
		if e.Reason == "ScalingReplicaSet" {
			fmt.Fprintf(w, "%-4s %s\n", program.Offset(e.Time), e.Message)
		}
	})
	res, err := c.Undo("", "httpd", 1)
	if err != nil {
		return err
	}
	if res.Skipped {
		return fmt.Errorf("revision %d is already the current template", res.Revision)
	}
	if _, _, err := c.WaitForRollout("", "httpd", kubectl.WaitOptions{}); err != nil {
		return err
	}
	d, err := c.Deployment("", "httpd")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-4s rolled back to %s\n", program.Offset(c.Now()), d.Image())

	if err := printHistory(w, c, "httpd"); err != nil {
		return err
	}

	// Revision 4 is the ReplicaSet that held revision 1: same name, same
	// template, a new number.
	revs, err := c.History("", "httpd")
	if err != nil {
		return err
	}
	latest := revs[len(revs)-1]
	fmt.Fprintf(w, "revision %d is ReplicaSet %s, running %s\n", latest.Number, latest.ReplicaSet, latest.Template.Image())
	return nil
}

// printHistory prints `kubectl rollout history deployment/NAME`, which
// ends with an empty line.
func printHistory(w io.Writer, c *rollsim.Cluster, name string) error {
	revs, err := c.History("", name)
	if err != nil {
		return err
	}
	out, err := kubectl.History(name, revs, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%-4s $ kubectl rollout history deployment/%s\n%s", program.Offset(c.Now()), name, out)
	return nil
}
