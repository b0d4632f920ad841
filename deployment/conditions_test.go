package deployment

import (
	"strconv"
	"testing"
)

// appendQuoted quotes as %q (strconv.Quote) does, names or not.
func TestAppendQuoted(t *testing.T) {
	for _, s := range []string{"", "web-57f7fd4cc7", "a b", `say "hi"`, `back\slash`, "tab\t", "ünïcode", "\x7f", "~"} {
		if got, want := string(appendQuoted([]byte("x "), s)), "x "+strconv.Quote(s); got != want {
			t.Errorf("appendQuoted(%q) = %s, want %s", s, got, want)
		}
	}
}

// progressMessage returns the current message itself when it says the
// same, and a new one otherwise.
func TestProgressMessage(t *testing.T) {
	d := &Deployment{}
	d.Name = "web"
	cur := &Condition{Message: `ReplicaSet "web-1" is progressing.`}
	if got := progressMessage(d, "web-1", "is progressing.", cur); got != cur.Message {
		t.Errorf("got %q", got)
	}
	if got, want := progressMessage(d, "", "has timed out progressing.", cur), `Deployment "web" has timed out progressing.`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
