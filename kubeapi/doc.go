// Package kubeapi speaks the Kubernetes API for a simulated cluster, so
// that code written for a real one (client-go, kubectl) drives a
// *rollsim.Cluster unchanged.
//
// A Handler serves the REST API of one cluster: discovery; apps/v1
// deployments (with their status and scale subresources) and replicasets
// (status, scale); core/v1 pods (status, eviction), nodes, events and
// namespaces; each node's lease (coordination.k8s.io/v1). It answers get,
// list and watch with label and field selectors and the API server's
// resourceVersion rules (410 Gone for a watch from a version its cache of
// writes no longer holds), create (with generateName), update (409
// Conflict for a stale resourceVersion), JSON, merge and strategic merge
// patches, and delete (of one object or a selected collection), with
// errors as the API server words them in a metav1.Status, so that
// apierrors.IsNotFound, IsConflict and IsInvalid hold; Tables with the API
// server's columns for kubectl get; protobuf for the clients that prefer
// it. RESTConfig gives a client configuration whose requests the Handler
// serves in-process, with no socket; RunClock moves the clock while
// clients wait.
//
// What it refuses, it refuses in the API server's terms: server-side
// apply is 415 Unsupported Media Type; a server-side dry run and a delete
// that orphans dependents are 400 Bad Request, since the cluster cannot
// try a write without keeping it, and deletes a Deployment's ReplicaSets
// and pods with it.
//
// The cluster stays single-goroutine: the Handler serializes every
// request's use of it, and Do lends it to the caller under the same lock,
// to move time. Watches are fed from the cluster's commit point through
// bounded buffers; a watcher that falls behind is closed, as the API
// server closes one, and never holds the cluster up.
//
// Its conversions turn the simulator's objects into k8s.io/api types and
// back: Deployment and FromDeployment, ReplicaSet and FromReplicaSet, Pod
// and FromPod, Node and FromNode, Event and FromEvent. What the simulator
// keeps survives a round trip, but for the creation index by which the
// cluster orders objects created at one instant, which the API has no
// place for and the cluster assigns anew.
package kubeapi
