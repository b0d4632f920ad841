package timeline

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Layout of the picture, in SVG user units.
const (
	width       = 960
	marginLeft  = 56
	marginRight = 24
	plotWidth   = width - marginLeft - marginRight
	plotHeight  = 200
	panelTitle  = 28
	axisBand    = 22
	markerBand  = 22
	legendRow   = 16
	panelGap    = 18
)

// palette colours ReplicaSets in the order they were created; it repeats
// after eight, which a panel rarely reaches.
var palette = []string{"#1f77b4", "#e8710a", "#2ca02c", "#9467bd", "#8c564b", "#d6407f", "#17becf", "#a0a01a"}

// states lists the pod states bottom-up as the picture stacks them:
// available first, so that the top of the available band is the number
// the availability floor is about, and terminating last, above the
// ceiling they do not count against.
var states = []struct {
	name    string
	count   func(Counts) int
	opacity string
	pattern string
}{
	{"available", func(c Counts) int { return c.Available }, "1", ""},
	{"Ready, not yet available", func(c Counts) int { return c.Ready }, "0.55", ""},
	{"starting", func(c Counts) int { return c.Starting }, "0.25", ""},
	{"pending", func(c Counts) int { return c.Pending }, "", "pend"},
	{"terminating", func(c Counts) int { return c.Terminating }, "", "term"},
}

// SVGOptions adjust a picture.
type SVGOptions struct {
	// Title names the picture for screen readers and its heading;
	// empty means "rollout timeline".
	Title string
	// StepIDs marks each command marker with data-step="N" (N from 1),
	// for a page that highlights the transcript step under the pointer.
	StepIDs bool
}

// WriteSVG draws tl as a standalone SVG document.
func WriteSVG(w io.Writer, tl *Timeline, opts SVGOptions) error {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	svg(&b, tl, opts)
	_, err := io.WriteString(w, b.String())
	return err
}

// SVG returns the picture of tl as an SVG document.
func SVG(tl *Timeline, opts SVGOptions) string {
	var b strings.Builder
	_ = WriteSVG(&b, tl, opts)
	return b.String()
}

// num formats a coordinate with one decimal, the same on every machine.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func esc(s string) string { return xmlEscaper.Replace(s) }

// scale maps fake time onto the plot's width.
type scale struct{ end time.Duration }

func (s scale) x(t time.Duration) float64 {
	return marginLeft + float64(t)/float64(s.end)*plotWidth
}

func panelHeight(d *Deployment) int {
	return panelTitle + plotHeight + axisBand + 2*markerBand + legendRow*(len(d.ReplicaSets)+2) + panelGap
}

func svg(b *strings.Builder, tl *Timeline, opts SVGOptions) {
	title := opts.Title
	if title == "" {
		title = "rollout timeline"
	}
	height := 40
	for _, d := range tl.Deployments {
		height += panelHeight(d)
	}
	if len(tl.Deployments) == 0 {
		height += 40
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="tl-title tl-desc" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(b, "<title id=\"tl-title\">%s</title>\n<desc id=\"tl-desc\">%s</desc>\n", esc(title), esc(describe(tl)))
	b.WriteString("<style>.step-hl{stroke:#000;stroke-width:2}</style>\n")
	b.WriteString("<defs>\n")
	for i, c := range palette {
		fmt.Fprintf(b, `<pattern id="pend-%d" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="2" height="6" fill="%s"/></pattern>`+"\n", i, c)
		fmt.Fprintf(b, `<pattern id="term-%d" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ddd"/><rect x="1" y="1" width="2.5" height="2.5" fill="%s"/></pattern>`+"\n", i, c)
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", width, height)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", marginLeft, esc(title))
	if len(tl.Deployments) == 0 {
		fmt.Fprintf(b, "<text x=\"%d\" y=\"56\">No Deployment was created in this run.</text>\n", marginLeft)
	}
	// The axis runs a little past the end of the run, so that the state
	// the run ends in, often reached at its very last instant, shows.
	sc := scale{end: tl.End + max(time.Second, tl.End/20)}
	y := 40
	for i, d := range tl.Deployments {
		panel(b, tl, d, i, y, sc, opts)
		y += panelHeight(d)
	}
	b.WriteString("</svg>\n")
}

// describe is the picture's text equivalent, for screen readers.
func describe(tl *Timeline) string {
	var parts []string
	for _, d := range tl.Deployments {
		var rss []string
		for _, rs := range d.ReplicaSets {
			rss = append(rss, fmt.Sprintf("%s (%s, %s)", rs.Name, revisionText(rs), rs.Image))
		}
		parts = append(parts, fmt.Sprintf("Deployment %s: %d ReplicaSet(s): %s; %d event(s).", d.Name, len(d.ReplicaSets), strings.Join(rss, ", "), len(d.Events)))
	}
	return fmt.Sprintf("Pods by ReplicaSet and state over %s of fake time, with the surge ceiling and availability floor, and %d command(s) as markers. %s",
		FormatTime(tl.End), len(tl.Commands), strings.Join(parts, " "))
}

func revisionText(rs *ReplicaSet) string {
	if len(rs.Revisions) == 0 {
		return "no revision"
	}
	var s []string
	for _, r := range rs.Revisions {
		s = append(s, strconv.FormatInt(r, 10))
	}
	if len(s) == 1 {
		return "revision " + s[0]
	}
	return "revisions " + strings.Join(s, ", ")
}

// instants returns the sorted instants at which anything in d changes,
// and the end of the run.
func instants(d *Deployment, end time.Duration) []time.Duration {
	var ts []time.Duration
	for _, rs := range d.ReplicaSets {
		for _, s := range rs.Samples {
			ts = append(ts, s.At)
		}
	}
	for _, l := range d.Limits {
		ts = append(ts, l.At)
	}
	ts = append(ts, end)
	slices.Sort(ts)
	return slices.Compact(ts)
}

// CountsAt returns the ReplicaSet's pod counts in force at t.
func (rs *ReplicaSet) CountsAt(t time.Duration) Counts {
	var c Counts
	for _, s := range rs.Samples {
		if s.At > t {
			break
		}
		c = s.Counts
	}
	return c
}

// LimitsAt returns the Deployment's limits in force at t, and false
// before it existed.
func (d *Deployment) LimitsAt(t time.Duration) (Limits, bool) {
	var l Limits
	ok := false
	for _, x := range d.Limits {
		if x.At > t {
			break
		}
		l, ok = x, true
	}
	return l, ok
}

// niceStep returns the step among 1, 2, 5 × 10^k at or above raw.
func niceStep(raw float64) float64 {
	if raw <= 1 {
		return 1
	}
	p := 1.0
	for p*10 <= raw {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func panel(b *strings.Builder, tl *Timeline, d *Deployment, index, top int, sc scale, opts SVGOptions) {
	ts := instants(d, sc.end)
	peak := 1
	for _, t := range ts {
		total := 0
		for _, rs := range d.ReplicaSets {
			total += rs.CountsAt(t).Total()
		}
		peak = max(peak, total)
		if l, ok := d.LimitsAt(t); ok {
			peak = max(peak, l.Ceiling())
		}
	}
	yStep := int(niceStep(float64(peak+1) / 6))
	yMax := (peak/yStep + 1) * yStep
	plotTop := top + panelTitle
	plotBottom := plotTop + plotHeight
	yOf := func(n int) float64 { return float64(plotBottom) - float64(n)/float64(yMax)*plotHeight }

	fmt.Fprintf(b, "<g class=\"panel\" id=\"panel-%d\">\n", index+1)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">deployment/%s</text>\n", marginLeft, top+18, esc(d.Name))
	fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#bbb\"/>\n", marginLeft, plotTop, plotWidth, plotHeight)
	// Grid and the pod-count axis.
	for n := 0; n <= yMax; n += yStep {
		yy := num(yOf(n))
		fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#e4e4e4\"/>", marginLeft, yy, marginLeft+plotWidth, yy)
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%s\" text-anchor=\"end\" dominant-baseline=\"middle\">%d</text>\n", marginLeft-6, yy, n)
	}
	fmt.Fprintf(b, "<text transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">pods</text>\n", plotTop+plotHeight/2)
	// The fake-time axis.
	tStep := time.Duration(niceStep(float64(sc.end)/float64(time.Second)/8) * float64(time.Second))
	for t := time.Duration(0); t <= sc.end; t += tStep {
		xx := num(sc.x(t))
		fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#999\"/>", xx, plotBottom, xx, plotBottom+4)
		fmt.Fprintf(b, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", xx, plotBottom+15, FormatTime(t))
	}

	// One series per ReplicaSet: its bands, state by state, stacked over
	// the bands of the states below it and of the ReplicaSets before it.
	for ri, rs := range d.ReplicaSets {
		color := palette[ri%len(palette)]
		label := fmt.Sprintf("%s (%s, %s)", rs.Name, revisionText(rs), rs.Image)
		fmt.Fprintf(b, "<g class=\"series\" data-replicaset=\"%s\">\n", esc(rs.Name))
		for si, st := range states {
			fill := color
			if st.pattern != "" {
				fill = fmt.Sprintf("url(#%s-%d)", st.pattern, ri%len(palette))
			}
			for k := 0; k+1 < len(ts); {
				lo, hi := bandAt(d, ri, si, ts[k])
				j := k + 1
				for j+1 < len(ts) {
					l2, h2 := bandAt(d, ri, si, ts[j])
					if l2 != lo || h2 != hi {
						break
					}
					j++
				}
				if hi > lo {
					x0, x1 := sc.x(ts[k]), sc.x(ts[j])
					opacity := ""
					if st.opacity != "" && st.opacity != "1" {
						opacity = fmt.Sprintf(" fill-opacity=\"%s\"", st.opacity)
					}
					until := "to [" + FormatTime(ts[j]) + "]"
					if ts[j] > tl.End {
						until = "to the end"
					}
					fmt.Fprintf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"%s><title>%s: %d %s, [%s] %s</title></rect>\n",
						num(x0), num(yOf(hi)), num(x1-x0), num(yOf(lo)-yOf(hi)), fill, opacity,
						esc(label), hi-lo, st.name, FormatTime(ts[k]), until)
				}
				k = j
			}
		}
		b.WriteString("</g>\n")
	}

	limitLines(b, d, sc.end, sc, yOf)
	ex := num(sc.x(tl.End))
	fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#777\" stroke-dasharray=\"1 3\"><title>end of the run, [%s]</title></line>\n", ex, plotTop, ex, plotBottom, FormatTime(tl.End))
	markers(b, tl, d, plotBottom+axisBand, sc, opts)

	// Legend: the ReplicaSets, then what the shades and lines mean.
	ly := plotBottom + axisBand + 2*markerBand + 4
	for ri, rs := range d.ReplicaSets {
		fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s · %s · %s</text>\n",
			marginLeft, ly, palette[ri%len(palette)], marginLeft+18, ly+9, esc(revisionText(rs)), esc(rs.Image), esc(rs.Name))
		ly += legendRow
	}
	x := marginLeft
	for _, st := range states {
		fill := "#555"
		if st.pattern != "" {
			fill = fmt.Sprintf("url(#%s-0)", st.pattern)
		}
		opacity := ""
		if st.opacity != "" && st.opacity != "1" {
			opacity = fmt.Sprintf(" fill-opacity=\"%s\"", st.opacity)
		}
		fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"%s stroke=\"#999\" stroke-width=\"0.5\"/><text x=\"%d\" y=\"%d\">%s</text>\n", x, ly, fill, opacity, x+16, ly+9, st.name)
		x += 30 + 6*len(st.name)
	}
	ly += legendRow
	fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c62828\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/><text x=\"%d\" y=\"%d\">surge ceiling: replicas + maxSurge</text>\n", marginLeft, ly+5, marginLeft+20, ly+5, marginLeft+26, ly+9)
	fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1a3fa8\" stroke-width=\"2\" stroke-dasharray=\"2 2\"/><text x=\"%d\" y=\"%d\">availability floor: replicas − maxUnavailable</text>\n", marginLeft+230, ly+5, marginLeft+250, ly+5, marginLeft+256, ly+9)
	fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" stroke-width=\"1\"/><text x=\"%d\" y=\"%d\">replicas</text>\n", marginLeft+510, ly+5, marginLeft+530, ly+5, marginLeft+536, ly+9)
	b.WriteString("</g>\n")
}

// bandAt returns the bottom and top, in pods, of state si of the ri-th
// ReplicaSet at t.
func bandAt(d *Deployment, ri, si int, t time.Duration) (lo, hi int) {
	for s := 0; s <= si; s++ {
		for r, rs := range d.ReplicaSets {
			if s == si && r == ri {
				return lo, lo + states[s].count(rs.CountsAt(t))
			}
			lo += states[s].count(rs.CountsAt(t))
		}
	}
	return lo, lo
}

// limitLines draws the ceiling, the floor and the desired replicas as
// step lines, each level a segment that names its numbers on hover.
func limitLines(b *strings.Builder, d *Deployment, end time.Duration, sc scale, yOf func(int) float64) {
	type line struct {
		class, stroke, dash, width string
		value                      func(Limits) (int, bool)
		text                       func(Limits) string
	}
	lines := []line{
		{"ceiling", "#c62828", "6 3", "2", func(l Limits) (int, bool) { return l.Ceiling(), true },
			func(l Limits) string {
				return fmt.Sprintf("surge ceiling %d = replicas %d + maxSurge %d (%s)", l.Ceiling(), l.Replicas, l.MaxSurge, l.Strategy)
			}},
		{"floor", "#1a3fa8", "2 2", "2", func(l Limits) (int, bool) { return l.Floor(), !l.Recreate },
			func(l Limits) string {
				return fmt.Sprintf("availability floor %d = replicas %d − maxUnavailable %d (%s)", l.Floor(), l.Replicas, l.MaxUnavailable, l.Strategy)
			}},
		{"replicas", "#333", "", "1", func(l Limits) (int, bool) { return l.Replicas, true },
			func(l Limits) string { return fmt.Sprintf("replicas %d", l.Replicas) }},
	}
	for _, ln := range lines {
		fmt.Fprintf(b, "<g class=\"limit %s\" stroke=\"%s\" stroke-width=\"%s\"", ln.class, ln.stroke, ln.width)
		if ln.dash != "" {
			fmt.Fprintf(b, " stroke-dasharray=\"%s\"", ln.dash)
		}
		b.WriteString(">\n")
		prevY := ""
		for i, l := range d.Limits {
			to := end
			if i+1 < len(d.Limits) {
				to = d.Limits[i+1].At
			}
			v, ok := ln.value(l)
			if !ok {
				prevY = ""
				continue
			}
			x0, x1, yy := num(sc.x(l.At)), num(sc.x(to)), num(yOf(v))
			if prevY != "" && prevY != yy {
				fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", x0, prevY, x0, yy)
			}
			fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"><title>%s, from [%s]</title></line>\n", x0, yy, x1, yy, esc(ln.text(l)), FormatTime(l.At))
			prevY = yy
		}
		b.WriteString("</g>\n")
	}
}

// markers draws the commands (numbered as the transcript's steps) and
// the events on two rows under the time axis. Markers that would overlap
// move right along their row, each with a leader to its true instant.
func markers(b *strings.Builder, tl *Timeline, d *Deployment, top int, sc scale, opts SVGOptions) {
	const r = 7.0
	cy := float64(top) + markerBand/2
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%s\" text-anchor=\"end\" dominant-baseline=\"middle\">cmds</text>\n", marginLeft-6, num(cy))
	starts := make([]float64, len(tl.Commands))
	for i, c := range tl.Commands {
		starts[i] = sc.x(c.Start)
	}
	xs := pack(starts, 2*r+1)
	for i, c := range tl.Commands {
		tx, cx := starts[i], xs[i]
		fill := "#fff"
		if c.Failed {
			fill = "#fdd"
		}
		step := ""
		if opts.StepIDs {
			step = fmt.Sprintf(" data-step=\"%d\"", i+1)
		}
		fmt.Fprintf(b, "<g class=\"cmd\"%s><title>step %d: [%s] $ %s", step, i+1, FormatTime(c.Start), esc(c.Text))
		if c.End > c.Start {
			fmt.Fprintf(b, " (until [%s])", FormatTime(c.End))
		}
		if c.Failed {
			b.WriteString(" (failed)")
		}
		b.WriteString("</title>")
		if c.End > c.Start {
			fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#888\" stroke-width=\"3\" stroke-opacity=\"0.4\"/>", num(tx), num(cy), num(sc.x(c.End)), num(cy))
		}
		if cx != tx {
			fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#aaa\"/>", num(tx), num(cy-r), num(cx), num(cy))
		}
		fmt.Fprintf(b, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\" stroke=\"#444\"/><text x=\"%s\" y=\"%s\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"8\">%d</text></g>\n",
			num(cx), num(cy), num(r), fill, num(cx), num(cy), i+1)
	}

	// Events at one instant share a marker: a burst of scaling steps is
	// one moment of the rollout.
	ey := cy + markerBand
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%s\" text-anchor=\"end\" dominant-baseline=\"middle\">events</text>\n", marginLeft-6, num(ey))
	var groups []int
	var at []float64
	for i, e := range d.Events {
		if i == 0 || e.At != d.Events[i-1].At {
			groups = append(groups, i)
			at = append(at, sc.x(e.At))
		}
	}
	exs := pack(at, 2*r-2)
	for g, i := range groups {
		j := i
		warning := false
		var lines []string
		for ; j < len(d.Events) && d.Events[j].At == d.Events[i].At; j++ {
			e := d.Events[j]
			warning = warning || e.Type == "Warning"
			lines = append(lines, fmt.Sprintf("%s %s: %s (%s)", e.Type, e.Reason, e.Message, e.Object))
		}
		tx, cx := at[g], exs[g]
		fill := "#777"
		if warning {
			fill = "#e65100"
		}
		fmt.Fprintf(b, "<g class=\"event\"><title>[%s] %s</title>", FormatTime(d.Events[i].At), esc(strings.Join(lines, "\n")))
		if cx != tx {
			fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#aaa\"/>", num(tx), num(ey-r), num(cx), num(ey))
		}
		fmt.Fprintf(b, "<path d=\"M%s %sl5 5l-5 5l-5 -5z\" fill=\"%s\"/></g>\n", num(cx), num(ey-5), fill)
	}
}

// pack places markers at least gap apart, each as near its own x as it
// can: first pushed right past the one before, then, where that runs off
// the picture's right edge, pulled back left.
func pack(xs []float64, gap float64) []float64 {
	out := make([]float64, len(xs))
	last := -1e9
	for i, x := range xs {
		out[i] = max(x, last+gap)
		last = out[i]
	}
	limit := float64(width) - gap/2 - 1
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = min(out[i], limit)
		limit = out[i] - gap
	}
	return out
}
