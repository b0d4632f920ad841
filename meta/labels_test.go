package meta

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/api/validate/content"
)

// The allocation-free checks agree with the API server's.
func TestLabelChecksAgree(t *testing.T) {
	for _, s := range []string{
		"", "app", "App_1.x", "-app", "app-", "a/b", "example.com/app", "Example.com/app", "/app", "a/", "a/b/c",
		"app.kubernetes.io/name", "x" + string(make([]byte, 70)), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ä", "a b",
	} {
		assert.Equal(t, len(content.IsLabelKey(s)) == 0, labelKeyOK(s), "key %q", s)
		assert.Equal(t, len(content.IsLabelValue(s)) == 0, labelValueOK(s), "value %q", s)
	}
}

func TestValidateLabels(t *testing.T) {
	errs := ValidateLabels(map[string]string{"ok": "yes", "bad key": "v", "k": "bad value"}, "metadata.labels", nil)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		`metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		`metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
	}, got)
	assert.Empty(t, ValidateAnnotations(map[string]string{"Example.com/Key": "any value"}, "metadata.annotations", nil))
}
