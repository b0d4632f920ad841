package pod_test

import (
	"fmt"
	"time"

	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// httpd returns a template of one httpd container running image.
func httpd(image string) pod.Template {
	return pod.Template{
		Labels: map[string]string{"app": "httpd"},
		Spec: pod.Spec{
			RestartPolicy: "Always",
			Containers:    []pod.Container{{Name: "httpd", Image: image}},
		},
	}
}

// The pod-template-hash names a Deployment's ReplicaSets: the same
// template always gives the same hash, a changed one a new hash. The hash
// label itself does not count, and a collision count moves the hash on.
func ExampleTemplate_Hash() {
	v1 := httpd("httpd:2.4.16")
	h := v1.Hash(nil)
	fmt.Println("v1:", h)

	labelled := v1.Clone()
	labelled.Labels[pod.TemplateHashLabel] = h
	fmt.Println("v1 with its hash label:", labelled.Hash(nil))

	v2 := httpd("httpd:2.4.17")
	fmt.Println("v2:", v2.Hash(nil))

	collisions := int32(1)
	fmt.Println("v1 after a collision:", v1.Hash(&collisions))
	// Output:
	// v1: 7df79656f
	// v1 with its hash label: 7df79656f
	// v2: 6d9b884cb6
	// v1 after a collision: 65847d5ddd
}

// EqualIgnoringHash is how the Deployment controller finds the ReplicaSet
// of its current template among the old ones.
func ExampleTemplate_EqualIgnoringHash() {
	current := httpd("httpd:2.4.16")
	rsTemplate := current.Clone()
	rsTemplate.Labels[pod.TemplateHashLabel] = current.Hash(nil)
	other := httpd("httpd:2.4.17")

	fmt.Println(current.EqualIgnoringHash(&rsTemplate))
	fmt.Println(current.EqualIgnoringHash(&other))
	// Output:
	// true
	// false
}

// A pod is available once it has been Ready for its ReplicaSet's
// minReadySeconds.
func ExamplePod_IsAvailable() {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &pod.Pod{Phase: pod.Running, Ready: true, ReadyTime: start}
	fmt.Println("available at", p.AvailableAt(10).Sub(start))
	for _, after := range []time.Duration{0, 9 * time.Second, 10 * time.Second} {
		fmt.Printf("after %s: minReadySeconds 0: %v, 10: %v\n",
			after, p.IsAvailable(0, start.Add(after)), p.IsAvailable(10, start.Add(after)))
	}
	// Output:
	// available at 10s
	// after 0s: minReadySeconds 0: true, 10: false
	// after 9s: minReadySeconds 0: true, 10: false
	// after 10s: minReadySeconds 0: true, 10: true
}

// When a ReplicaSet scales down it deletes the pods that matter least
// first: not yet Ready before Ready, then the most recently Ready.
func ExampleDeleteBefore() {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start.Add(time.Hour)
	newPod := func(name string, ready bool, readyAgo time.Duration) pod.Ranked {
		p := &pod.Pod{ObjectMeta: meta.ObjectMeta{Name: name, CreationTimestamp: start}, Bound: true, Phase: pod.Running}
		if ready {
			p.Ready, p.ReadyTime = true, now.Add(-readyAgo)
		}
		return pod.Ranked{Pod: p}
	}
	starting := newPod("starting", false, 0)
	fresh := newPod("ready-1m", true, time.Minute)
	old := newPod("ready-50m", true, 50*time.Minute)

	fmt.Println(pod.DeleteBefore(starting, fresh, now))
	fmt.Println(pod.DeleteBefore(fresh, old, now))
	fmt.Println(pod.DeleteBefore(old, fresh, now))
	// Output:
	// true
	// true
	// false
}
