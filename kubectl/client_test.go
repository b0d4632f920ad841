package kubectl_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/kubectl"
)

// plain hides everything of a Cluster but Client, as a front end that
// only speaks to an API server would offer: no Batch, no ApplyNode.
type plain struct{ kubectl.Client }

// TestPlainClient plays the same commands through the Cluster and through
// Client alone: the commands need nothing more, and give the same answers.
func TestPlainClient(t *testing.T) {
	lesson := os.DirFS("../examples/rollback")
	play := func(c kubectl.Client) []any {
		var got []any
		record := func(v ...any) { got = append(got, v...) }
		lines, err := kubectl.ApplyFile(c, lesson, "httpd.v1.yml", "")
		record(lines, err)
		st, took, err := kubectl.WaitForRollout(c, "", "httpd", kubectl.WaitOptions{})
		record(st, took, err)
		record(kubectl.SetImage(c, "", "httpd", []kubectl.ContainerImage{{Container: "*", Image: "httpd:2.4.17"}}, "upgrade"))
		record(kubectl.Scale(c, "", "httpd", 4, ""))
		st, took, err = kubectl.WaitForRollout(c, "", "httpd", kubectl.WaitOptions{})
		record(st, took, err)
		record(kubectl.Undo(c, "", "httpd", 0))
		record(kubectl.Pause(c, "", "httpd"), kubectl.Restart(c, "", "httpd"), kubectl.Resume(c, "", "httpd"))
		record(kubectl.Restart(c, "", "httpd"))
		st, took, err = kubectl.WaitForRollout(c, "", "httpd", kubectl.WaitOptions{})
		record(st, took, err)
		record(kubectl.Revisions(c, "", "httpd"))
		return got
	}
	want := play(rollsim.New(rollsim.Config{}))
	got := play(plain{rollsim.New(rollsim.Config{})})
	assert.Equal(t, want, got)

	_, err := kubectl.ApplyFile(plain{rollsim.New(rollsim.Config{})}, os.DirFS("../examples/capacity"), "nodes.yml", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot apply a Node")
}

// kubectl refuses a negative replica count before it asks the server: the
// refusal is the same whether the Deployment exists or not.
func TestScaleRefusesANegativeCount(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	err := kubectl.Scale(c, "", "nope", -1, "")
	assert.ErrorIs(t, err, kubectl.ErrReplicasRequired)
	assert.EqualError(t, err, "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	assert.ErrorIs(t, c.Scale("", "nope", -1), kubectl.ErrReplicasRequired)
	assert.Zero(t, c.Stats().Writes)
}

// The last-applied configuration is stored as kubectl stores it: naming
// the default namespace or none is the same configuration, and applying
// the other is no change.
func TestApplyStoresKubectlsConfiguration(t *testing.T) {
	c := rollsim.New(rollsim.Config{})
	d := fixture.Deployment("web", "web:1", 2)
	op, err := kubectl.ApplyDeployment(c, d, "", "")
	require.NoError(t, err)
	assert.Equal(t, "created", op)
	d.Namespace = "default"
	op, err = kubectl.ApplyDeployment(c, d, "", "")
	require.NoError(t, err)
	assert.Equal(t, "unchanged", op)
	got, err := c.Deployment("default", "web")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Generation)
	assert.JSONEq(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"web:1","name":"web"}]}}}}`,
		got.Annotations[deployment.LastAppliedAnnotation])
	assert.True(t, strings.HasSuffix(got.Annotations[deployment.LastAppliedAnnotation], "}\n"), "kubectl's trailing newline")
}
