// Package examples holds the lessons that ship with rollsim: each folder
// has the manifests, the scenario file and a Go program that plays the
// same lesson through the library's API. FS embeds the manifests and
// scenarios so that `rollsim demo` needs no files.
package examples

import (
	"embed"
	"slices"
)

// FS holds every example folder's manifests and scenario files.
//
//go:embed rolling-update/*.yml rolling-update/*.scenario rollback/*.yml rollback/*.scenario capacity/*.yml capacity/*.scenario
var FS embed.FS

// Lesson is one example scenario with what it teaches.
type Lesson struct {
	// Dir is the example's folder in FS.
	Dir string
	// Scenario is the scenario file's name in Dir.
	Scenario string
	// Title says what the lesson shows.
	Title string
	// Fails marks a lesson in which a command fails on purpose, such as
	// a `rollout status` that reports a stalled rollout.
	Fails bool
}

// Lessons returns the examples `rollsim demo` plays, in order: a list of
// the caller's own, so that no caller changes another's.
func Lessons() []Lesson { return slices.Clone(lessons) }

var lessons = []Lesson{
	{Dir: "rolling-update", Scenario: "rolling-update.scenario", Title: "A rolling update: httpd 2.2.31 to 2.2.32, one pod at a time"},
	{Dir: "rollback", Scenario: "rollback.scenario", Title: "Revisions, history and undo: v1, v2, v3, then back to v1"},
	{Dir: "capacity", Scenario: "capacity.scenario", Title: "No room to surge: a full cluster stalls maxSurge 1, maxUnavailable 0", Fails: true},
}
