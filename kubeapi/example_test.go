package kubeapi_test

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
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

// A Deployment of the API's types, as a client builds it, becomes the
// simulator's and back.
func ExampleFromDeployment() {
	d, err := kubeapi.FromDeployment(newDeployment("httpd", "httpd:2.2.31", 3))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name, d.DesiredReplicas(), d.Image())
	c := rollsim.New(rollsim.Config{Seed: 1})
	stored, _ := c.CreateDeployment(d)
	back := kubeapi.Deployment(stored)
	fmt.Println(back.APIVersion, back.Kind, back.Generation, back.Spec.Strategy.Type, back.Spec.Template.Spec.Containers[0].ImagePullPolicy)
	// Output:
	// httpd 3 httpd:2.2.31
	// apps/v1 Deployment 1 RollingUpdate IfNotPresent
}

// With AutoTime the clock moves by itself while every open request is a
// watch: a client waiting for a rollout sees it through, and no one calls
// Advance.
func ExampleHandler_RunClock() {
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go h.RunClock(ctx, kubeapi.AutoTime, 0)
	cs, _ := kubernetes.NewForConfig(h.RESTConfig())
	deps := cs.AppsV1().Deployments("default")
	if _, err := deps.Create(ctx, newDeployment("httpd", "httpd:2.2.31", 3), metav1.CreateOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	w, err := deps.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=httpd"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Stop()
	for e := range w.ResultChan() {
		if d := e.Object.(*appsv1.Deployment); d.Status.AvailableReplicas == 3 {
			fmt.Println("available after", d.Status.Conditions[0].LastUpdateTime.Sub(rollsim.Epoch()))
			break
		}
	}
	// Output:
	// available after 1s
}
