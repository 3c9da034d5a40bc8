package explain

import (
	"math"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestRolloutByHand checks attention rollout on attention worked out by
// hand: a class token and a 1x2 grid over two blocks.
func TestRolloutByHand(t *testing.T) {
	ident := []float32{1, 0, 0, 0, 1, 0, 0, 0, 1}
	// The class token looks 0.2, 0.6, 0.2; the patches at themselves.
	// (A + I)/2 gives its row 0.6, 0.3, 0.1: the grid 0.3, 0.1, over its
	// maximum 1, 1/3.
	first := []float32{0.2, 0.6, 0.2, 0, 1, 0, 0, 0, 1}
	// Two heads whose mean is first.
	h0 := []float32{0.4, 0.2, 0.4, 0, 1, 0, 0, 0, 1}
	h1 := []float32{0, 1, 0, 0, 1, 0, 0, 0, 1}
	block := func(heads int, probs ...[]float32) engine.AttentionMap {
		var p []float32
		for _, h := range probs {
			p = append(p, h...)
		}
		return engine.AttentionMap{Name: "b", Heads: heads, Tokens: 3, Extra: 1, GridHeight: 1, GridWidth: 2, Probs: p}
	}
	cases := []struct {
		name string
		maps []engine.AttentionMap
		want []float32
	}{
		{"one block", []engine.AttentionMap{block(1, first)}, []float32{1, 1.0 / 3}},
		{"the heads' mean", []engine.AttentionMap{block(2, h0, h1)}, []float32{1, 1.0 / 3}},
		{"a block that looks at itself after it changes nothing", []engine.AttentionMap{block(1, first), block(1, ident)}, []float32{1, 1.0 / 3}},
		// Second block: the class token takes half its own, half patch 2's:
		// Â row 0 = 0.75, 0, 0.25; times the first's Â (rows 0.6 0.3 0.1;
		// 0 1 0; 0 0 1): 0.45, 0.225, 0.075 + 0.25 = 0.325.
		{"the first block's, then the second's", []engine.AttentionMap{block(1, first), block(1, []float32{0.5, 0, 0.5, 0, 1, 0, 0, 0, 1})}, []float32{0.225 / 0.325, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := RolloutOf(c.maps, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i := range c.want {
				if math.Abs(float64(got[i]-c.want[i])) > 1e-6 {
					t.Fatalf("rollout %v, want %v", got, c.want)
				}
			}
		})
	}
	if _, err := RolloutOf(nil, 0); err == nil {
		t.Error("rollout of no attention: no error")
	}
}
