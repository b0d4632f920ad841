package kubectl_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/rollsim/rollsim/kubectl"
)

// Ages are kubectl's: the stored time kept to the second, kubectl's own
// clock not rounded, whole seconds shown below two minutes.
func TestAge(t *testing.T) {
	at := func(d time.Duration) time.Time { return time.Unix(1000, 0).UTC().Add(d) }
	tests := []struct {
		created, now time.Duration
		want         string
	}{
		{0, 0, "0s"},
		{3500 * time.Millisecond, 10 * time.Second, "7s"},
		{3 * time.Second, 9900 * time.Millisecond, "6s"},
		{0, 119 * time.Second, "119s"},
		{0, 150 * time.Second, "2m30s"},
		{0, 90 * time.Minute, "90m"},
		{0, 50 * time.Hour, "2d2h"},
		{2 * time.Second, 0, "<invalid>"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, kubectl.Age(at(tt.created), at(tt.now)), "created %v, now %v", tt.created, tt.now)
	}
}
