package timeline

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Step is one command's part of a transcript: the command line and what
// it printed, and an optional note that explains it.
type Step struct {
	// Note is prose shown before the step, such as a scenario's comment.
	Note string
	// Text is the transcript's lines for the step, the "[t] $ command"
	// line first.
	Text string
}

// commandLine matches the transcript line that starts a step.
var commandLine = regexp.MustCompile(`^\[[^\]]+\] \$ `)

// SplitTranscript cuts a transcript into its steps, one per command line;
// anything before the first command line is a step of its own.
func SplitTranscript(transcript string) []Step {
	var steps []Step
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			steps = append(steps, Step{Text: strings.Join(cur, "\n")})
		}
		cur = nil
	}
	for _, ln := range strings.Split(strings.TrimSuffix(transcript, "\n"), "\n") {
		if commandLine.MatchString(ln) {
			flush()
		}
		cur = append(cur, ln)
	}
	flush()
	return steps
}

// Page is what an HTML page shows: a timeline beside its transcript.
type Page struct {
	// Title heads the page and names the picture.
	Title string
	// Intro is prose shown above the picture.
	Intro string
	// Timeline is the run.
	Timeline *Timeline
	// Steps are the transcript's steps, in the order of the timeline's
	// commands, so that step N and command marker N are one command.
	Steps []Step
}

// TimeNote explains the transcript's time stamps, for readers who meet
// them for the first time.
const TimeNote = "The time in brackets before each command, such as [31.005s], is the fake clock: the time since the cluster started (31 seconds and 5 milliseconds there). " +
	"It moves only when a command waits (rollout status) or sleeps, so a run of minutes takes milliseconds; " +
	"events are stamped with the instant they happened."

// WriteHTML writes p as a self-contained page: the picture inline, the
// transcript beside it, no network resources. Pointing at a command
// marker or a transcript step highlights both.
func WriteHTML(w io.Writer, p Page) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(p.Title))
	b.WriteString(`<style>
body{font-family:sans-serif;margin:1.5em;color:#222}
.wrap{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}
figure{margin:0;flex:0 1 960px;max-width:100%}
figure svg{max-width:100%;height:auto}
.transcript{flex:1 1 420px;min-width:320px;max-height:90vh;overflow:auto;border:1px solid #ccc;padding:.5em}
.step{font-family:monospace;white-space:pre;width:max-content;min-width:100%;box-sizing:border-box;font-size:12px;margin:0;padding:2px 4px;border-left:3px solid transparent}
.note{font-size:13px;margin:.8em 0 .3em;color:#333}
.step.hl{background:#fff3c4;border-left-color:#e8710a}
g.cmd.hl circle{fill:#ffcc66;stroke-width:2}
.intro{max-width:60em}
</style>
</head>
<body>
`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", esc(p.Title))
	if p.Intro != "" {
		fmt.Fprintf(&b, "<p class=\"intro\">%s</p>\n", esc(p.Intro))
	}
	fmt.Fprintf(&b, "<p class=\"intro\">%s Point at a numbered marker or a step to see one in the other; point at a band, line or event for its numbers.</p>\n", esc(TimeNote))
	b.WriteString("<div class=\"wrap\">\n<figure>\n")
	svg(&b, p.Timeline, SVGOptions{Title: p.Title, StepIDs: true})
	b.WriteString("</figure>\n<section class=\"transcript\" aria-label=\"transcript\">\n")
	for i, s := range p.Steps {
		if s.Note != "" {
			fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(s.Note))
		}
		fmt.Fprintf(&b, "<pre class=\"step\" data-step=\"%d\">%s</pre>\n", i+1, esc(s.Text))
	}
	b.WriteString("</section>\n</div>\n")
	// The only script: highlighting is a nicety, the page reads without it.
	b.WriteString(`<script>
(function(){
  function mark(n,on){
    document.querySelectorAll('[data-step="'+n+'"]').forEach(function(e){e.classList.toggle('hl',on)});
  }
  document.querySelectorAll('[data-step]').forEach(function(e){
    var n=e.getAttribute('data-step');
    e.addEventListener('mouseenter',function(){mark(n,true)});
    e.addEventListener('mouseleave',function(){mark(n,false)});
  });
})();
</script>
</body>
</html>
`)
	_, err := io.WriteString(w, b.String())
	return err
}
