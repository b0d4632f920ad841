package examples

import (
	"bytes"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/internal/golden"
	"github.com/rollsim/rollsim/scenario"
)

// TestLessons plays each lesson as `rollsim demo` does, from the embedded
// files, and compares its transcript with transcript.golden in the
// lesson's folder; run `go test ./examples/... -rewrite` to regenerate.
func TestLessons(t *testing.T) {
	require.NotEmpty(t, Lessons())
	for _, l := range Lessons() {
		t.Run(l.Dir, func(t *testing.T) {
			sub, err := fs.Sub(FS, l.Dir)
			require.NoError(t, err)
			var out bytes.Buffer
			err = scenario.RunFS(sub, l.Scenario, &out, scenario.Options{})
			if l.Fails {
				require.ErrorIs(t, err, scenario.ErrCommandFailed, "the lesson shows a failing command")
			} else {
				require.NoError(t, err, "every command of the lesson succeeds")
			}
			golden.Check(t, path.Join(l.Dir, "transcript.golden"), out.String())
		})
	}
}

// TestLessonsMatchFS checks that Lessons() names every scenario file FS
// embeds, and only those, with a title.
func TestLessonsMatchFS(t *testing.T) {
	embedded, err := fs.Glob(FS, "*/*.scenario")
	require.NoError(t, err)
	var listed []string
	for _, l := range Lessons() {
		assert.NotEmpty(t, l.Title, l.Dir)
		listed = append(listed, path.Join(l.Dir, l.Scenario))
	}
	slices.Sort(embedded)
	slices.Sort(listed)
	assert.Equal(t, embedded, listed)
}

// TestRollbackLessonHistory checks what the rollback lesson is there to
// show: the history before the undo lists revisions 1, 2 and 3, and after
// it 2, 3 and 4, revision 4 carrying revision 1's change-cause.
func TestRollbackLessonHistory(t *testing.T) {
	sub, err := fs.Sub(FS, "rollback")
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, scenario.RunFS(sub, "rollback.scenario", &out, scenario.Options{}))
	before := "deployment.apps/httpd \n" +
		"REVISION  CHANGE-CAUSE\n" +
		"1         kubectl apply --filename=httpd.v1.yml --record=true\n" +
		"2         kubectl apply --filename=httpd.v2.yml --record=true\n" +
		"3         kubectl apply --filename=httpd.v3.yml --record=true\n\n"
	after := "deployment.apps/httpd \n" +
		"REVISION  CHANGE-CAUSE\n" +
		"2         kubectl apply --filename=httpd.v2.yml --record=true\n" +
		"3         kubectl apply --filename=httpd.v3.yml --record=true\n" +
		"4         kubectl apply --filename=httpd.v1.yml --record=true\n\n"
	transcript := out.String()
	undo := strings.Index(transcript, "$ kubectl rollout undo")
	require.Positive(t, undo)
	assert.Contains(t, transcript[:undo], before)
	assert.Contains(t, transcript[undo:], after)
}
