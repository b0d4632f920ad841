package pod

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rollsim/rollsim/meta"
)

// A clone shares nothing that can be changed in place with its original.
func TestCloneIsDeep(t *testing.T) {
	tmpl := Template{Labels: map[string]string{"app": "web"}, Spec: Spec{Containers: []Container{{Name: "web", Image: "web:1", Ports: []Port{{ContainerPort: 80}}}}}}
	var l List
	p := &Pod{Spec: &tmpl.Spec, Phase: Running}
	p.Name, p.Labels, p.Owner = "web-1", tmpl.Labels, &meta.OwnerRef{Kind: "ReplicaSet", Name: "web"}
	l.PushBack(p)

	c := p.Clone()
	assert.Equal(t, p.Name, c.Name)
	assert.Equal(t, p.Spec, c.Spec)
	c.Spec.Containers[0].Image = "changed"
	c.Spec.Containers[0].Ports[0].ContainerPort = 1
	c.Labels["app"] = "changed"
	c.Owner.Name = "changed"
	assert.Equal(t, "web:1", tmpl.Spec.Containers[0].Image)
	assert.Equal(t, int32(80), tmpl.Spec.Containers[0].Ports[0].ContainerPort)
	assert.Equal(t, "web", tmpl.Labels["app"])
	assert.Equal(t, "web", p.Owner.Name)
	assert.Nil(t, c.list, "a clone is in no list")
}
