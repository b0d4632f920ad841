package deployment

import (
	"testing"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The metadata a Deployment keeps as the API's type is validated as the
// API server validates it, in its words.
func TestValidateKeptMetadata(t *testing.T) {
	yes := true
	for _, tt := range []struct {
		name string
		meta *metav1.ObjectMeta
		want string
	}{
		{name: "none", want: ""},
		{name: "a full owner and a finalizer", meta: &metav1.ObjectMeta{
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "example.com/v1", Kind: "App", Name: "web", UID: "u-1", Controller: &yes}},
			Finalizers:      []string{"example.com/keep"}}, want: ""},
		{name: "an owner without uid", meta: &metav1.ObjectMeta{
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "p"}}},
			want: `Deployment.apps "web" is invalid: metadata.ownerReferences[0].uid: Required value: must not be empty`},
		{name: "two controllers", meta: &metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{
			{APIVersion: "v1", Kind: "A", Name: "a", UID: "1", Controller: &yes},
			{APIVersion: "v1", Kind: "B", Name: "b", UID: "2", Controller: &yes}}},
			want: `Only one reference can have Controller set to true. Found "true" in references for A/a and B/b`},
		{name: "a finalizer that is not a qualified name", meta: &metav1.ObjectMeta{Finalizers: []string{"not/a/name"}},
			want: `metadata.finalizers: Invalid value: "not/a/name"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDeployment(2, 1, 0)
			d.Meta = tt.meta
			Default(d)
			err := Validate(d, nil)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
