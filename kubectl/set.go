package kubectl

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// ContainerImage is one CONTAINER=IMAGE argument of `kubectl set image`.
type ContainerImage struct {
	// Container names the container; "*" means every container.
	Container string
	// Image is the image to run.
	Image string
}

// errNoImages is kubectl's refusal of a `set image` that changes nothing.
var errNoImages = errors.New("at least one image update is required")

// ParseContainerImages reads `kubectl set image`'s CONTAINER=IMAGE
// arguments, refusing none at all, or one without "=", in kubectl's words.
func ParseContainerImages(args []string) ([]ContainerImage, error) {
	if len(args) == 0 {
		return nil, errNoImages
	}
	out := make([]ContainerImage, 0, len(args))
	for _, kv := range args {
		name, image, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("all resources must be specified before image changes: %s", kv)
		}
		out = append(out, ContainerImage{Container: name, Image: image})
	}
	return out, nil
}

// SetImage changes the images of a Deployment's containers, as `kubectl
// set image deployment/NAME CONTAINER=IMAGE...` does. cause, when set, is
// recorded as the change-cause in the same write, as --record does; a new
// change-cause alone is a change worth writing. It reports whether it
// wrote anything: kubectl sends nothing, and prints nothing, when the
// Deployment already runs those images.
func SetImage(c Client, namespace, name string, images []ContainerImage, cause string) (bool, error) {
	if len(images) == 0 {
		return false, errNoImages
	}
	d, err := get(c, namespace, name)
	if err != nil {
		return false, err
	}
	nd := d.Clone()
	for _, ci := range images {
		found := false
		for i := range nd.Spec.Template.Spec.Containers {
			ct := &nd.Spec.Template.Spec.Containers[i]
			if ci.Container == "*" || ct.Name == ci.Container {
				ct.Image = ci.Image
				found = true
			}
		}
		if !found {
			return false, fmt.Errorf("unable to find container named %q", ci.Container)
		}
	}
	if cause != "" {
		nd.SetAnnotation(deployment.ChangeCauseAnnotation, cause)
	}
	if nd.Spec.Template.EqualIgnoringHash(&d.Spec.Template) && maps.Equal(nd.Annotations, d.Annotations) {
		return false, nil
	}
	if _, err := c.UpdateDeployment(nd); err != nil {
		return false, err
	}
	return true, nil
}

// ErrReplicasRequired is kubectl scale's refusal, before it asks the
// server anything, of a missing or negative replica count.
var ErrReplicasRequired = errors.New("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")

// Scale sets a Deployment's spec.replicas, as `kubectl scale
// --replicas=N deployment/NAME` does; a negative count is refused first,
// as kubectl refuses it. cause, when set, is recorded as the
// change-cause afterwards, in a write of its own, as --record does: the
// current revision's ReplicaSet takes it over.
func Scale(c Client, namespace, name string, replicas int32, cause string) error {
	if replicas < 0 {
		return ErrReplicasRequired
	}
	d, err := get(c, namespace, name)
	if err != nil {
		return err
	}
	d.Spec.Replicas = deployment.Ptr(replicas)
	if _, err := c.UpdateDeployment(d); err != nil {
		return err
	}
	if cause == "" {
		return nil
	}
	d, err = c.Deployment(namespace, name)
	if err != nil {
		return FromServer(err)
	}
	d.SetAnnotation(deployment.ChangeCauseAnnotation, cause)
	_, err = c.UpdateDeployment(d)
	return err
}

// CreateDeployment creates a Deployment of replicas pods running image,
// labelled app=NAME, as `kubectl create deployment NAME --image=IMAGE`
// does; the container is named after the image.
func CreateDeployment(c Client, namespace, name, image string, replicas int32) error {
	if _, err := c.CreateDeployment(NewDeployment(namespace, name, image, replicas)); err != nil {
		// kubectl create deployment wraps the API server's error.
		return fmt.Errorf("failed to create deployment: %s", err.Error())
	}
	return nil
}

// NewDeployment returns the Deployment `kubectl create deployment NAME
// --image=IMAGE --replicas=N` sends: replicas pods of one container named
// after the image, the Deployment, its selector and its pods labelled
// app=NAME. It is the quickest start for a test, to change before
// creating or applying it.
func NewDeployment(namespace, name, image string, replicas int32) *deployment.Deployment {
	labels := func() map[string]string { return map[string]string{"app": name} }
	return &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Namespace: namespace, Name: name, Labels: labels()},
		Spec: deployment.Spec{
			Replicas: &replicas,
			Selector: &meta.Selector{MatchLabels: labels()},
			Template: pod.Template{Labels: labels(), Spec: pod.Spec{
				Containers: []pod.Container{{Name: containerNameFor(image), Image: image}},
			}},
		},
	}
}

// containerNameFor names a container after its image, as `kubectl create
// deployment` does: the last path segment without tag or digest.
func containerNameFor(image string) string {
	name := image[strings.LastIndexByte(image, '/')+1:]
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	return strings.ReplaceAll(name, "_", "-")
}
