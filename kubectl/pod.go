package kubectl

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rollsim/rollsim/pod"
)

// DescribePod renders `kubectl describe pod` of p at instant now: where
// the pod runs, its phase and conditions, its containers, and the events
// about it (the scheduler's FailedScheduling among them).
func DescribePod(p *pod.Pod, events []Event, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Name:\t%s\n", p.Name)
	fmt.Fprintf(&b, "Namespace:\t%s\n", p.Namespace)
	fmt.Fprintf(&b, "Node:\t%s\n", orNone(p.NodeName))
	if p.Bound {
		fmt.Fprintf(&b, "Start Time:\t%s\n", p.BoundAt.Format(time.RFC1123Z))
	}
	writeLabels(&b, "Labels", p.Labels)
	writeAnnotations(&b, "Annotations", p.Annotations)
	fmt.Fprintf(&b, "Status:\t%s\n", p.Phase)
	if p.Owner != nil {
		fmt.Fprintf(&b, "Controlled By:\t%s/%s\n", p.Owner.Kind, p.Owner.Name)
	}
	b.WriteString("Containers:\n")
	for _, ct := range p.Spec.Containers {
		fmt.Fprintf(&b, "  %s:\n", ct.Name)
		fmt.Fprintf(&b, "    Image:\t%s\n", ct.Image)
		writeResources(&b, "Limits", ct.Limits)
		writeResources(&b, "Requests", ct.Requests)
		fmt.Fprintf(&b, "    Ready:\t%t\n", p.Ready)
	}
	b.WriteString("Conditions:\n  Type\tStatus\n")
	scheduled := "True"
	if !p.Bound {
		scheduled = "False"
	}
	fmt.Fprintf(&b, "  PodScheduled \t%s \n", scheduled)
	if p.Bound {
		ready := "False"
		if p.Ready {
			ready = "True"
		}
		fmt.Fprintf(&b, "  Ready \t%s \n", ready)
	}
	writeEvents(&b, events, now)
	return tabbed(func(w *tabwriter.Writer) { w.Write([]byte(b.String())) })
}
