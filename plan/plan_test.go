package plan_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/plan"
	"github.com/rollsim/rollsim/scheduler"
)

func load(t *testing.T, path string) []manifest.Object {
	t.Helper()
	objs, err := manifest.Load(filepath.Join("..", "examples", path))
	require.NoError(t, err)
	return objs
}

func nodes(objs []manifest.Object) []*scheduler.Node {
	var out []*scheduler.Node
	for _, o := range objs {
		out = append(out, o.Node)
	}
	return out
}

var stamp = regexp.MustCompile(`^\[([^\]]+)\] \$ (.*)$`)

// rolloutStatusSpans returns how long each `rollout status` of a lesson's
// golden transcript waited: from its own time stamp to the next one.
func rolloutStatusSpans(t *testing.T, lesson string) []time.Duration {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "examples", lesson, "transcript.golden"))
	require.NoError(t, err)
	type step struct {
		at  time.Duration
		cmd string
	}
	var steps []step
	for _, ln := range strings.Split(string(src), "\n") {
		if m := stamp.FindStringSubmatch(ln); m != nil {
			at, err := time.ParseDuration(m[1])
			require.NoError(t, err)
			steps = append(steps, step{at, m[2]})
		}
	}
	var spans []time.Duration
	for i := 0; i+1 < len(steps); i++ {
		if strings.HasPrefix(steps[i].cmd, "kubectl rollout status") {
			spans = append(spans, steps[i+1].at-steps[i].at)
		}
	}
	return spans
}

func strategies(t *testing.T, list string) []plan.Strategy {
	t.Helper()
	s, err := plan.ParseStrategies(list)
	require.NoError(t, err)
	return s
}

// TestPlanSeedLessons plays the seed lessons' first update under their own
// strategy (Kubernetes' default, 25%/25%) and finds the time their
// transcripts show for it; the default strategy resolves, for 3 replicas,
// to 1 surge pod and no unavailable one, as the lesson says.
func TestPlanSeedLessons(t *testing.T) {
	for _, c := range []struct{ lesson, manifest, image string }{
		{"rolling-update", "httpd.yml", "httpd:2.2.32"},
		{"rollback", "httpd.v1.yml", "httpd:2.4.17"},
	} {
		t.Run(c.lesson, func(t *testing.T) {
			spans := rolloutStatusSpans(t, c.lesson)
			require.GreaterOrEqual(t, len(spans), 2)
			objs := load(t, filepath.Join(c.lesson, c.manifest))
			res, err := plan.Plan(plan.Input{Deployment: objs[0].Deployment, Image: c.image}, strategies(t, "25%/25%,0/1,Recreate"))
			require.NoError(t, err)
			def := res[0]
			assert.True(t, def.Completed)
			assert.Equal(t, spans[1], def.Duration, "the transcript's second rollout status")
			assert.Equal(t, 4, def.PeakPods)
			assert.Equal(t, 1, def.PeakExtra)
			assert.Equal(t, 3, def.MinAvailable, "no pod unavailable")
			assert.Equal(t, 3, def.MinReady)

			assert.Equal(t, 3, res[1].PeakPods, "0/1 never surges")
			assert.Equal(t, 2, res[1].MinAvailable)
			assert.Equal(t, 0, res[2].MinAvailable, "Recreate takes every pod down first")
			assert.Less(t, res[2].Duration, def.Duration)
		})
	}
}

// TestPlanCapacityLesson plays the capacity lesson's update on its three
// full nodes: as its transcript shows, 1/0 stalls with the surge pod
// Pending until the 30s progress deadline, 31s after the update; 0/1
// completes, one pod down at a time.
func TestPlanCapacityLesson(t *testing.T) {
	spans := rolloutStatusSpans(t, "capacity")
	d := load(t, "capacity/web.v1.yml")[0].Deployment
	res, err := plan.Plan(plan.Input{Deployment: d, Nodes: nodes(load(t, "capacity/nodes.yml")), Image: "nginx:1.28"},
		strategies(t, plan.DefaultStrategies))
	require.NoError(t, err)
	require.Len(t, res, 4)
	for _, r := range res[:2] {
		assert.False(t, r.Completed, r.Strategy.Name)
		assert.True(t, r.DeadlineExceeded, r.Strategy.Name)
		assert.Equal(t, spans[1], r.Duration, "%s: the transcript's failed rollout status", r.Strategy.Name)
		assert.Equal(t, 4, r.PeakPods)
		assert.Equal(t, 3, r.MinAvailable)
		assert.Contains(t, r.Stall, "at [1s]")
		assert.Contains(t, r.Stall, "1 pod(s) Pending: 0/3 nodes are available: 3 Insufficient cpu.")
	}
	ok := res[2]
	assert.Equal(t, "0/1", ok.Strategy.Name)
	assert.True(t, ok.Completed)
	assert.Equal(t, 3*time.Second, ok.Duration)
	assert.Equal(t, 3, ok.PeakPods, "never more pods than nodes")
	assert.Equal(t, 2, ok.MinAvailable)
	assert.Empty(t, ok.Stall)
	assert.True(t, res[3].Completed)

	var table strings.Builder
	require.NoError(t, plan.WriteTable(&table, res))
	assert.Contains(t, table.String(), "0/1       3s    3          0           2              2          yes          -\n")
}

func TestParseStrategies(t *testing.T) {
	s := strategies(t, "25%/25%, 1/0 ,recreate")
	require.Len(t, s, 3)
	assert.Equal(t, "25%", s[0].MaxSurge.String())
	assert.Equal(t, "0", s[1].MaxUnavailable.String())
	assert.True(t, s[2].Recreate)
	for _, bad := range []string{"1", "x/1", "1/-1", ""} {
		_, err := plan.ParseStrategies(bad)
		assert.Error(t, err, bad)
	}
}

func TestPlanRefusesANoOpUpdate(t *testing.T) {
	d := load(t, "rolling-update/httpd.yml")[0].Deployment
	_, err := plan.Plan(plan.Input{Deployment: d, Image: "httpd:2.2.31"}, strategies(t, "1/0"))
	assert.ErrorContains(t, err, "nothing to roll out")
}
