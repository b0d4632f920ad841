package plan_test

import (
	"fmt"
	"os"

	"github.com/rollsim/rollsim/manifest"
	"github.com/rollsim/rollsim/plan"
)

// How long the rolling-update lesson's update takes, and how much room it
// needs, under a surge-only and an unavailability-only strategy.
func ExamplePlan() {
	objs, err := manifest.Load("../examples/rolling-update/httpd.yml")
	if err != nil {
		fmt.Println(err)
		return
	}
	strategies, _ := plan.ParseStrategies("1/0,0/1")
	results, err := plan.Plan(plan.Input{Deployment: objs[0].Deployment, Image: "httpd:2.2.32"}, strategies)
	if err != nil {
		fmt.Println(err)
		return
	}
	plan.WriteTable(os.Stdout, results)
	// Output:
	// STRATEGY  TIME  PEAK PODS  PEAK EXTRA  MIN AVAILABLE  MIN READY  IN DEADLINE  STALLS
	// 1/0       3s    4          1           3              3          yes          -
	// 0/1       3s    3          0           2              2          yes          -
}
