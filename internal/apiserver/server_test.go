package apiserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/meta"
)

func TestCommitPoint(t *testing.T) {
	created := func(s *Server) *deployment.Deployment {
		d := fixture.Deployment("web", "web:1", 2)
		require.NoError(t, s.CreateDeployment(d))
		return d
	}
	tests := []struct {
		name string
		// write changes the stored Deployment d of rv 1.
		write       func(s *Server, d *deployment.Deployment) error
		wantErr     func(error) bool
		wantRV      uint64
		wantHandled []Op
	}{
		{
			name: "a change is committed with the next resourceVersion",
			write: func(s *Server, d *deployment.Deployment) error {
				cp := d.Clone()
				cp.Spec.Replicas = deployment.Ptr[int32](3)
				_, err := s.UpdateDeployment(cp)
				return err
			},
			wantRV: 2, wantHandled: []Op{Added, Modified},
		},
		{
			name: "a write that changes nothing commits nothing",
			write: func(s *Server, d *deployment.Deployment) error {
				_, err := s.UpdateDeployment(d.Clone())
				return err
			},
			wantRV: 1, wantHandled: []Op{Added},
		},
		{
			name: "a stale resourceVersion is a conflict",
			write: func(s *Server, d *deployment.Deployment) error {
				cp := d.Clone()
				cp.ResourceVersion = 7
				cp.Spec.Replicas = deployment.Ptr[int32](3)
				_, err := s.UpdateDeployment(cp)
				return err
			},
			wantErr: meta.IsConflict, wantRV: 1, wantHandled: []Op{Added},
		},
		{
			name: "a refused change stores nothing",
			write: func(s *Server, d *deployment.Deployment) error {
				cp := d.Clone()
				cp.Spec.Replicas = deployment.Ptr[int32](-1)
				_, err := s.UpdateDeployment(cp)
				return err
			},
			wantErr: meta.IsInvalid, wantRV: 1, wantHandled: []Op{Added},
		},
		{
			name: "a second create of a name already exists",
			write: func(s *Server, _ *deployment.Deployment) error {
				return s.CreateDeployment(fixture.Deployment("web", "web:2", 1))
			},
			wantErr: meta.IsAlreadyExists, wantRV: 1, wantHandled: []Op{Added},
		},
		{
			name: "a delete is committed",
			write: func(s *Server, d *deployment.Deployment) error {
				s.RemoveDeployment(d)
				return nil
			},
			wantRV: 2, wantHandled: []Op{Added, Deleted},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(1, Epoch(), nil)
			var handled, notified []Op
			s.Handle = func(w Change) { handled = append(handled, w.Op) }
			s.Notify = func(w Change) {
				// The handlers have run by the time the watchers hear.
				require.Len(t, handled, len(notified)+1)
				notified = append(notified, w.Op)
			}
			d := created(s)
			before, err := s.Deployment("", "web")
			require.NoError(t, err)
			spec := *before.Spec.Replicas
			err = tt.write(s, d)
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.True(t, tt.wantErr(err), "%v", err)
				assert.Equal(t, spec, *d.Spec.Replicas, "a refused write left the stored object alone")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantRV, s.ResourceVersion())
			assert.Equal(t, int(tt.wantRV), s.Writes())
			assert.Equal(t, tt.wantHandled, handled)
			assert.Equal(t, handled, notified)
		})
	}
}

func TestCreatedFillsServerFields(t *testing.T) {
	s := New(1, Epoch(), nil)
	d := fixture.Deployment("web", "web:1", 1)
	d.Namespace = ""
	require.NoError(t, s.CreateDeployment(d))
	assert.Equal(t, meta.DefaultNamespace, d.Namespace)
	assert.NotEmpty(t, d.UID)
	assert.Equal(t, Epoch(), d.CreationTimestamp)
	assert.Equal(t, int64(1), d.Generation)
	assert.Equal(t, uint64(1), d.ResourceVersion)

	// The same seed draws the same UIDs.
	again := New(1, Epoch(), nil)
	d2 := fixture.Deployment("web", "web:1", 1)
	require.NoError(t, again.CreateDeployment(d2))
	assert.Equal(t, d.UID, d2.UID)
}

func TestScaleReplicaSet(t *testing.T) {
	s := New(1, Epoch(), nil)
	require.NoError(t, s.CreateReplicaSet(fixture.ReplicaSet("web", "web:1", 1), nil))
	require.NoError(t, s.ScaleReplicaSet("", "web", 3))
	rs, err := s.ReplicaSet("default", "web")
	require.NoError(t, err)
	assert.Equal(t, int32(3), rs.Spec.Replicas)
	assert.Equal(t, int64(2), rs.Generation)
	assert.True(t, meta.IsInvalid(s.ScaleReplicaSet("", "web", -1)))
	assert.True(t, meta.IsNotFound(s.ScaleReplicaSet("", "nope", 1)))
	assert.Equal(t, uint64(2), s.ResourceVersion())
}
