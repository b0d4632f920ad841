package scenario

import (
	"bytes"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
)

// watcher keeps what an Observer is shown.
type watcher struct {
	started *rollsim.Cluster
	writes  int
	lines   []string
}

func (o *watcher) Start(c *rollsim.Cluster) {
	o.started = c
	c.Watch(func(rollsim.WatchEvent) { o.writes++ })
}

func (o *watcher) Exec(ln Line, start, end time.Time, failed bool) {
	o.lines = append(o.lines, fmt.Sprintf("%d %s %s..%s %v", ln.Number, ln.Text, start.Sub(rollsim.Epoch()), end.Sub(rollsim.Epoch()), failed))
}

// TestObserverSeesTheRun checks that an Observer gets the cluster before
// the first write and every command with the fake time it took, and that
// observing changes nothing the run prints.
func TestObserverSeesTheRun(t *testing.T) {
	src := "create deployment web --image=nginx:1.0 --replicas=2\n# wait\nrollout status deployment/web\nrollout status deployment/nope\nsleep 5s\n"
	fsys := fstest.MapFS{"s.scenario": {Data: []byte(src)}}
	var plain, observed bytes.Buffer
	require.ErrorIs(t, RunFS(fsys, "s.scenario", &plain, Options{}), ErrCommandFailed)
	obs := &watcher{}
	require.ErrorIs(t, RunFS(fsys, "s.scenario", &observed, Options{Observer: obs}), ErrCommandFailed)
	assert.Equal(t, plain.String(), observed.String())
	require.NotNil(t, obs.started)
	assert.Positive(t, obs.writes, "the watch began before the first command")
	assert.Equal(t, []string{
		"1 create deployment web --image=nginx:1.0 --replicas=2 0s..0s false",
		"3 rollout status deployment/web 0s..1s false",
		"4 rollout status deployment/nope 1s..1s true",
		"5 sleep 5s 1s..6s false",
	}, obs.lines)
}
