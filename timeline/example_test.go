package timeline_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/examples"
	"github.com/rollsim/rollsim/kubectl"
	"github.com/rollsim/rollsim/scenario"
	"github.com/rollsim/rollsim/timeline"
)

// A rolling update recorded through the Go API: the new ReplicaSet's
// pods at each instant they changed.
func ExampleRecord() {
	c := rollsim.New(rollsim.Config{Seed: 1})
	rec := timeline.Record(c)
	if _, err := c.CreateDeployment(kubectl.NewDeployment("", "web", "nginx:1.0", 3)); err != nil {
		fmt.Println(err)
		return
	}
	c.WaitForRollout("", "web", kubectl.WaitOptions{})
	// kubectl create deployment names the container after its image.
	if _, err := c.SetImage("", "web", "nginx", "nginx:2.0"); err != nil {
		fmt.Println(err)
		return
	}
	c.WaitForRollout("", "web", kubectl.WaitOptions{})

	tl := rec.Timeline()
	for _, rs := range tl.Deployments[0].ReplicaSets {
		fmt.Printf("revision %d, %s\n", rs.Revisions[0], rs.Image)
		for _, s := range rs.Samples {
			fmt.Printf("  [%s] starting %d, available %d\n", timeline.FormatTime(s.At), s.Starting, s.Available)
		}
	}
	// Output:
	// revision 1, nginx:1.0
	//   [0s] starting 3, available 0
	//   [1s] starting 0, available 3
	//   [2s] starting 0, available 2
	//   [3s] starting 0, available 1
	//   [4s] starting 0, available 0
	// revision 2, nginx:2.0
	//   [1s] starting 1, available 0
	//   [2s] starting 1, available 1
	//   [3s] starting 1, available 2
	//   [4s] starting 0, available 3
}

// A scenario records itself when its run is given a recorder as its
// observer; the picture is then one WriteSVG away.
func ExampleNewRecorder() {
	sub, _ := fs.Sub(examples.FS, "rolling-update")
	rec := timeline.NewRecorder()
	if err := scenario.RunFS(sub, "rolling-update.scenario", io.Discard, scenario.Options{Observer: rec}); err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer
	if err := timeline.WriteSVG(&svg, rec.Timeline(), timeline.SVGOptions{Title: "A rolling update"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("commands:", len(rec.Timeline().Commands))
	fmt.Println("series:", strings.Count(svg.String(), `class="series"`))
	// Output:
	// commands: 12
	// series: 2
}

// A page puts a run's picture beside its transcript, cut into steps that
// pair with the picture's numbered command markers.
func ExampleWriteHTML() {
	sub, _ := fs.Sub(examples.FS, "rolling-update")
	rec := timeline.NewRecorder()
	var transcript bytes.Buffer
	if err := scenario.RunFS(sub, "rolling-update.scenario", &transcript, scenario.Options{Observer: rec}); err != nil {
		fmt.Println(err)
		return
	}
	steps := timeline.SplitTranscript(transcript.String())
	fmt.Println(steps[0].Text)
	var page bytes.Buffer
	err := timeline.WriteHTML(&page, timeline.Page{Title: "A rolling update", Timeline: rec.Timeline(), Steps: steps})
	fmt.Println(err, len(steps), strings.Count(page.String(), `<pre class="step"`))
	// Output:
	// [0s] $ kubectl apply -f httpd.yml
	// deployment.apps/httpd created
	//   # [0s] deployment/httpd: ScalingReplicaSet Scaled up replica set httpd-57f7fd4cc7 from 0 to 3
	// <nil> 12 12
}
