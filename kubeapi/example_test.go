package kubeapi_test

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubeapi"
)

// client-go on a simulated cluster, in-process: the clientset is the one
// a program builds for a real cluster; the test moves the clock.
func ExampleHandler_RESTConfig() {
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
	defer h.Close()
	cs, err := kubernetes.NewForConfig(h.RESTConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if _, err := cs.AppsV1().Deployments("default").Create(ctx, newDeployment("httpd", "httpd:2.2.31", 3), metav1.CreateOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	h.Do(func(c *rollsim.Cluster) { c.Advance(10 * time.Second) })
	d, err := cs.AppsV1().Deployments("default").Get(ctx, "httpd", metav1.GetOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name, d.Status.AvailableReplicas, "available")
	rs, _ := cs.AppsV1().ReplicaSets("default").List(ctx, metav1.ListOptions{LabelSelector: "app=httpd"})
	fmt.Println(rs.Items[0].Name)
	// Output:
	// httpd 3 available
	// httpd-d4cf65684
}
