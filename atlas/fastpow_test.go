package atlas

import (
	"math"
	"testing"
)

// TestPowB compares powB with math.Pow over the distances a layout meets.
func TestPowB(t *testing.T) {
	worst := 0.0
	for x := 1e-12; x < 1e6; x *= 1.01 {
		want := math.Pow(x, umapB)
		worst = max(worst, math.Abs(powB(x)-want)/want)
	}
	if worst > 1e-6 {
		t.Errorf("powB's largest relative error %.3g, want below 1e-6", worst)
	}
}
