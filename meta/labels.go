package meta

import (
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// ValidateLabels checks label keys and values as the API server does,
// appending an error at path for each bad key or value. Keys are taken in
// order, where the API server's map order varies from run to run.
func ValidateLabels(labels map[string]string, path string, errs []FieldError) []FieldError {
	if LabelsValid(labels) {
		return errs
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		for _, msg := range content.IsLabelKey(k) {
			errs = append(errs, Invalid(path, k, msg))
		}
		for _, msg := range content.IsLabelValue(labels[k]) {
			errs = append(errs, Invalid(path, labels[k], msg))
		}
	}
	return errs
}

// ValidateAnnotations checks annotation keys as the API server does: as
// label keys, letter case aside. Their total size is not checked.
func ValidateAnnotations(annotations map[string]string, path string, errs []FieldError) []FieldError {
	if AnnotationsValid(annotations) {
		return errs
	}
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, msg := range content.IsLabelKey(strings.ToLower(k)) {
			errs = append(errs, Invalid(path, k, msg))
		}
	}
	return errs
}

// The checks below tell, without allocating, whether the API server's
// checks would pass: the usual case, where their messages are not needed.

// LabelsValid reports, without allocating, whether ValidateLabels would
// find nothing wrong: callers on hot paths ask it before building a path.
func LabelsValid(labels map[string]string) bool {
	return allValid(labels, func(k, v string) bool { return labelKeyOK(k) && labelValueOK(v) })
}

// AnnotationsValid reports, without allocating for the usual lower-case
// keys, whether ValidateAnnotations would find nothing wrong.
func AnnotationsValid(annotations map[string]string) bool {
	return allValid(annotations, func(k, _ string) bool { return labelKeyOK(strings.ToLower(k)) })
}

func allValid(m map[string]string, ok func(k, v string) bool) bool {
	for k, v := range m {
		if !ok(k, v) {
			return false
		}
	}
	return true
}

func labelKeyOK(k string) bool {
	prefix, name, prefixed := strings.Cut(k, "/")
	if !prefixed {
		name = prefix
	} else if len(prefix) > 253 || !isDNSSubdomain(prefix) {
		return false
	}
	return name != "" && labelValueOK(name)
}

// labelValueOK: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends,
// or empty.
func labelValueOK(v string) bool {
	if v == "" {
		return true
	}
	if len(v) > 63 || !alnum(v[0]) || !alnum(v[len(v)-1]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !alnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
