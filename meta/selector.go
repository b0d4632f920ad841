package meta

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Selector is a label selector: MatchLabels and MatchExpressions must all
// hold. An empty selector matches everything.
type Selector struct {
	// MatchLabels requires each key to have exactly the given value.
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
	// MatchExpressions are set-based requirements.
	MatchExpressions []Requirement `json:"matchExpressions,omitempty"`
}

// Requirement is one set-based selector requirement.
type Requirement struct {
	// Key is the label key the requirement applies to.
	Key string `json:"key"`
	// Operator is In, NotIn, Exists or DoesNotExist.
	Operator string `json:"operator"`
	// Values are the operand of In and NotIn.
	Values []string `json:"values,omitempty"`
}

// Empty reports whether the selector has no requirement at all.
func (s *Selector) Empty() bool {
	return s == nil || (len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0)
}

// Matches reports whether labels satisfy every requirement of s.
func (s *Selector) Matches(labels map[string]string) bool {
	if s == nil {
		return true
	}
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		v, ok := labels[r.Key]
		switch r.Operator {
		case "In":
			if !ok || !slices.Contains(r.Values, v) {
				return false
			}
		case "NotIn":
			if ok && slices.Contains(r.Values, v) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Clone returns a deep copy of s.
func (s *Selector) Clone() *Selector {
	if s == nil {
		return nil
	}
	c := &Selector{MatchLabels: maps.Clone(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		r.Values = slices.Clone(r.Values)
		c.MatchExpressions = append(c.MatchExpressions, r)
	}
	return c
}

// Equal reports whether two selectors are the same.
func (s *Selector) Equal(o *Selector) bool {
	if s.Empty() || o.Empty() {
		return s.Empty() == o.Empty()
	}
	if !maps.Equal(s.MatchLabels, o.MatchLabels) || len(s.MatchExpressions) != len(o.MatchExpressions) {
		return false
	}
	for i, r := range s.MatchExpressions {
		q := o.MatchExpressions[i]
		if r.Key != q.Key || r.Operator != q.Operator || !slices.Equal(r.Values, q.Values) {
			return false
		}
	}
	return true
}

// String renders the selector as kubectl does ("app=httpd,tier in (web)").
func (s *Selector) String() string {
	if s.Empty() {
		return "<none>"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s.MatchLabels)) {
		parts = append(parts, k+"="+s.MatchLabels[k])
	}
	for _, r := range s.MatchExpressions {
		switch r.Operator {
		case "In":
			parts = append(parts, fmt.Sprintf("%s in (%s)", r.Key, strings.Join(r.Values, ",")))
		case "NotIn":
			parts = append(parts, fmt.Sprintf("%s notin (%s)", r.Key, strings.Join(r.Values, ",")))
		case "Exists":
			parts = append(parts, r.Key)
		case "DoesNotExist":
			parts = append(parts, "!"+r.Key)
		}
	}
	return strings.Join(parts, ",")
}
