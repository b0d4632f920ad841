package meta

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// ValidateLabels checks label keys and values as the API server does,
// appending an error at path for each bad key or value. Keys are taken in
// order, where the API server's map order varies from run to run.
func ValidateLabels(labels map[string]string, path string, errs []FieldError) []FieldError {
	if allValid(labels, func(k, v string) bool { return labelKeyOK(k) && labelValueOK(v) }) {
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
	if allValid(annotations, func(k, _ string) bool { return labelKeyOK(strings.ToLower(k)) }) {
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

var (
	labelNameRE  = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	labelValueRE = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)
	subdomainRE  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

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
	} else if prefix == "" || len(prefix) > 253 || !subdomainRE.MatchString(prefix) {
		return false
	}
	return len(name) <= 63 && labelNameRE.MatchString(name)
}

func labelValueOK(v string) bool { return len(v) <= 63 && labelValueRE.MatchString(v) }
