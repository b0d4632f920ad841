package rollouttest_test

import (
	"fmt"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/rollouttest"
)

// Property-test your rollout settings: which maxSurge and maxUnavailable
// keep 90% of 10 replicas available during a rolling update and finish it
// within 3 pod-startup periods? Each candidate is rolled out on a fresh
// cluster and measured at every timed event.
func Example_rolloutSettings() {
	const replicas = 10
	startup := 20 * time.Second
	cfg := rollsim.Config{PodStartup: startup}
	newImage := func(d *deployment.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "web:2" }

	fmt.Println("maxSurge maxUnavailable  took  min-available max-pods  verdict")
	cheapest, cheapestPods := "", int32(0)
	for _, surge := range []string{"0", "1", "25%", "50%", "100%"} {
		for _, unavailable := range []string{"0", "1", "25%"} {
			d := web(replicas)
			s, _ := deployment.ParseIntOrPercent(surge)
			u, _ := deployment.ParseIntOrPercent(unavailable)
			d.Spec.Strategy = deployment.Strategy{Type: deployment.RollingUpdate,
				RollingUpdate: &deployment.RollingUpdateParams{MaxSurge: s, MaxUnavailable: u}}

			r, err := rollouttest.MeasureRollout(cfg, d, newImage, time.Hour)
			if err != nil {
				fmt.Printf("%-8s %-14s  refused\n", surge, unavailable)
				continue
			}
			verdict := "ok"
			switch {
			case !r.Completed:
				verdict = "did not finish"
			case r.MinAvailable*10 < 9*replicas:
				verdict = "below 90%"
			case r.Took > 3*startup:
				verdict = "too slow"
			}
			fmt.Printf("%-8s %-14s %5s  %13d %8d  %s\n", surge, unavailable, r.Took, r.MinAvailable, r.MaxPods, verdict)
			if verdict == "ok" && (cheapest == "" || r.MaxPods < cheapestPods) {
				cheapest, cheapestPods = "maxSurge "+surge+", maxUnavailable "+unavailable, r.MaxPods
			}
		}
	}
	fmt.Printf("cheapest: %s, at most %d pods\n", cheapest, cheapestPods)
	// Output:
	// maxSurge maxUnavailable  took  min-available max-pods  verdict
	// 0        0               refused
	// 0        1              3m20s              9       10  too slow
	// 0        25%            1m40s              8       10  below 90%
	// 1        0              3m20s             10       11  too slow
	// 1        1              1m40s              9       11  too slow
	// 1        25%            1m20s              8       11  below 90%
	// 25%      0              1m20s             10       13  too slow
	// 25%      1               1m0s              9       13  ok
	// 25%      25%              40s              8       13  below 90%
	// 50%      0                40s             10       15  ok
	// 50%      1                40s              9       15  ok
	// 50%      25%              40s              8       15  below 90%
	// 100%     0                20s             10       20  ok
	// 100%     1                20s              9       19  ok
	// 100%     25%              20s              8       18  below 90%
	// cheapest: maxSurge 25%, maxUnavailable 1, at most 13 pods
}
