package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/plan"
	"github.com/rollsim/rollsim/scheduler"
	"github.com/rollsim/rollsim/timeline"
)

const planSynopsis = `plan -f DEPLOYMENT [--image IMAGE] [--strategies LIST] [--nodes FILE] [--svg PREFIX]

Plays the update of a Deployment under each strategy, each on a fresh
cluster (with the nodes of --nodes, if given): the manifest is applied and
rolled out, then its first container's image is set to IMAGE (or, without
--image, the Deployment is restarted). It prints, per strategy, the fake
time the rollout took, the most pods it had at once (all states: pending
and terminating pods need room too) and over replicas, the fewest
available and Ready pods, whether it completed inside its progress
deadline, and where it stalled if not.
`

func planCmd(args []string, stdout, stderr io.Writer) int {
	fset := newFlags("plan", planSynopsis, stdout, stderr)
	file := fset.String("f", "", "the Deployment's manifest `FILE`")
	image := fset.String("image", "", "the new `IMAGE` of the first container (default: a restart)")
	list := fset.String("strategies", plan.DefaultStrategies, "comma-separated `LIST` of MAXSURGE/MAXUNAVAILABLE or Recreate")
	nodesFile := fset.String("nodes", "", "a manifest `FILE` of v1 Nodes giving the cluster its room")
	svgPrefix := fset.String("svg", "", "draw each strategy's run into `PREFIX`-STRATEGY.svg")
	seed := fset.Uint64("seed", 1, "seed for pod names and UIDs")
	if code, ok := parse(fset, args, stdout); !ok {
		return code
	}
	if *file == "" || fset.NArg() > 0 {
		fmt.Fprintln(stderr, "rollsim plan: want -f DEPLOYMENT and no other arguments")
		fset.Usage()
		return 2
	}
	strategies, err := plan.ParseStrategies(*list)
	if err != nil {
		fmt.Fprintln(stderr, "rollsim plan:", err)
		return 2
	}
	in := plan.Input{Image: *image, Seed: *seed}
	objs, err := manifest.Load(*file)
	if err != nil {
		fmt.Fprintln(stderr, "rollsim plan:", err)
		return 2
	}
	for _, o := range objs {
		switch {
		case o.Deployment != nil && in.Deployment == nil:
			in.Deployment = o.Deployment
		case o.Node != nil:
			in.Nodes = append(in.Nodes, o.Node)
		}
	}
	if in.Deployment == nil {
		fmt.Fprintf(stderr, "rollsim plan: %s holds no Deployment\n", *file)
		return 2
	}
	if *nodesFile != "" {
		in.Nodes, err = loadNodes(*nodesFile)
		if err != nil {
			fmt.Fprintln(stderr, "rollsim plan:", err)
			return 2
		}
	}
	results, err := plan.Plan(in, strategies)
	if err != nil {
		fmt.Fprintln(stderr, "rollsim plan:", err)
		return 1
	}
	if err := plan.WriteTable(stdout, results); err != nil {
		fmt.Fprintln(stderr, "rollsim plan:", err)
		return 2
	}
	if *svgPrefix != "" {
		for _, r := range results {
			name := *svgPrefix + "-" + fileSafe(r.Strategy.Name) + ".svg"
			title := fmt.Sprintf("%s under %s", filepath.Base(*file), r.Strategy.Name)
			if err := writeFile(name, func(w io.Writer) error {
				return timeline.WriteSVG(w, r.Timeline, timeline.SVGOptions{Title: title})
			}); err != nil {
				fmt.Fprintln(stderr, "rollsim plan:", err)
				return 2
			}
		}
	}
	return 0
}

func loadNodes(path string) ([]*scheduler.Node, error) {
	objs, err := manifest.Load(path)
	if err != nil {
		return nil, err
	}
	var nodes []*scheduler.Node
	for _, o := range objs {
		if o.Node == nil {
			return nil, fmt.Errorf("%s: document %d is a %s, not a Node", path, o.Document, o.Kind())
		}
		nodes = append(nodes, o.Node)
	}
	return nodes, nil
}

// fileSafe turns a strategy's name into a file name part: 25%/25% becomes
// 25pct-25pct.
func fileSafe(s string) string {
	return strings.NewReplacer("%", "pct", "/", "-").Replace(s)
}
