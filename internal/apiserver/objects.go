package apiserver

import (
	"maps"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// CreateDeployment defaults, validates and stores a client's new
// Deployment d (the server's own copy from then on). On error nothing is
// stored.
func (s *Server) CreateDeployment(d *deployment.Deployment) error {
	return s.Commit(Write{Op: Added, Deployment: d,
		Admit: func() error {
			if d.Name == "" && d.Meta != nil && d.Meta.GenerateName != "" {
				// Named from generateName, as pods are.
				d.Name = d.Meta.GenerateName + pod.RandomSuffix(5, s.NameDraw)
			}
			deployment.Default(d)
			if err := deployment.Validate(d, nil); err != nil {
				return err
			}
			return absent(s.Deployments, "deployments.apps", &d.ObjectMeta)
		},
		Apply: func() bool {
			s.Created(&d.ObjectMeta)
			d.Status = deployment.Status{}
			s.Deployments[KeyOf(&d.ObjectMeta)] = d
			return true
		},
	})
}

// UpdateDeployment stores the metadata and spec of a client's update d
// (the server's own copy) into the stored Deployment, after defaults,
// validation and the resourceVersion check, and returns the stored one.
func (s *Server) UpdateDeployment(d *deployment.Deployment) (*deployment.Deployment, error) {
	cur, err := s.Deployment(d.Namespace, d.Name)
	if err != nil {
		return nil, err
	}
	err = s.Commit(Write{Op: Modified, Deployment: cur, Expect: d.ResourceVersion, UID: d.UID,
		Admit: func() error {
			deployment.Default(d)
			return deployment.Validate(d, cur)
		},
		Apply: func() bool { return StoreDeploymentSpec(cur, d, true) },
	})
	return cur, err
}

// UpdateDeploymentStatus stores the status of a client's status update d
// (the server's own copy), validated and checked by resourceVersion, and
// returns the stored Deployment.
func (s *Server) UpdateDeploymentStatus(d *deployment.Deployment) (*deployment.Deployment, error) {
	cur, err := s.Deployment(d.Namespace, d.Name)
	if err != nil {
		return nil, err
	}
	err = s.Commit(Write{Op: Modified, Deployment: cur, Expect: d.ResourceVersion, UID: d.UID,
		Admit: func() error { return deployment.ValidateStatus(d) },
		Apply: func() bool {
			if reflect.DeepEqual(cur.Status, d.Status) {
				return false
			}
			cur.Status = d.Status
			return true
		},
	})
	return cur, err
}

// StoreDeploymentSpec copies d's labels, annotations and spec into cur,
// bumping generation when the spec or annotations changed, and reports
// whether anything changed. When owned, d is the server's own copy, whose
// maps and pointers cur may take.
func StoreDeploymentSpec(cur, d *deployment.Deployment, owned bool) bool {
	changed := !maps.Equal(cur.Annotations, d.Annotations) || !cur.Spec.Equal(&d.Spec)
	if !changed && maps.Equal(cur.Labels, d.Labels) && (cur.Meta == d.Meta || equality.Semantic.DeepEqual(cur.Meta, d.Meta)) {
		return false
	}
	nd := d
	if !owned {
		nd = d.Clone()
	}
	cur.Labels = nd.Labels
	cur.Annotations = nd.Annotations
	cur.Meta = nd.Meta
	cur.Spec = nd.Spec
	if changed {
		cur.Generation++
	}
	return true
}

// Deployment returns the stored Deployment of that name.
func (s *Server) Deployment(namespace, name string) (*deployment.Deployment, error) {
	return get(s.Deployments, "deployments.apps", namespace, name)
}

// absent is the check of a create: nothing of m's resource may have the
// new object's name already.
func absent[V any](m map[Key]*V, resource string, o *meta.ObjectMeta) error {
	if _, ok := m[KeyOf(o)]; ok {
		return &meta.AlreadyExistsError{Resource: resource, Name: o.Name}
	}
	return nil
}

// get returns the stored object of that name, or the API server's
// NotFound for resource.
func get[V any](m map[Key]*V, resource, namespace, name string) (*V, error) {
	if o, ok := m[Key{Namespace(namespace), name}]; ok {
		return o, nil
	}
	return nil, &meta.NotFoundError{Resource: resource, Name: name}
}

// RemoveDeployment deletes a stored Deployment; the caller deletes what
// it owns first.
func (s *Server) RemoveDeployment(d *deployment.Deployment) {
	_ = s.Commit(Write{Op: Deleted, Deployment: d, Apply: func() bool {
		delete(s.Deployments, KeyOf(&d.ObjectMeta))
		return true
	}})
}

// Owner returns the stored Deployment that owns rs, or nil.
func (s *Server) Owner(rs *replicaset.ReplicaSet) *deployment.Deployment {
	if rs.Owner == nil {
		return nil
	}
	if d, ok := s.Deployments[Key{rs.Namespace, rs.Owner.Name}]; ok && d.UID == rs.Owner.UID {
		return d
	}
	return nil
}

// CreateReplicaSet stores a new ReplicaSet (the server's own copy from
// then on), after admit: the defaults and validation of a client's
// ReplicaSet, nil for a controller's.
func (s *Server) CreateReplicaSet(rs *replicaset.ReplicaSet, admit func() error) error {
	return s.Commit(Write{Op: Added, ReplicaSet: rs,
		Admit: func() error {
			if admit != nil {
				if err := admit(); err != nil {
					return err
				}
			}
			return absent(s.ReplicaSets, "replicasets.apps", &rs.ObjectMeta)
		},
		Apply: func() bool {
			s.Created(&rs.ObjectMeta)
			s.ReplicaSets[KeyOf(&rs.ObjectMeta)] = rs
			if rs.Owner != nil {
				s.ByOwner[rs.Owner.UID] = append(s.ByOwner[rs.Owner.UID], rs)
			}
			return true
		},
	})
}

// ScaleReplicaSet sets a stored ReplicaSet's spec.replicas.
func (s *Server) ScaleReplicaSet(namespace, name string, replicas int32) error {
	rs, err := s.ReplicaSet(namespace, name)
	if err != nil {
		return err
	}
	return s.Commit(Write{Op: Modified, ReplicaSet: rs,
		Admit: func() error {
			if replicas < 0 {
				return &meta.InvalidError{Kind: "ReplicaSet", Group: "apps", Name: name, Causes: []meta.FieldError{
					meta.Invalid("spec.replicas", replicas, "must be greater than or equal to 0")}}
			}
			return nil
		},
		Apply: func() bool {
			if rs.Spec.Replicas == replicas {
				return false
			}
			rs.Spec.Replicas = replicas
			rs.Generation++
			return true
		},
	})
}

// ReplicaSet returns the stored ReplicaSet of that name.
func (s *Server) ReplicaSet(namespace, name string) (*replicaset.ReplicaSet, error) {
	return get(s.ReplicaSets, "replicasets.apps", namespace, name)
}

// RemoveReplicaSet deletes a stored ReplicaSet; the caller deletes its
// pods first.
func (s *Server) RemoveReplicaSet(rs *replicaset.ReplicaSet) {
	_ = s.Commit(Write{Op: Deleted, ReplicaSet: rs, Apply: func() bool {
		delete(s.ReplicaSets, KeyOf(&rs.ObjectMeta))
		if rs.Owner != nil {
			own := s.ByOwner[rs.Owner.UID]
			if i := slices.Index(own, rs); i >= 0 {
				s.ByOwner[rs.Owner.UID] = slices.Delete(own, i, i+1)
			}
		}
		return true
	}})
}

// Pod returns the stored pod of that name.
func (s *Server) Pod(namespace, name string) (*pod.Pod, error) {
	return get(s.Pods, "pods", namespace, name)
}

// PodOwner returns the stored ReplicaSet a pod names as its owner, or nil.
func (s *Server) PodOwner(p *pod.Pod) *replicaset.ReplicaSet {
	if p.Owner == nil {
		return nil
	}
	return s.ReplicaSets[Key{p.Namespace, p.Owner.Name}]
}
