package plots

import (
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestGridTitleOf: a sigmoid model's class is its highest score, written
// as a score, never a percentage.
func TestGridTitleOf(t *testing.T) {
	a := engine.Activation{Layer: 2, Channels: 8, Height: 4, Width: 4}
	cases := []struct{ output, want string }{
		{engine.OutputSoftmax, "x.png — conv layer 2 (8 filters) — predicted: drawing (62.6%)"},
		{engine.OutputSigmoid, "x.png — conv layer 2 (8 filters) — highest score: drawing (0.626)"},
	}
	for _, c := range cases {
		if got := GridTitleOf("x.png", a, 8, "drawing", 0.626, c.output); got != c.want {
			t.Errorf("%s: %q, want %q", c.output, got, c.want)
		}
	}
}
