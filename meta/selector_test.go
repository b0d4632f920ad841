package meta

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rollsim/rollsim/meta/metatest"
)

// TestSelectorMatches checks every operator against labels that have the
// key with a listed value, with another value, and not at all.
func TestSelectorMatches(t *testing.T) {
	expr := func(op string, values ...string) *Selector {
		return &Selector{MatchExpressions: []Requirement{{Key: "tier", Operator: op, Values: values}}}
	}
	web, db, none := map[string]string{"app": "x", "tier": "web"}, map[string]string{"app": "x", "tier": "db"}, map[string]string{"app": "x"}
	tests := []struct {
		name               string
		sel                *Selector
		web, db, unlabeled bool
	}{
		{name: "nil matches all", sel: nil, web: true, db: true, unlabeled: true},
		{name: "empty matches all", sel: &Selector{}, web: true, db: true, unlabeled: true},
		{name: "match labels", sel: &Selector{MatchLabels: map[string]string{"tier": "web"}}, web: true},
		{name: "In", sel: expr("In", "web", "cache"), web: true},
		{name: "NotIn", sel: expr("NotIn", "web"), db: true, unlabeled: true},
		{name: "Exists", sel: expr("Exists"), web: true, db: true},
		{name: "DoesNotExist", sel: expr("DoesNotExist"), unlabeled: true},
		{name: "an unknown operator matches nothing", sel: expr("Near", "web")},
		{name: "labels and expressions must all hold",
			sel: &Selector{MatchLabels: map[string]string{"app": "x"}, MatchExpressions: []Requirement{{Key: "tier", Operator: "NotIn", Values: []string{"db"}}}},
			web: true, unlabeled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.web, tt.sel.Matches(web), "tier=web")
			assert.Equal(t, tt.db, tt.sel.Matches(db), "tier=db")
			assert.Equal(t, tt.unlabeled, tt.sel.Matches(none), "no tier")
		})
	}
}

// TestSelectorString checks kubectl's rendering of a selector.
func TestSelectorString(t *testing.T) {
	tests := []struct {
		sel  *Selector
		want string
	}{
		{nil, "<none>"},
		{&Selector{}, "<none>"},
		{&Selector{MatchLabels: map[string]string{"b": "2", "a": "1"}}, "a=1,b=2"},
		{&Selector{MatchLabels: map[string]string{"app": "web"}, MatchExpressions: []Requirement{
			{Key: "tier", Operator: "In", Values: []string{"web", "cache"}},
			{Key: "env", Operator: "NotIn", Values: []string{"dev"}},
			{Key: "team", Operator: "Exists"},
			{Key: "legacy", Operator: "DoesNotExist"},
		}}, "app=web,tier in (web,cache),env notin (dev),team,!legacy"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.sel.String())
	}
}

// TestSelectorEqual checks that nil and empty selectors are equal, and,
// by reflection, that Equal tells apart two selectors that differ in any
// one field.
func TestSelectorEqual(t *testing.T) {
	assert.True(t, (*Selector)(nil).Equal(&Selector{MatchLabels: map[string]string{}}))
	assert.False(t, (*Selector)(nil).Equal(&Selector{MatchLabels: map[string]string{"a": "1"}}))

	metatest.CheckEqual(t, "Equal", (*Selector).Equal, nil)
}

// TestSelectorCloneCoversEveryField checks that Clone copies every field
// and shares nothing a change to the clone could reach.
func TestSelectorCloneCoversEveryField(t *testing.T) {
	metatest.CheckClone(t, metatest.Filled[Selector], (*Selector).Clone)
	assert.Nil(t, (*Selector)(nil).Clone())
}
