package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// convNeXtArch is a small ConvNeXt-like network: a patchify stem with a
// LayerNorm over channels, a block (depthwise 7x7, LayerNorm, 1x1 conv up,
// GELU, 1x1 conv down, layer scale, residual), a pooled LayerNorm and a
// dense head.
func convNeXtArch() Arch {
	return Arch{Input: Input{Channels: 3, Height: 8, Width: 8},
		Layers: []Layer{
			{Kind: Conv2D, Name: "stem", Filters: 4, Kernel: []int{2}, Stride: []int{2}},
			{Kind: LayerNorm, Name: "stem.ln", Epsilon: 1e-6},
			{Kind: Conv2D, Name: "dw", Filters: 4, Groups: 4, Kernel: []int{3}, Padding: PaddingSame},
			{Kind: LayerNorm, Name: "ln"},
			{Kind: Conv2D, Name: "up", Filters: 8, Kernel: []int{1}},
			{Kind: GELU},
			{Kind: Conv2D, Name: "down", Filters: 4, Kernel: []int{1}},
			{Kind: Affine, Name: "scale"},
			{Kind: Add, Name: "block", Inputs: []string{"scale", "stem.ln"}},
			{Kind: GlobalAvgPool},
			{Kind: LayerNorm, Name: "head.ln"},
			{Kind: Flatten},
			{Kind: Dense},
		}}
}

// TestTransformerLayersKnownValues checks LayerNorm and GELU on values
// worked out by hand.
func TestTransformerLayersKnownValues(t *testing.T) {
	cases := []struct {
		name    string
		in      Input
		layers  []Layer
		weights [][]float32
		x, want []float32
	}{
		// Channels x and 4 - x: position 0 holds (1, 3), mean 2, variance
		// 1, so (-1, 1); position 1 holds (2, 2), variance 0, so (0, 0);
		// then ·(2, 3) + (1, -1).
		{"layernorm over the channels of each position", Input{Channels: 1, Height: 1, Width: 2},
			[]Layer{{Kind: Conv2D, Filters: 2, Kernel: []int{1}}, {Kind: LayerNorm, Epsilon: 1e-12}, {Kind: Flatten}},
			[][]float32{{1, -1}, {0, 4}, {2, 3}, {1, -1}}, []float32{1, 2}, []float32{-1, 1, 2, -1}},
		// GELU(x) = x·Φ(x): Φ(1) = 0.841345, Φ(-1) = 0.158655.
		{"gelu", Input{Channels: 1, Height: 1, Width: 4},
			[]Layer{{Kind: GELU}, {Kind: Flatten}},
			nil, []float32{1, -1, 0, 2}, []float32{0.841345, -0.158655, 0, 2 * 0.977250}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := NewModelWeights(Arch{Input: c.in, Layers: append(c.layers, Layer{Kind: Dense, Units: 4})}, []string{"a", "b", "c", "d"},
				append(c.weights, identity(4), make([]float32, 4)))
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Predict(c.x)
			if err != nil {
				t.Fatal(err)
			}
			logits := p.Logits
			for i := range c.want {
				if math.Abs(float64(logits[i]-c.want[i])) > 1e-5 {
					t.Fatalf("got %v, want %v", logits, c.want)
				}
			}
		})
	}
}

// identity returns the n×n identity matrix.
func identity(n int) []float32 {
	w := make([]float32, n*n)
	for i := range n {
		w[i*n+i] = 1
	}
	return w
}

// TestTransformerGradients checks the backward pass through LayerNorm and
// GELU against finite differences of the loss.
func TestTransformerGradients(t *testing.T) {
	checkGraphGradients(t, convNeXtArch(), rand.New(rand.NewPCG(3, 9)), []int{1, 0})
}

// vitArch is a small ViT: 4x4 patches of an 8x8 picture as 4 tokens of
// 6 channels, a class token, a position embedding, one encoder block
// (LayerNorm, attention with 2 heads between 1x1 projections, residual;
// LayerNorm, GELU MLP, residual), the final LayerNorm and the class
// token's head.
func vitArch() Arch {
	return Arch{Input: Input{Channels: 3, Height: 8, Width: 8},
		Layers: []Layer{
			{Kind: Conv2D, Name: "patch", Filters: 6, Kernel: []int{4}, Stride: []int{4}},
			{Kind: Tokens},
			{Kind: ClassToken, Name: "cls"},
			{Kind: PosEmbed, Name: "pos"},
			{Kind: LayerNorm, Name: "ln1"},
			{Kind: Conv2D, Name: "in_proj", Filters: 18, Kernel: []int{1}},
			{Kind: Attention, Name: "attn", Heads: 2},
			{Kind: Conv2D, Name: "out_proj", Filters: 6, Kernel: []int{1}},
			{Kind: Add, Name: "res1", Inputs: []string{"out_proj", "pos"}},
			{Kind: LayerNorm, Name: "ln2"},
			{Kind: Conv2D, Name: "mlp1", Filters: 8, Kernel: []int{1}},
			{Kind: GELU},
			{Kind: Conv2D, Name: "mlp2", Filters: 6, Kernel: []int{1}},
			{Kind: Add, Name: "block", Inputs: []string{"mlp2", "res1"}},
			{Kind: LayerNorm, Name: "ln"},
			{Kind: Token, Name: "class"},
			{Kind: Dense, Name: "head"},
		}}
}

// TestViTGradients checks the backward pass through the token layers and
// attention against finite differences of the loss.
func TestViTGradients(t *testing.T) {
	checkGraphGradients(t, vitArch(), rand.New(rand.NewPCG(5, 6)), []int{2, 1})
}
