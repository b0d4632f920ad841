// Package kubeapi speaks the Kubernetes API for a simulated cluster, so
// that code written for a real one (client-go, kubectl) drives a
// *rollsim.Cluster unchanged.
//
// Its conversions turn the simulator's objects into k8s.io/api types and
// back: Deployment and FromDeployment, ReplicaSet and FromReplicaSet, Pod
// and FromPod, Node and FromNode, Event and FromEvent. What the simulator
// keeps survives a round trip, but for the creation index by which the
// cluster orders objects created at one instant, which the API has no
// place for and the cluster assigns anew.
package kubeapi
