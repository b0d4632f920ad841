package controllerruntime

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/kubeapi"
)

func web() *appsv1.Deployment { return fixture.APIDeployment("web", "web:1", 3) }

func available(d *appsv1.Deployment) bool {
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
			return d.Status.AvailableReplicas == *d.Spec.Replicas
		}
	}
	return false
}

func TestClientNew(t *testing.T) {
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
	defer h.Close()
	c, err := client.New(h.RESTConfig(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, web()); err != nil {
		t.Fatal(err)
	}
	var list appsv1.DeploymentList
	if err := c.List(ctx, &list, client.InNamespace("default"), client.MatchingLabels{}); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("listed %d Deployments", len(list.Items))
	}
	var rs appsv1.ReplicaSetList
	if err := c.List(ctx, &rs, client.InNamespace("default"), client.MatchingLabels{"app": "web"}); err != nil || len(rs.Items) != 1 {
		t.Fatalf("ReplicaSets: %v %v", len(rs.Items), err)
	}
	d := web()
	if err := c.Get(ctx, client.ObjectKeyFromObject(d), d); err != nil {
		t.Fatal(err)
	}
	stale := d.DeepCopy()
	d.Spec.Template.Spec.Containers[0].Image = "web:2"
	if err := c.Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := c.Update(ctx, stale); !apierrors.IsConflict(err) {
		t.Fatalf("stale update: %v", err)
	}
	patch := client.MergeFrom(d.DeepCopy())
	d.Spec.Paused = true
	if err := c.Patch(ctx, d, patch); err != nil || !d.Spec.Paused {
		t.Fatalf("patch: %v", err)
	}
	if err := c.DeleteAllOf(ctx, &appsv1.Deployment{}, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	if err := c.List(ctx, &list, client.InNamespace("default")); err != nil || len(list.Items) != 0 {
		t.Fatalf("after DeleteAllOf: %d Deployments, %v", len(list.Items), err)
	}
}

// A reconciler that makes sure a Deployment exists and reports when it
// is available, run by a manager whose informers watch the cluster; the
// clock moves while they wait.
func TestReconcilerWithManager(t *testing.T) {
	h := kubeapi.NewHandler(rollsim.New(rollsim.Config{Seed: 1}), kubeapi.Options{})
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	go h.RunClock(ctx, kubeapi.AutoTime, 0)

	mgr, err := manager.New(h.RESTConfig(), manager.Options{
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	kick := make(chan event.TypedGenericEvent[*appsv1.Deployment], 1)
	kick <- event.TypedGenericEvent[*appsv1.Deployment]{Object: web()}
	c := mgr.GetClient()
	skip := true
	err = builder.ControllerManagedBy(mgr).
		Named("web").
		// Each run of the test registers the same name again.
		WithOptions(controller.Options{SkipNameValidation: &skip}).
		For(&appsv1.Deployment{}).
		WatchesRawSource(source.Channel(kick, &handler.TypedEnqueueRequestForObject[*appsv1.Deployment]{})).
		Complete(reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
			var d appsv1.Deployment
			err := c.Get(ctx, req.NamespacedName, &d)
			switch {
			case apierrors.IsNotFound(err):
				return reconcile.Result{}, c.Create(ctx, web())
			case err != nil:
				return reconcile.Result{}, err
			case available(&d):
				select {
				case <-done:
				default:
					close(done)
				}
			}
			return reconcile.Result{}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- mgr.Start(ctx) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the Deployment never became available")
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	h.Do(func(c *rollsim.Cluster) {
		d, err := c.Deployment("default", "web")
		if err != nil || d.Status.AvailableReplicas != 3 {
			t.Fatalf("web: %v %v", d, err)
		}
	})
}
