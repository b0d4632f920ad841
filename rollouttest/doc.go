// Package rollouttest is a property-based testing kit for rollsim: rapid
// generators of valid Deployments, strategies and sequences of operations,
// and invariant checks of the Deployment → ReplicaSet → Pod control loop
// to call from a test.
package rollouttest
