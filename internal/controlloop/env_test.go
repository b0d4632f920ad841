package controlloop

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameMap(t *testing.T) {
	a := map[string]string{"k": "v"}
	b := maps.Clone(a)
	var none map[string]string
	assert.True(t, sameMap(a, a))
	assert.False(t, sameMap(a, b), "equal but distinct maps")
	assert.True(t, sameMap(nil, none))
	assert.False(t, sameMap(nil, map[string]string{}))
	assert.Zero(t, testing.AllocsPerRun(100, func() { sameMap(a, b) }))
}
