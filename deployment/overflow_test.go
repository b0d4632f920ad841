package deployment

import "testing"

func TestScaledWrapsAsUpstream(t *testing.T) {
	v, err := ParseIntOrPercent("99999999999%")
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Scaled(3, true)
	if err != nil || got != -1294967296 {
		t.Fatalf("got %d, %v; upstream resolves 99999999999%% of 3 to int32(3000000000) = -1294967296", got, err)
	}
}
