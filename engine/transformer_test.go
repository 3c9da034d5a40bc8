package engine

import (
	"math"
	"math/rand/v2"
	"slices"
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

// TestViTPlaces checks a ViT's places: the patch embedding, then the
// residual Adds and the last attention's LayerNorm as maps on the 2x2
// patch grid with the class token apart, Grad-CAM's default the
// LayerNorm; and that Grad-CAM's gradient there has the maps' size (the
// gradient through the grid itself is checked by TestViTGradients).
func TestViTPlaces(t *testing.T) {
	m, err := NewModelArch(vitArch(), []string{"a", "b", "c"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m.Places() {
		names = append(names, p.Name)
		if p.Name != "patch" && (!p.OnTokens || p.Tokens != 1 || p.Height != 2 || p.Width != 2 || p.Channels != 6) {
			t.Errorf("place %+v is not 6 maps of 2x2 tokens after one class token", p)
		}
	}
	if want := []string{"patch", "ln1", "res1", "block"}; !slices.Equal(names, want) {
		t.Fatalf("places %v, want %v", names, want)
	}
	if got := m.CAMPlace(); got != 2 {
		t.Errorf("Grad-CAM's place %d, want 2 (ln1)", got)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, m.Input().Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	p, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for k, a := range p.Activations {
		if len(a.Data) != a.Channels*a.Height*a.Width || a.Height != m.Places()[k].Height {
			t.Errorf("place %d: activation %dx%dx%d with %d values", k+1, a.Channels, a.Height, a.Width, len(a.Data))
		}
	}
	// At ln1, before the attention: the only layer after it that mixes
	// tokens (at res1 the patch tokens no longer reach the class token).
	act, grad, _, err := m.LayerGradient(x, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(grad) != 6*2*2 || len(act.Data) != 6*2*2 {
		t.Fatalf("%d gradients for %d activations", len(grad), len(act.Data))
	}
	if math.Abs(float64(act.Data[5]-p.Activations[1].Data[5])) > 1e-5 {
		t.Errorf("the gradient graph's activation %v, Predict's %v", act.Data[5], p.Activations[1].Data[5])
	}
	nonzero := false
	for _, g := range grad {
		nonzero = nonzero || g != 0
	}
	if !nonzero {
		t.Error("the gradient at ln1 is all zeros")
	}
}

// TestViTOtherViews checks that what the window asks of a model's places
// answers a ViT without failing: a cell of its patch embedding, the
// input gradient of a place on tokens, and a prefix for a larger picture
// (only up to the patch embedding: the position embedding fixes the
// number of tokens).
func TestViTOtherViews(t *testing.T) {
	m, err := NewModelArch(vitArch(), []string{"a", "b", "c"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, m.Input().Len())
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	if _, err := m.Cell(x, nil, 1, 2, 1, 1); err != nil {
		t.Errorf("cell of the patch embedding: %v", err)
	}
	if _, grad, _, err := m.InputGradient(x, Target{Layer: 2, Filter: 1}); err != nil || len(grad) != len(x) {
		t.Errorf("input gradient of ln1's filter 1: %d values, %v", len(grad), err)
	}
	if m.ConvOnly(2) || !m.ConvOnly(1) {
		t.Errorf("ln1 is made of layers that take any size (%v) or the patch embedding is not (%v)", m.ConvOnly(2), m.ConvOnly(1))
	}
	if _, err := m.ConvPrefix(1, 16, 16); err != nil {
		t.Errorf("the patch embedding for a 16x16 picture: %v", err)
	}
}

// TestViTBatch checks that a ViT's batch predictions agree with its
// one-picture ones.
func TestViTBatch(t *testing.T) {
	m, err := NewModelArch(vitArch(), []string{"a", "b", "c"}, 6)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	n := m.Input().Len()
	x := make([]float32, 3*n)
	for i := range x {
		x[i] = rng.Float32()
	}
	batch, err := m.PredictBatch(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 3 {
		p, err := m.Predict(x[k*n : (k+1)*n])
		if err != nil {
			t.Fatal(err)
		}
		for c := range p.Probabilities {
			if math.Abs(float64(p.Probabilities[c]-batch[k][c])) > 1e-5 {
				t.Fatalf("picture %d: batch %v, alone %v", k, batch[k], p.Probabilities)
			}
		}
	}
}
