package recorder

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	appsinformers "k8s.io/client-go/informers/apps/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

// fakeInformer is a shared index informer that is never started: the server
// writes its indexer at the moment a write commits and calls the registered
// handlers synchronously, so the caches always hold every committed write.
// Only the methods the controllers use are implemented; the embedded
// interface is nil and anything else would panic.
type fakeInformer struct {
	cache.SharedIndexInformer
	indexer  cache.Indexer
	handlers []cache.ResourceEventHandler
}

func newFakeInformer() *fakeInformer {
	return &fakeInformer{
		indexer: cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}),
	}
}

type noRegistration struct {
	cache.ResourceEventHandlerRegistration
}

func (noRegistration) HasSynced() bool { return true }

func (f *fakeInformer) AddEventHandler(h cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	f.handlers = append(f.handlers, h)
	return noRegistration{}, nil
}

func (f *fakeInformer) AddEventHandlerWithOptions(h cache.ResourceEventHandler, _ cache.HandlerOptions) (cache.ResourceEventHandlerRegistration, error) {
	return f.AddEventHandler(h)
}

func (f *fakeInformer) GetStore() cache.Store                                           { return f.indexer }
func (f *fakeInformer) GetIndexer() cache.Indexer                                       { return f.indexer }
func (f *fakeInformer) AddIndexers(ix cache.Indexers) error                             { return f.indexer.AddIndexers(ix) }
func (f *fakeInformer) HasSynced() bool                                                 { return true }
func (f *fakeInformer) LastSyncResourceVersion() string                                 { return "" }
func (f *fakeInformer) IsStopped() bool                                                 { return false }
func (f *fakeInformer) RemoveEventHandler(cache.ResourceEventHandlerRegistration) error { return nil }

func (f *fakeInformer) added(obj runtime.Object) {
	_ = f.indexer.Add(obj)
	for _, h := range f.handlers {
		h.OnAdd(obj, false)
	}
}

func (f *fakeInformer) updated(old, obj runtime.Object) {
	_ = f.indexer.Update(obj)
	for _, h := range f.handlers {
		h.OnUpdate(old, obj)
	}
}

func (f *fakeInformer) deleted(old runtime.Object) {
	_ = f.indexer.Delete(old)
	for _, h := range f.handlers {
		h.OnDelete(old)
	}
}

func keyOf(obj runtime.Object) string {
	acc, _ := meta.Accessor(obj)
	return acc.GetNamespace() + "/" + acc.GetName()
}

type deploymentInformer struct{ inf *fakeInformer }

func (d deploymentInformer) Informer() cache.SharedIndexInformer { return d.inf }
func (d deploymentInformer) Lister() appslisters.DeploymentLister {
	return appslisters.NewDeploymentLister(d.inf.indexer)
}

type replicaSetInformer struct{ inf *fakeInformer }

func (r replicaSetInformer) Informer() cache.SharedIndexInformer { return r.inf }
func (r replicaSetInformer) Lister() appslisters.ReplicaSetLister {
	return appslisters.NewReplicaSetLister(r.inf.indexer)
}

type podInformer struct{ inf *fakeInformer }

func (p podInformer) Informer() cache.SharedIndexInformer { return p.inf }
func (p podInformer) Lister() corelisters.PodLister       { return corelisters.NewPodLister(p.inf.indexer) }

var (
	_ appsinformers.DeploymentInformer = deploymentInformer{}
	_ appsinformers.ReplicaSetInformer = replicaSetInformer{}
	_ coreinformers.PodInformer        = podInformer{}
)
