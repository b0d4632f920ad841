package rollsim_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
)

// newDeployment returns an "app" Deployment of replicas pods of image,
// labelled as its pods are.
func newDeployment(name, image string, replicas int32) *deployment.Deployment {
	d := fixture.Deployment(name, image, replicas)
	d.Labels = map[string]string{"app": name}
	return d
}

// settled returns a cluster in which d has been created and given an hour
// to roll out.
func settled(t *testing.T, cfg rollsim.Config, d *deployment.Deployment) *rollsim.Cluster {
	t.Helper()
	c := rollsim.New(cfg)
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	settle(c)
	return c
}

// rolledOut returns a cluster whose Deployment "web" of replicas pods of
// web:1 has rolled out with the given maxSurge and maxUnavailable, and a
// recorder of the events that come after.
func rolledOut(t *testing.T, replicas int32, surge, unavailable string) (*rollsim.Cluster, *recorder) {
	t.Helper()
	c := settled(t, rollsim.Config{}, fixture.Rolling(newDeployment("web", "web:1", replicas), surge, unavailable))
	return c, record(c)
}

// recorder collects the Deployment controller's events as "t=6s Scaled up
// replica set X from 0 to 1", replacing ReplicaSet names by their images.
type recorder struct {
	c      *rollsim.Cluster
	events []string
}

func record(c *rollsim.Cluster) *recorder {
	r := &recorder{c: c}
	c.Observe(func(e rollsim.Event) {
		if e.Kind != "Deployment" {
			return
		}
		msg := e.Message
		for _, rs := range c.ReplicaSets() {
			msg = strings.ReplaceAll(msg, rs.Name+" ", rs.Image()+" ")
		}
		r.events = append(r.events, fmt.Sprintf("t=%s %s", e.Time.Sub(rollsim.Epoch()), msg))
	})
	return r
}

// take returns the events so far and forgets them.
func (r *recorder) take() []string {
	ev := r.events
	r.events = nil
	return ev
}

// setImage updates a Deployment's first container image.
func setImage(t *testing.T, c *rollsim.Cluster, name, image string) {
	t.Helper()
	d, err := c.Deployment("", name)
	require.NoError(t, err)
	d.Spec.Template.Spec.Containers[0].Image = image
	_, err = c.UpdateDeployment(d)
	require.NoError(t, err)
}

// scaleTo updates a Deployment's replicas.
func scaleTo(t *testing.T, c *rollsim.Cluster, name string, n int32) {
	t.Helper()
	d, err := c.Deployment("", name)
	require.NoError(t, err)
	d.Spec.Replicas = deployment.Ptr(n)
	_, err = c.UpdateDeployment(d)
	require.NoError(t, err)
}

// sizes returns "image=spec/available" for each ReplicaSet of a Deployment.
func sizes(t *testing.T, c *rollsim.Cluster, name string) []string {
	t.Helper()
	d, err := c.Deployment("", name)
	require.NoError(t, err)
	var out []string
	for _, rs := range c.ReplicaSetsOf(d) {
		out = append(out, fmt.Sprintf("%s=%d/%d", rs.Image(), rs.Spec.Replicas, rs.Status.AvailableReplicas))
	}
	return out
}

func settle(c *rollsim.Cluster) { c.Advance(time.Hour) }
