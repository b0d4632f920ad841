package deployment_test

import (
	"fmt"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/kubectl"
)

// maxSurge and maxUnavailable are written as a count or a percent of the
// desired replicas, as in a manifest.
func ExampleParseIntOrPercent() {
	for _, s := range []string{"1", "25%", "one"} {
		v, err := deployment.ParseIntOrPercent(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: percent=%v\n", v, v.IsPercent)
	}
	// Output:
	// 1: percent=false
	// 25%: percent=true
	// invalid int or percent "one": want a whole number or a percent such as "25%"
}

// A percent resolves against the desired replicas, rounded up for
// maxSurge and down for maxUnavailable.
func ExampleIntOrPercent_Scaled() {
	v := deployment.Percent("25%")
	for _, replicas := range []int32{3, 4, 10} {
		up, _ := v.Scaled(replicas, true)
		down, _ := v.Scaled(replicas, false)
		fmt.Printf("25%% of %d: %d rounded up, %d rounded down\n", replicas, up, down)
	}
	// Output:
	// 25% of 3: 1 rounded up, 0 rounded down
	// 25% of 4: 1 rounded up, 1 rounded down
	// 25% of 10: 3 rounded up, 2 rounded down
}

// newDeployment returns a Deployment of replicas httpd pods, as a client
// writes it: the strategy left for Default to fill.
func newDeployment(replicas int32) *deployment.Deployment {
	return kubectl.NewDeployment("", "httpd", "httpd:2.4.16", replicas)
}

// MaxSurge and MaxUnavailable give the pod counts a rolling update is
// bounded by. With the defaults (25% each), 3 replicas roll one new pod at
// a time and keep all 3 old ones available until it is; 10 replicas may
// run 3 extra pods and lose 2.
func ExampleMaxSurge() {
	for _, replicas := range []int32{1, 3, 10} {
		d := newDeployment(replicas)
		deployment.Default(d)
		fmt.Printf("%2d replicas: maxSurge %d, maxUnavailable %d\n",
			replicas, deployment.MaxSurge(d), deployment.MaxUnavailable(d))
	}

	// Explicit values: up to 2 pods down at once, none extra.
	d := newDeployment(10)
	d.Spec.Strategy.RollingUpdate = &deployment.RollingUpdateParams{
		MaxSurge:       deployment.Int(0),
		MaxUnavailable: deployment.Percent("20%"),
	}
	deployment.Default(d)
	fmt.Printf("10 replicas, surge 0, unavailable 20%%: maxSurge %d, maxUnavailable %d\n",
		deployment.MaxSurge(d), deployment.MaxUnavailable(d))

	// Recreate replaces every pod at once: no surge, and the counts do
	// not apply.
	d = newDeployment(10)
	d.Spec.Strategy.Type = deployment.Recreate
	deployment.Default(d)
	fmt.Printf("10 replicas, Recreate: maxSurge %d, maxUnavailable %d\n",
		deployment.MaxSurge(d), deployment.MaxUnavailable(d))
	// Output:
	//  1 replicas: maxSurge 1, maxUnavailable 0
	//  3 replicas: maxSurge 1, maxUnavailable 0
	// 10 replicas: maxSurge 3, maxUnavailable 2
	// 10 replicas, surge 0, unavailable 20%: maxSurge 0, maxUnavailable 2
	// 10 replicas, Recreate: maxSurge 0, maxUnavailable 0
}

// When both bounds resolve to 0 the rollout could never move, so
// Fenceposts lets one pod be unavailable: here maxUnavailable 10% of 3
// rounds down to 0 and maxSurge is 0%.
func ExampleFenceposts() {
	d := newDeployment(3)
	d.Spec.Strategy.RollingUpdate = &deployment.RollingUpdateParams{
		MaxSurge:       deployment.Percent("0%"),
		MaxUnavailable: deployment.Percent("10%"),
	}
	deployment.Default(d)
	surge, unavailable := deployment.Fenceposts(d)
	fmt.Println("surge", surge, "unavailable", unavailable)
	// Output:
	// surge 0 unavailable 1
}

// Default fills what the API server fills; Validate then rejects what it
// rejects, in its words.
func ExampleValidate() {
	d := newDeployment(3)
	deployment.Default(d)
	fmt.Println(deployment.Validate(d, nil))

	d.Spec.Strategy.RollingUpdate.MaxSurge = deployment.Int(0)
	d.Spec.Strategy.RollingUpdate.MaxUnavailable = deployment.Int(0)
	fmt.Println(deployment.Validate(d, nil))
	// Output:
	// <nil>
	// Deployment.apps "httpd" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0
}
