package rollouttest

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
	"github.com/rollsim/rollsim/replicaset"
)

// The API's examples of proportional scaling, from the sizes before to the
// sizes after; ReplicaSets are listed oldest first.
func TestExpectedScale(t *testing.T) {
	for _, tt := range []struct {
		name           string
		from, to       int32
		surge          int32
		maxReplicas    int32 // the ceiling the ReplicaSets were sized for
		sizes, want    []int32
		statusReplicas int32
	}{
		{name: "7 to 10", from: 7, to: 10, maxReplicas: 7, sizes: []int32{2, 3, 2}, want: []int32{3, 4, 3}},
		{name: "13 to 8", from: 13, to: 8, maxReplicas: 13, sizes: []int32{3, 8, 2}, want: []int32{2, 5, 1}},
		{name: "3 to 4: the newest takes the leftover", from: 3, to: 4, maxReplicas: 3, sizes: []int32{1, 1, 1}, want: []int32{1, 1, 2}},
		{name: "3 to 2: the oldest gives it", from: 3, to: 2, maxReplicas: 3, sizes: []int32{1, 1, 1}, want: []int32{0, 1, 1}},
		{name: "10 to 15 with a surge of 3", from: 10, to: 15, surge: 3, maxReplicas: 13, sizes: []int32{8, 5}, want: []int32{11, 7}},
		{name: "no annotation: the status's replicas", from: 10, to: 15, surge: 3, statusReplicas: 13, sizes: []int32{8, 5}, want: []int32{11, 7}},
		{name: "to 0", from: 4, to: 0, surge: 1, maxReplicas: 5, sizes: []int32{2, 3}, want: []int32{0, 0}},
		{name: "one active takes all", from: 4, to: 6, surge: 1, maxReplicas: 5, sizes: []int32{0, 4}, want: []int32{0, 6}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			unavailable := int32(0)
			if tt.surge == 0 {
				unavailable = 1
			}
			d := func(replicas int32) *deployment.Deployment {
				return &deployment.Deployment{
					ObjectMeta: meta.ObjectMeta{Name: "web"},
					Spec: deployment.Spec{Replicas: deployment.Ptr(replicas),
						Template: pod.Template{Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:" + strconv.Itoa(len(tt.sizes))}}}},
						Strategy: deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: &deployment.RollingUpdateParams{
							MaxSurge: deployment.Int(tt.surge), MaxUnavailable: deployment.Int(unavailable)}}},
					Status: deployment.Status{Replicas: tt.statusReplicas},
				}
			}
			var rss []*replicaset.ReplicaSet
			for i, n := range tt.sizes {
				rs := &replicaset.ReplicaSet{ObjectMeta: meta.ObjectMeta{Name: "web-" + strconv.Itoa(i+1),
					CreationTimestamp: rollsim.Epoch().Add(time.Duration(i) * time.Second),
					Annotations:       map[string]string{deployment.DesiredReplicasAnnotation: strconv.Itoa(int(tt.from))}}}
				if tt.maxReplicas > 0 {
					rs.Annotations[deployment.MaxReplicasAnnotation] = strconv.Itoa(int(tt.maxReplicas))
				}
				rs.Spec.Replicas = n
				rs.Spec.Template = pod.Template{Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:" + strconv.Itoa(i+1)}}}}
				rss = append(rss, rs)
			}
			changes := expectedScale(d(tt.from), d(tt.to), rss)
			var got []int32
			for _, rs := range rss {
				n, ok := changes[rs.Name]
				if !ok {
					n = rs.Spec.Replicas
				}
				got = append(got, n)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
