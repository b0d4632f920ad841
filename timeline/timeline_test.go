package timeline_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/examples"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/internal/golden"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/scenario"
	"github.com/rollsim/rollsim/timeline"
)

// playLesson runs a lesson with a recorder and returns its timeline and
// transcript.
func playLesson(t *testing.T, l examples.Lesson) (*timeline.Timeline, string) {
	t.Helper()
	sub, err := fs.Sub(examples.FS, l.Dir)
	require.NoError(t, err)
	rec := timeline.NewRecorder()
	var out bytes.Buffer
	err = scenario.RunFS(sub, l.Scenario, &out, scenario.Options{Observer: rec})
	if !l.Fails {
		require.NoError(t, err)
	}
	return rec.Timeline(), out.String()
}

func lessonPage(l examples.Lesson, tl *timeline.Timeline, transcript string) string {
	var b bytes.Buffer
	_ = timeline.WriteHTML(&b, timeline.Page{Title: l.Title, Timeline: tl, Steps: timeline.SplitTranscript(transcript)})
	return b.String()
}

// TestLessonPictures compares each lesson's SVG and HTML with
// testdata/LESSON.svg.golden and .html.golden (go test ./timeline -rewrite regenerates
// them), and checks that a second run draws the same bytes.
func TestLessonPictures(t *testing.T) {
	for _, l := range examples.Lessons() {
		t.Run(l.Dir, func(t *testing.T) {
			tl, transcript := playLesson(t, l)
			svg := timeline.SVG(tl, timeline.SVGOptions{Title: l.Title})
			page := lessonPage(l, tl, transcript)
			golden.Check(t, filepath.Join("testdata", l.Dir+".svg.golden"), svg)
			golden.Check(t, filepath.Join("testdata", l.Dir+".html.golden"), page)
			if l.Dir == "capacity" {
				// The README's picture.
				golden.Check(t, filepath.Join("..", "docs", "capacity.svg"), svg)
			}

			again, transcript2 := playLesson(t, l)
			assert.Equal(t, svg, timeline.SVG(again, timeline.SVGOptions{Title: l.Title}))
			assert.Equal(t, page, lessonPage(l, again, transcript2))
		})
	}
}

var scaledRS = regexp.MustCompile(`Scaled (?:up|down) replica set (\S+) `)

// TestSVGIsXMLWithOneSeriesPerReplicaSet parses each lesson's picture and
// finds one series for every ReplicaSet the transcript's events name.
func TestSVGIsXMLWithOneSeriesPerReplicaSet(t *testing.T) {
	for _, l := range examples.Lessons() {
		t.Run(l.Dir, func(t *testing.T) {
			tl, transcript := playLesson(t, l)
			var want []string
			for _, m := range scaledRS.FindAllStringSubmatch(transcript, -1) {
				want = append(want, m[1])
			}
			slices.Sort(want)
			want = slices.Compact(want)
			require.NotEmpty(t, want)

			dec := xml.NewDecoder(strings.NewReader(timeline.SVG(tl, timeline.SVGOptions{})))
			var series []string
			titles, descs := 0, 0
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				require.NoError(t, err, "the SVG is well-formed XML")
				se, ok := tok.(xml.StartElement)
				if !ok {
					continue
				}
				switch se.Name.Local {
				case "title":
					titles++
				case "desc":
					descs++
				case "g":
					if attr(se, "class") == "series" {
						series = append(series, attr(se, "data-replicaset"))
					}
				}
			}
			slices.Sort(series)
			assert.Equal(t, want, series)
			assert.Equal(t, 1, descs)
			assert.Greater(t, titles, len(tl.Commands), "the picture, every command and more have a hover text")
		})
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// TestHTMLIsSelfContained checks that a page loads nothing and pairs each
// command marker with a transcript step.
func TestHTMLIsSelfContained(t *testing.T) {
	l := examples.Lessons()[0]
	tl, transcript := playLesson(t, l)
	page := lessonPage(l, tl, transcript)
	withoutNS := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	for _, ref := range []string{"http:", "https:", "<link", "src=", "@import", "url(http"} {
		assert.NotContains(t, withoutNS, ref)
	}
	steps := timeline.SplitTranscript(transcript)
	require.Len(t, steps, len(tl.Commands))
	for i := range steps {
		n := `data-step="` + strconv.Itoa(i+1) + `"`
		assert.Equal(t, 2, strings.Count(page, n), "step %d: one marker and one transcript block", i+1)
	}
	assert.Contains(t, page, "<title>"+l.Title+"</title>")
	assert.Contains(t, page, "<desc id=\"tl-desc\">")
}

// TestRecorderCountsAndLimits drives a cluster through the Go API and
// finds in the timeline what the spec implies: pods Ready before they are
// available under minReadySeconds, the rollout inside the ceiling and
// floor, and those moving with a scale.
func TestRecorderCountsAndLimits(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	rec := timeline.Record(c)
	d := fixture.Deployment("web", "nginx:1.0", 4)
	d.Spec.MinReadySeconds = 5
	_, err := c.CreateDeployment(d)
	require.NoError(t, err)
	c.Advance(10 * time.Second)
	_, err = c.SetImage("", "web", "web", "nginx:2.0")
	require.NoError(t, err)
	_, _, err = c.WaitForRollout("", "web", kubectl.WaitOptions{})
	require.NoError(t, err)
	scaled := c.Now().Sub(rollsim.Epoch())
	require.NoError(t, c.Scale("", "web", 8))
	c.Advance(10 * time.Second)
	tl := rec.Timeline()

	require.Len(t, tl.Deployments, 1)
	p := tl.Deployments[0]
	require.Len(t, p.ReplicaSets, 2)
	old, cur := p.ReplicaSets[0], p.ReplicaSets[1]
	assert.Equal(t, []int64{1}, old.Revisions)
	assert.Equal(t, "nginx:1.0", old.Image)
	assert.Equal(t, []int64{2}, cur.Revisions)

	// Pods start after 1s and count as available 5s later: from 1s to 6s
	// all four are Ready, not available.
	assert.Equal(t, timeline.Counts{Starting: 4}, old.CountsAt(0))
	assert.Equal(t, timeline.Counts{Ready: 4}, old.CountsAt(2*time.Second))
	assert.Equal(t, timeline.Counts{Available: 4}, old.CountsAt(6*time.Second))

	// At every instant the timeline agrees with the cluster's status, and
	// no rollout goes past the ceiling or under the floor.
	l, ok := p.LimitsAt(0)
	require.True(t, ok)
	assert.Equal(t, 5, l.Ceiling(), "4 + 25% rounded up")
	assert.Equal(t, 3, l.Floor(), "4 − 25% rounded down")
	last := p.Limits[len(p.Limits)-1]
	assert.Equal(t, 10, last.Ceiling(), "8 + 2 after the scale")
	assert.Equal(t, 6, last.Floor())
	for _, s := range cur.Samples {
		l, _ := p.LimitsAt(s.At)
		o := old.CountsAt(s.At)
		assert.LessOrEqual(t, s.Total()-s.Terminating+o.Total()-o.Terminating, l.Ceiling(), "at %s", s.At)
		if s.At < scaled {
			// The scale-up's new pods start below the new floor.
			assert.GreaterOrEqual(t, s.Available+o.Available, l.Floor(), "at %s", s.At)
		}
	}
	final := cur.CountsAt(tl.End)
	assert.Equal(t, 8, final.Available)
	assert.Equal(t, 0, old.CountsAt(tl.End).Total())
}

// TestOnePanelPerDeployment records two Deployments and finds a panel
// for each, in the order they were created.
func TestOnePanelPerDeployment(t *testing.T) {
	c := rollsim.New(rollsim.Config{Seed: 1})
	rec := timeline.Record(c)
	for _, name := range []string{"web", "api"} {
		_, err := c.CreateDeployment(fixture.Deployment(name, "nginx:1.0", 2))
		require.NoError(t, err)
	}
	c.Advance(5 * time.Second)
	rec.Stop()
	_, err := c.SetImage("", "web", "web", "nginx:2.0")
	require.NoError(t, err)
	c.Advance(5 * time.Second)

	tl := rec.Timeline()
	require.Len(t, tl.Deployments, 2)
	assert.Equal(t, "web", tl.Deployments[0].Name)
	assert.Equal(t, "api", tl.Deployments[1].Name)
	assert.Len(t, tl.Deployments[0].ReplicaSets, 1, "nothing recorded after Stop")
	svg := timeline.SVG(tl, timeline.SVGOptions{})
	assert.Equal(t, 2, strings.Count(svg, `class="panel"`))
	assert.Contains(t, svg, "deployment/api")
}
