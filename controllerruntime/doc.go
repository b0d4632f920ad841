// Package controllerruntime holds the tests that run controller-runtime
// against a simulated cluster; it is a module of its own so that the
// main module does not depend on controller-runtime.
package controllerruntime
