package manifest_test

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollsim/rollsim/manifest"
)

func ExampleDecode() {
	objs, err := manifest.Decode("httpd.yml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpd
spec:
  replicas: 3
  selector:
    matchLabels:
      app: httpd
  template:
    metadata:
      labels:
        app: httpd
    spec:
      containers:
      - name: httpd
        image: httpd:2.4.16
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
---
apiVersion: v1
kind: Node
metadata:
  name: node-1
status:
  allocatable:
    cpu: "2"
    memory: 4Gi
    pods: "110"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs {
		fmt.Printf("%s document %d: %s/%s\n", o.File, o.Document, o.Kind(), o.Name())
		if d := o.Deployment; d != nil {
			c := d.Spec.Template.Spec.Containers[0]
			fmt.Printf("  replicas=%d selector=%s image=%s requests=%dm/%d\n",
				*d.Spec.Replicas, d.Spec.Selector, c.Image, c.Requests.MilliCPU, c.Requests.Memory)
			fmt.Printf("  strategy unset: %v\n", d.Spec.Strategy.RollingUpdate == nil)
		}
		if n := o.Node; n != nil {
			a := n.Allocatable
			fmt.Printf("  allocatable=%dm/%d maxPods=%d\n", *a.MilliCPU, *a.Memory, *a.Pods)
		}
	}

	_, err = manifest.Decode("httpd.yml", []byte("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 3\n"))
	fmt.Println(err)
	// Output:
	// httpd.yml document 1: Deployment/httpd
	//   replicas=3 selector=app=httpd image=httpd:2.4.16 requests=100m/67108864
	//   strategy unset: true
	// httpd.yml document 2: Node/node-1
	//   allocatable=2000m/4294967296 maxPods=110
	// httpd.yml: document 1: spec.replica: unknown field
}

// A Deployment a client library has already decoded converts as one read
// from a file; what the simulator cannot keep is refused.
func ExampleFromDeployment() {
	replicas := int32(3)
	labels := map[string]string{"app": "httpd"}
	in := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "httpd"},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "httpd", Image: "httpd:2.4.16"}}},
			},
		},
	}
	d, err := manifest.FromDeployment(in)
	fmt.Println(d.Name, *d.Spec.Replicas, d.Image(), err)

	// Metadata set by operators and charts is kept as the API's type.
	in.Finalizers = []string{"example.com/keep"}
	d, err = manifest.FromDeployment(in)
	fmt.Println(d.Meta.Finalizers, err)
	// Output:
	// httpd 3 httpd:2.4.16 <nil>
	// [example.com/keep] <nil>
}
