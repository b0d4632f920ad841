package main

import (
	"testing"

	"github.com/rollsim/rollsim/examples/internal/programtest"
)

func TestOutput(t *testing.T) { programtest.CheckOutput(t, run) }

func TestDeterministic(t *testing.T) { programtest.CheckDeterministic(t, run) }
