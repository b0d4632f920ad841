package kubectl

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/pod"
)

// History renders `kubectl rollout history deployment/NAME [--revision=N]`:
// the header line (with its trailing space when no revision is asked for),
// then the revision table or the revision's pod template, then an empty
// line when the body ends in one. revision 0 means the table.
func History(name string, revs []rollsim.Revision, revision int64) (string, error) {
	var body string
	switch {
	case len(revs) == 0:
		body = "No rollout history found."
	case revision > 0:
		i := slices.IndexFunc(revs, func(r rollsim.Revision) bool { return r.Number == revision })
		if i < 0 {
			return "", fmt.Errorf("unable to find the specified revision")
		}
		body = PodTemplate(&revs[i].Template)
	default:
		body = tabbed(func(w *tabwriter.Writer) {
			fmt.Fprintf(w, "REVISION\tCHANGE-CAUSE\n")
			for _, r := range revs {
				cause := r.ChangeCause
				if cause == "" {
					cause = "<none>"
				}
				fmt.Fprintf(w, "%d\t%s\n", r.Number, cause)
			}
		})
	}
	header := "deployment.apps/" + name + " "
	if revision > 0 {
		header += fmt.Sprintf("with revision #%d", revision)
	}
	return header + "\n" + body + "\n", nil
}

// tabbed lays out tab-separated cells as kubectl's describers do.
func tabbed(f func(w *tabwriter.Writer)) string {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	f(w)
	w.Flush()
	return buf.String()
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

func writeResources(b *strings.Builder, title string, r pod.Resources) {
	if r.IsZero() {
		return
	}
	fmt.Fprintf(b, "    %s:\n", title)
	if r.MilliCPU != 0 {
		fmt.Fprintf(b, "      cpu:\t%s\n", FormatCPU(r.MilliCPU))
	}
	if r.Memory != 0 {
		fmt.Fprintf(b, "      memory:\t%s\n", FormatMemory(r.Memory))
	}
}

// FormatCPU writes millicores as Kubernetes quantities do: "500m", "2".
func FormatCPU(milli int64) string {
	if milli%1000 == 0 {
		return fmt.Sprint(milli / 1000)
	}
	return fmt.Sprintf("%dm", milli)
}

// FormatMemory writes bytes in the largest binary unit that divides them.
func FormatMemory(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.suffix)
		}
	}
	return fmt.Sprint(n)
}

func writeLabels(b *strings.Builder, title string, labels map[string]string) {
	fmt.Fprintf(b, "%s:\t", title)
	if len(labels) == 0 {
		b.WriteString("<none>\n")
		return
	}
	for i, k := range slices.Sorted(maps.Keys(labels)) {
		if i > 0 {
			b.WriteString("\t")
		}
		fmt.Fprintf(b, "%s=%s\n", k, labels[k])
	}
}

// lastApplied is the annotation kubectl's describers never show.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// maxAnnotationLen is where kubectl folds a long annotation value.
const maxAnnotationLen = 140

func writeAnnotations(b *strings.Builder, title string, annotations map[string]string) {
	fmt.Fprintf(b, "%s:\t", title)
	keys := slices.DeleteFunc(slices.Sorted(maps.Keys(annotations)), func(k string) bool { return k == lastApplied })
	if len(keys) == 0 {
		b.WriteString("<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			b.WriteString("\t")
		}
		v := strings.TrimSuffix(annotations[k], "\n")
		if len(v)+len(k)+2 > maxAnnotationLen || strings.Contains(v, "\n") {
			fmt.Fprintf(b, "%s:\n", k)
			for _, line := range strings.Split(v, "\n") {
				if len(line) > maxAnnotationLen-2 {
					line = line[:maxAnnotationLen-2] + "..."
				}
				fmt.Fprintf(b, "\t  %s\n", line)
			}
			continue
		}
		fmt.Fprintf(b, "%s: %s\n", k, v)
	}
}
