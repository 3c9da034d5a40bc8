package engine

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomPicture returns a picture for m with values drawn from rng.
func randomPicture(m *Model, rng *rand.Rand) []float32 {
	x := make([]float32, m.Input().Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

// TestAttentionStepKeptProbabilities checks the step-through of attention
// weights against the probabilities the attention op keeps
// (Model.Attention), for every head, query and key of the small ViT, and
// that its steps add up: the products' sum, the scaling, the softmax.
func TestAttentionStepKeptProbabilities(t *testing.T) {
	m, err := NewModelArch(vitArch(), []string{"a", "b", "c"}, 11)
	if err != nil {
		t.Fatal(err)
	}
	x := randomPicture(m, rand.New(rand.NewPCG(1, 2)))
	maps, _, err := m.Attention(x)
	if err != nil {
		t.Fatal(err)
	}
	a := maps[0]
	for h := range a.Heads {
		for q := range a.Tokens {
			for k := range a.Tokens {
				st, err := m.AttentionStep(x, 0, h, q, k)
				if err != nil {
					t.Fatal(err)
				}
				if kept := a.Row(h, q)[k]; math.Abs(float64(st.Value-kept)) > 1e-6 {
					t.Fatalf("head %d, query %d, key %d: step-through %v, kept %v", h, q, k, st.Value, kept)
				}
				var dot float64
				for i, p := range st.Products {
					dot += float64(st.QueryRow[i]) * float64(st.KeyRow[i])
					if p != st.QueryRow[i]*st.KeyRow[i] {
						t.Fatalf("product %d: %v is not %v × %v", i, p, st.QueryRow[i], st.KeyRow[i])
					}
				}
				if st.Dim != 3 || math.Abs(dot-float64(st.Dot)) > 1e-6 || st.Scale != float32(1/math.Sqrt(3)) ||
					math.Abs(float64(st.Score-st.Dot*st.Scale)) > 1e-6 || st.Scores[k] != st.Score {
					t.Fatalf("head %d, query %d, key %d: d %d, dot %v (products %v), scale %v, score %v", h, q, k, st.Dim, st.Dot, dot, st.Scale, st.Score)
				}
				if math.Abs(st.Exp/st.SumExp-float64(st.Value)) > 1e-7 || st.Scores[st.MaxKey] != st.Max {
					t.Fatalf("head %d, query %d, key %d: exp %v / sum %v is not %v, or max %v not at key %d", h, q, k, st.Exp, st.SumExp, st.Value, st.Max, st.MaxKey)
				}
			}
		}
	}
}

// handViT is a ViT without LayerNorms whose tokens are its position
// embedding (the patch embedding and the class token are zeros) and whose
// one head's queries, keys and values are the tokens themselves, so that
// its attention can be worked out by hand: tokens (0,0), (1,0), (0,1),
// (1,1) and (2,0).
func handViT(t *testing.T) *Model {
	t.Helper()
	arch := Arch{Input: Input{Channels: 1, Height: 2, Width: 2},
		Layers: []Layer{
			{Kind: Conv2D, Name: "patch", Filters: 2, Kernel: []int{1}},
			{Kind: Tokens},
			{Kind: ClassToken, Name: "cls"},
			{Kind: PosEmbed, Name: "pos"},
			{Kind: Conv2D, Name: "in_proj", Filters: 6, Kernel: []int{1}},
			{Kind: Attention, Name: "attn", Heads: 1},
			{Kind: Token, Name: "class"},
			{Kind: Dense, Name: "head", Units: 2},
		}}
	weights := [][]float32{
		{0, 0}, {0, 0}, // the patch embedding: zeros
		{0, 0},                               // the class token
		{0, 1, 0, 1, 2, 0, 0, 1, 1, 0},       // the position embedding, channel by channel
		{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1}, // queries, keys, values = the token
		{0, 0, 0, 0, 0, 0},                   // their biases
		identity(2), {0, 0},                  // the head
	}
	m, err := NewModelWeights(arch, []string{"a", "b"}, weights)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAttentionStepByHand checks one weight worked out by hand: token 3,
// (1, 1), against the five tokens scores 0, 1, 1, 2, 2 (dot products),
// times 1/√2; the largest is √2 (key 3, the first of the two); key 1's
// weight is exp(1/√2 − √2) / (exp(−√2) + 2·exp(1/√2 − √2) + 2).
func TestAttentionStepByHand(t *testing.T) {
	m := handViT(t)
	x := make([]float32, 4)
	st, err := m.AttentionStep(x, 0, 0, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := 1 / math.Sqrt2
	want := math.Exp(r-math.Sqrt2) / (math.Exp(-math.Sqrt2) + 2*math.Exp(r-math.Sqrt2) + 2)
	checks := []struct {
		name      string
		got, want float64
	}{
		{"query row 0", float64(st.QueryRow[0]), 1}, {"query row 1", float64(st.QueryRow[1]), 1},
		{"key row 0", float64(st.KeyRow[0]), 1}, {"key row 1", float64(st.KeyRow[1]), 0},
		{"dot", float64(st.Dot), 1}, {"scale", float64(st.Scale), r}, {"score", float64(st.Score), r},
		{"max", float64(st.Max), math.Sqrt2}, {"max key", float64(st.MaxKey), 3},
		{"sum of exponentials", st.SumExp, math.Exp(-math.Sqrt2) + 2*math.Exp(r-math.Sqrt2) + 2},
		{"exponential", st.Exp, math.Exp(r - math.Sqrt2)},
		{"value", float64(st.Value), want},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("%s: %v, by hand %v", c.name, c.got, c.want)
		}
	}
	maps, _, err := m.Attention(x)
	if err != nil {
		t.Fatal(err)
	}
	if got := maps[0].Row(0, 3)[1]; math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("the model keeps %v, by hand %v", got, want)
	}
}

// TestAttentionStepErrors checks that a step-through that cannot be shown
// says why instead of panicking.
func TestAttentionStepErrors(t *testing.T) {
	m := handViT(t)
	x := make([]float32, 4)
	cases := []struct {
		name                    string
		x                       []float32
		block, head, query, key int
		want                    string
	}{
		{"no such layer", x, 1, 0, 0, 0, "no attention layer 1"},
		{"no such head", x, 0, 1, 0, 0, "heads 0 to 0"},
		{"no such query", x, 0, 0, 5, 0, "tokens 0 to 4"},
		{"no such key", x, 0, 0, 0, -1, "tokens 0 to 4"},
		{"a short picture", x[:3], 0, 0, 0, 0, "input has 3 values"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := m.AttentionStep(c.x, c.block, c.head, c.query, c.key)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	cnn, err := NewModelArch(StudyArch(), []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cnn.AttentionStep(make([]float32, cnn.Input().Len()), 0, 0, 0, 0); err == nil || !strings.Contains(err.Error(), "no attention layers") {
		t.Errorf("a CNN's attention step: %v", err)
	}
}

// TestLayerNormStep checks a LayerNorm's arithmetic by hand (three
// channels at two positions) and against the engine's output and a
// ViT's ln1 place.
func TestLayerNormStep(t *testing.T) {
	// Position 0 reads 1 through the filters (1, 2, -1) and biases
	// (0, 0, 3): (1, 2, 2), mean 5/3, variance 2/9; then ·(2, 3, 4) +
	// (1, -1, 0.5).
	arch := Arch{Input: Input{Channels: 1, Height: 1, Width: 2},
		Layers: []Layer{{Kind: Conv2D, Name: "c", Filters: 3, Kernel: []int{1}}, {Kind: LayerNorm, Name: "ln", Epsilon: 1e-5}, {Kind: Flatten}, {Kind: Dense, Units: 2}}}
	m, err := NewModelWeights(arch, []string{"a", "b"}, [][]float32{{1, 2, -1}, {0, 0, 3}, {2, 3, 4}, {1, -1, 0.5}, make([]float32, 12), {0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{1, 5}
	std := math.Sqrt(2.0/9 + 1e-5)
	cases := []struct {
		channel                      int
		input, normalised, wantValue float64
	}{
		{0, 1, (1 - 5.0/3) / std, (1-5.0/3)/std*2 + 1},
		{1, 2, (2 - 5.0/3) / std, (2-5.0/3)/std*3 - 1},
		{2, 2, (2 - 5.0/3) / std, (2-5.0/3)/std*4 + 0.5},
	}
	for _, c := range cases {
		st, err := m.LayerNormStep(x, "ln", 0, c.channel)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(st.Mean-5.0/3) > 1e-6 || math.Abs(st.Variance-2.0/9) > 1e-6 || st.Epsilon != 1e-5 || math.Abs(st.Std-std) > 1e-6 ||
			float64(st.Input) != c.input || math.Abs(float64(st.Normalised)-c.normalised) > 1e-5 || math.Abs(float64(st.Value)-c.wantValue) > 1e-5 ||
			math.Abs(float64(st.Engine-st.Value)) > 1e-5 {
			t.Errorf("channel %d: %+v, want input %v, normalised %v, value %v", c.channel, st, c.input, c.normalised, c.wantValue)
		}
	}
	if _, err := m.LayerNormStep(x, "ln", 2, 0); err == nil {
		t.Error("position 2 of 2 gave no error")
	}
	if _, err := m.LayerNormStep(x, "nothing", 0, 0); err == nil || !strings.Contains(err.Error(), `no LayerNorm "nothing"`) {
		t.Errorf("an unknown LayerNorm: %v", err)
	}

	// A ViT's ln1, a place: the step's value is the place's map.
	vit, err := NewModelArch(vitArch(), []string{"a", "b", "c"}, 12)
	if err != nil {
		t.Fatal(err)
	}
	if got := vit.AttentionNorm(0); got != "ln1" {
		t.Fatalf("the attention reads LayerNorm %q, want ln1", got)
	}
	y := randomPicture(vit, rand.New(rand.NewPCG(3, 4)))
	p, err := vit.Predict(y)
	if err != nil {
		t.Fatal(err)
	}
	a := p.Activations[1] // ln1, the grid of tokens 1 to 4
	for tok := 1; tok < 5; tok++ {
		for ch := range 6 {
			st, err := vit.LayerNormStep(y, "ln1", tok, ch)
			if err != nil {
				t.Fatal(err)
			}
			if want := a.Map(ch)[tok-1]; math.Abs(float64(st.Value-want)) > 1e-5 || math.Abs(float64(st.Engine-want)) > 1e-6 {
				t.Errorf("token %d, channel %d: step %v, engine %v, the place's map %v", tok, ch, st.Value, st.Engine, want)
			}
		}
	}
}
