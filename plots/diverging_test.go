package plots

import (
	"image"
	"testing"
)

// TestDivergingScale checks the signed scale's ends and middle: blue for
// -1 (and below), a light middle for 0 (and NaN), red for +1 (and above).
func TestDivergingScale(t *testing.T) {
	tests := []struct {
		name string
		t    float64
		want func(r, g, b uint8) bool
	}{
		{"-1 blue", -1, func(r, g, b uint8) bool { return b > 100 && r < b }},
		{"-5 the blue end", -5, func(r, g, b uint8) bool { return b > 100 && r < b }},
		{"0 light", 0, func(r, g, b uint8) bool { return r > 180 && g > 180 && b > 180 }},
		{"NaN light", nan(), func(r, g, b uint8) bool { return r > 180 && g > 180 && b > 180 }},
		{"+1 red", 1, func(r, g, b uint8) bool { return r > 100 && b < r }},
	}
	for _, tc := range tests {
		c := DivergingColor(tc.t)
		if !tc.want(c.R, c.G, c.B) {
			t.Errorf("%s: %v", tc.name, c)
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	ov, err := DivergingOverlay(img, []float32{-1, 1}, 2, 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if l, r := ov.NRGBAAt(0, 0), ov.NRGBAAt(3, 0); l.B <= l.R || r.R <= r.B {
		t.Errorf("overlay of (-1, 1): left %v, right %v", l, r)
	}
	if _, err := DivergingOverlay(img, []float32{1}, 2, 1, 1, 1); err == nil {
		t.Error("a map of the wrong size gave no error")
	}
	if fig := DivergingExplainFigure(ov, "title", "-1", "+1", "caption"); fig.Bounds().Dx() < 4 {
		t.Errorf("figure %v", fig.Bounds())
	}
}

func nan() float64 {
	var z float64
	return z / z
}
