package main

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rollsim/rollsim/examples"
	"github.com/rollsim/rollsim/scenario"
	"github.com/rollsim/rollsim/timeline"
)

// runPictured plays one scenario file as runCmd does, and draws its
// timeline to svgPath and htmlPath (either may be empty).
func runPictured(file, svgPath, htmlPath string, opts scenario.Options, stdout, stderr io.Writer) int {
	rec := timeline.NewRecorder()
	opts.Observer = rec
	var transcript bytes.Buffer
	err := scenario.Run(file, io.MultiWriter(stdout, &transcript), opts)
	code := report(err, stderr)
	if code == 2 {
		return code
	}
	tl := rec.Timeline()
	title := "rollsim run " + filepath.Base(file)
	if svgPath != "" {
		if werr := writeFile(svgPath, func(w io.Writer) error { return timeline.WriteSVG(w, tl, timeline.SVGOptions{Title: title}) }); werr != nil {
			fmt.Fprintln(stderr, "rollsim:", werr)
			return 2
		}
	}
	if htmlPath != "" {
		steps := timeline.SplitTranscript(transcript.String())
		if opts.Trace {
			// The trace has no time stamps to cut it at; the page shows it whole.
			steps = []timeline.Step{{Text: transcript.String()}}
		}
		page := timeline.Page{Title: title, Timeline: tl, Steps: steps}
		if werr := writeFile(htmlPath, func(w io.Writer) error { return timeline.WriteHTML(w, page) }); werr != nil {
			fmt.Fprintln(stderr, "rollsim:", werr)
			return 2
		}
	}
	return code
}

func writeFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// notes maps each command line's number to the comment lines just before
// it, joined into one paragraph: the scenario's own explanation of it.
func notes(src []byte) map[int]string {
	out := map[int]string{}
	var block []string
	for i, raw := range strings.Split(string(src), "\n") {
		text := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(text, "#"):
			block = append(block, strings.TrimSpace(strings.TrimPrefix(text, "#")))
		case text == "":
		default:
			if len(block) > 0 {
				out[i+1] = strings.Join(block, " ")
			}
			block = nil
		}
	}
	return out
}

// narrate plays a lesson for a reader: each comment of the scenario is
// printed before the command it describes, and the time stamps are
// explained where the first one appears. It returns the steps with their
// notes, for the lesson's page, and the run's error.
func narrate(l examples.Lesson, tl *timeline.Recorder, stdout io.Writer, explainTime bool) ([]timeline.Step, error) {
	sub, err := fs.Sub(examples.FS, l.Dir)
	if err != nil {
		return nil, err
	}
	src, err := fs.ReadFile(sub, l.Scenario)
	if err != nil {
		return nil, err
	}
	lines, err := scenario.Parse(l.Scenario, src)
	if err != nil {
		return nil, err
	}
	byLine := notes(src)
	var step bytes.Buffer
	r := scenario.NewRunner(sub, &step, scenario.Options{Observer: tl})
	var steps []timeline.Step
	for i, ln := range lines {
		note := byLine[ln.Number]
		if note != "" {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "%s\n\n", wrap(note, 72))
		}
		if i == 0 && explainTime {
			fmt.Fprintf(stdout, "(%s)\n\n", wrap(timeline.TimeNote, 72))
		}
		step.Reset()
		r.Exec(ln)
		stdout.Write(step.Bytes())
		steps = append(steps, timeline.Step{Note: note, Text: strings.TrimSuffix(step.String(), "\n")})
	}
	r.Finish()
	if r.Failed() {
		return steps, scenario.ErrCommandFailed
	}
	return steps, nil
}

// wrap breaks prose into lines of at most width columns.
func wrap(s string, width int) string {
	var out, line []string
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len(w) > width {
			out = append(out, strings.Join(line, " "))
			line, n = nil, 0
		}
		if n > 0 {
			n++
		}
		line = append(line, w)
		n += len(w)
	}
	if len(line) > 0 {
		out = append(out, strings.Join(line, " "))
	}
	return strings.Join(out, "\n")
}

// lessonPage writes a lesson's page into dir, named after its folder.
func lessonPage(dir string, l examples.Lesson, tl *timeline.Timeline, steps []timeline.Step) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	page := timeline.Page{Title: l.Title, Intro: lessonIntro(l), Timeline: tl, Steps: steps}
	return writeFile(filepath.Join(dir, l.Dir+".html"), func(w io.Writer) error { return timeline.WriteHTML(w, page) })
}

func lessonIntro(l examples.Lesson) string {
	intro := fmt.Sprintf("The lesson examples/%s/%s, played by rollsim demo.", l.Dir, l.Scenario)
	if l.Fails {
		intro += " One of its commands fails on purpose: the rollout it waits for exceeds its progress deadline."
	}
	return intro
}

// lessonIndex writes the page that leads to every lesson's page.
func lessonIndex(dir string) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rollsim lessons</title>\n")
	b.WriteString("<style>body{font-family:sans-serif;margin:1.5em;max-width:60em}</style>\n</head>\n<body>\n<h1>rollsim lessons</h1>\n")
	b.WriteString("<p>Each lesson is a scenario played on a simulated cluster: its page shows the rollout as a picture of pods over fake time beside the transcript of the commands.</p>\n<ol>\n")
	for _, l := range examples.Lessons() {
		fmt.Fprintf(&b, "<li><a href=\"%s.html\">%s</a></li>\n", html.EscapeString(l.Dir), html.EscapeString(l.Title))
	}
	b.WriteString("</ol>\n</body>\n</html>\n")
	return os.WriteFile(filepath.Join(dir, "index.html"), []byte(b.String()), 0o644)
}
