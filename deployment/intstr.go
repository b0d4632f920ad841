package deployment

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// IntOrPercent is a count given either as a whole number or as a percent
// of the desired replicas ("25%"), like maxSurge and maxUnavailable.
type IntOrPercent struct {
	// IsPercent selects Percent over Int.
	IsPercent bool
	// Int is the count when IsPercent is false.
	Int int32
	// Str is the text of a percent value, such as "25%".
	Str string
}

// Int returns a whole-number IntOrPercent.
func Int(n int32) *IntOrPercent { return &IntOrPercent{Int: n} }

// Percent returns a percent IntOrPercent from its text, such as "25%".
func Percent(s string) *IntOrPercent { return &IntOrPercent{IsPercent: true, Str: s} }

// ParseIntOrPercent reads "3" or "25%". A string that is neither a whole
// number nor ends in '%' is an error; a percent's digits are checked by
// validation, as the API server does.
func ParseIntOrPercent(s string) (*IntOrPercent, error) {
	if strings.HasSuffix(s, "%") {
		return Percent(s), nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("invalid int or percent %q: want a whole number or a percent such as \"25%%\"", s)
	}
	return Int(int32(n)), nil
}

// String returns the value as written: "3" or "25%".
func (v *IntOrPercent) String() string {
	if v == nil {
		return "<nil>"
	}
	if v.IsPercent {
		return v.Str
	}
	return strconv.Itoa(int(v.Int))
}

// MarshalJSON writes a number or a string, as Kubernetes does.
func (v IntOrPercent) MarshalJSON() ([]byte, error) {
	if v.IsPercent {
		return json.Marshal(v.Str)
	}
	return json.Marshal(v.Int)
}

// validPercent reports whether s is digits followed by '%'.
func validPercent(s string) bool {
	if len(s) < 2 || s[len(s)-1] != '%' {
		return false
	}
	for _, c := range s[:len(s)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// percentValue returns the number of a valid percent.
func (v *IntOrPercent) percentValue() (int, bool) {
	if v == nil || !v.IsPercent || !validPercent(v.Str) {
		return 0, false
	}
	// Beyond the int range Atoi gives the nearest int, as upstream's
	// validation reads it.
	n, _ := strconv.Atoi(v.Str[:len(v.Str)-1])
	return n, true
}

// Scaled resolves v against total: the number itself, or the percent of
// total rounded up (roundUp) or down. A nil v counts as 0.
func (v *IntOrPercent) Scaled(total int32, roundUp bool) (int32, error) {
	if v == nil {
		return 0, nil
	}
	if !v.IsPercent {
		return v.Int, nil
	}
	p, ok := v.percentValue()
	if !ok {
		return 0, fmt.Errorf("invalid value for IntOrString: invalid value %q", v.Str)
	}
	if _, err := strconv.Atoi(v.Str[:len(v.Str)-1]); err != nil {
		// Upstream resolves percents with a checked parse.
		return 0, fmt.Errorf("invalid value for IntOrString: invalid value %q: %w", v.Str, err)
	}
	x := float64(p) * float64(total) / 100
	// As upstream: rounded to an int, then narrowed to int32 (which wraps
	// for absurd percents, as it does upstream).
	if roundUp {
		return int32(int64(math.Ceil(x))), nil
	}
	return int32(int64(math.Floor(x))), nil
}
