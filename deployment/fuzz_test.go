package deployment_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// FuzzParseIntOrPercent reads maxSurge/maxUnavailable text as a manifest
// or a command line gives it, then validates it as each field. Every
// input is either accepted, and then reads back as written and resolves
// to a sensible count, or refused with an error that quotes it (parsing)
// or names the field (validation). The seed corpus is in
// testdata/fuzz/FuzzParseIntOrPercent; run more with
// `go test ./deployment -run '^$' -fuzz FuzzParseIntOrPercent`.
func FuzzParseIntOrPercent(f *testing.F) {
	for _, s := range []string{"0", "1", "25%", "0%", "100%", "101%", "-1", "+3", "007", "2147483647", "2147483648",
		"-2147483649", "%", "%%", "5%%", "-5%", "+5%", "1.5", "1.5%", " 1", "1 ", " 5%", "x", "x%", "", "٣", "٣%",
		"99999999999999999999%", "0x10", "1e3", "1_000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := deployment.ParseIntOrPercent(s)
		if err != nil {
			require.Nil(t, v, "a value along with an error")
			require.NotEmpty(t, err.Error())
			assert.Contains(t, err.Error(), strconv.Quote(s), "the error quotes the input")
			assert.False(t, strings.HasSuffix(s, "%"), "a percent is checked by validation, not refused by the parser")
			return
		}
		require.NotNil(t, v)
		if strings.HasSuffix(s, "%") {
			require.True(t, v.IsPercent)
			assert.Equal(t, s, v.Str)
			assert.Equal(t, s, v.String())
		} else {
			require.False(t, v.IsPercent)
			n, err := strconv.ParseInt(s, 10, 32)
			require.NoError(t, err, "the parser took what strconv refuses")
			assert.Equal(t, int32(n), v.Int)
			again, err := deployment.ParseIntOrPercent(v.String())
			require.NoError(t, err, "String() does not parse back")
			assert.Equal(t, *v, *again)
		}
		for _, field := range []string{"maxSurge", "maxUnavailable"} {
			checkField(t, v, field)
		}
	})
}

// checkField validates v as maxSurge or maxUnavailable of a Deployment
// (the other field 1) and checks the verdict.
func checkField(t *testing.T, v *deployment.IntOrPercent, field string) {
	ru := &deployment.RollingUpdateParams{MaxSurge: deployment.Int(1), MaxUnavailable: deployment.Int(1)}
	if field == "maxSurge" {
		ru.MaxSurge = v
	} else {
		ru.MaxUnavailable = v
	}
	labels := map[string]string{"app": "web"}
	d := &deployment.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: deployment.Spec{
			Selector: &meta.Selector{MatchLabels: labels},
			Template: pod.Template{Labels: labels, Spec: pod.Spec{Containers: []pod.Container{{Name: "web", Image: "web:1"}}}},
			Strategy: deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: ru},
		},
	}
	deployment.Default(d)
	percent, digits := percentOf(v)
	err := deployment.Validate(d, nil)
	if err != nil {
		var inv *meta.InvalidError
		require.True(t, errors.As(err, &inv), "validation error is a %T: %v", err, err)
		require.NotEmpty(t, inv.Causes)
		for _, c := range inv.Causes {
			assert.Equal(t, "spec.strategy.rollingUpdate."+field, c.Field, "cause %v", c)
			assert.NotEmpty(t, c.Body())
		}
		assert.True(t, !v.IsPercent && v.Int < 0 || v.IsPercent && !digits || field == "maxUnavailable" && percent > 100,
			"valid %s %s refused: %v", field, v, err)
		return
	}
	require.True(t, v.IsPercent == digits, "invalid %s %s accepted", field, v)
	require.False(t, !v.IsPercent && v.Int < 0, "negative %s %s accepted", field, v)
	for _, total := range []int32{0, 1, 3, 7, 100, 1000} {
		for _, up := range []bool{false, true} {
			n, err := v.Scaled(total, up)
			if percent > math.MaxInt64 {
				// Upstream's checked parse refuses such a percent too.
				require.Error(t, err, "%s %s is beyond int64", field, v)
				continue
			}
			require.NoError(t, err, "valid %s %s does not resolve against %d", field, v, total)
			switch {
			case !v.IsPercent:
				assert.Equal(t, v.Int, n)
			case percent*float64(total)/100 <= math.MaxInt64/2:
				// Products beyond int32 wrap, as upstream's do:
				// validation leaves maxSurge percents unbounded.
				want := percent * float64(total) / 100
				if up {
					want = math.Ceil(want)
				} else {
					want = math.Floor(want)
				}
				assert.Equal(t, int32(int64(want)), n, "%s of %d rounded up=%v", v, total, up)
			}
		}
	}
	surge, unavailable := deployment.MaxSurge(d), deployment.MaxUnavailable(d)
	assert.GreaterOrEqual(t, unavailable, int32(0))
	assert.LessOrEqual(t, unavailable, d.DesiredReplicas())
	if percent*float64(d.DesiredReplicas())/100 <= math.MaxInt32 {
		assert.GreaterOrEqual(t, surge, int32(0))
	}
}

// percentOf returns the number of a percent value and whether its text
// is digits and '%' (the API server's '[0-9]+%').
func percentOf(v *deployment.IntOrPercent) (float64, bool) {
	if !v.IsPercent {
		return 0, false
	}
	digits := strings.TrimSuffix(v.Str, "%")
	if digits == "" || len(digits) == len(v.Str) || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(digits, 64)
	if err != nil {
		panic(fmt.Sprintf("digits %q do not parse: %v", digits, err))
	}
	return n, true
}
