package engine

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine/nn"
)

// swinArch is a small Swin Transformer: 2x2 patches of a 16x16 picture
// as 6 maps of 8x8, two blocks of window attention (windows of 4x4, 2
// heads; the second shifted by 2x2, so masked) with their MLPs, a patch
// merge (24 maps of 4x4), its LayerNorm and Linear, the final LayerNorm,
// pooling and head.
func swinArch() Arch {
	block := func(name, in string, shift int) []Layer {
		return []Layer{
			{Kind: LayerNorm, Name: name + ".norm1", Inputs: []string{in}},
			{Kind: Conv2D, Name: name + ".qkv", Filters: 18, Kernel: []int{1}},
			{Kind: WindowAttention, Name: name + ".attn", Heads: 2, Window: []int{4, 4}, Shift: []int{shift, shift}},
			{Kind: Conv2D, Name: name + ".proj", Filters: 6, Kernel: []int{1}},
			{Kind: Add, Name: name + ".res", Inputs: []string{name + ".proj", in}},
			{Kind: LayerNorm, Name: name + ".norm2"},
			{Kind: Conv2D, Name: name + ".mlp1", Filters: 8, Kernel: []int{1}},
			{Kind: GELU},
			{Kind: Conv2D, Name: name + ".mlp2", Filters: 6, Kernel: []int{1}},
			{Kind: Add, Name: name, Inputs: []string{name + ".mlp2", name + ".res"}},
		}
	}
	layers := []Layer{
		{Kind: Conv2D, Name: "patch", Filters: 6, Kernel: []int{2}, Stride: []int{2}},
		{Kind: LayerNorm, Name: "patch.norm"},
	}
	layers = append(layers, block("b0", "patch.norm", 0)...)
	layers = append(layers, block("b1", "b0", 2)...)
	layers = append(layers,
		Layer{Kind: PatchMerge, Name: "merge"},
		Layer{Kind: LayerNorm, Name: "merge.norm"},
		Layer{Kind: Conv2D, Name: "merge.reduction", Filters: 12, Kernel: []int{1}, NoBias: true},
		Layer{Kind: LayerNorm, Name: "norm"},
		Layer{Kind: GlobalAvgPool},
		Layer{Kind: Flatten},
		Layer{Kind: Dense, Name: "head"})
	return Arch{Input: Input{Channels: 3, Height: 16, Width: 16}, Layers: layers}
}

// TestSwinGradients checks the backward pass through shifted-window
// attention (its queries, keys, values and relative position bias) and
// the patch merge against finite differences of the loss.
func TestSwinGradients(t *testing.T) {
	arch := swinArch()
	m := checkGraphGradients(t, arch, rand.New(rand.NewPCG(11, 12)), []int{0, 2})
	_ = m
}

// TestWindowAttentionMaps checks Model.Attention on the Swin network: one
// map per WindowAttention layer with its window and shift, each
// position's row over the maps summing to 1 within its window, and the
// shifted layer's mask keeping a position of the last window from
// looking at the other regions.
func TestWindowAttentionMaps(t *testing.T) {
	m, err := NewModelArch(swinArch(), []string{"a", "b", "c"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, m.Input().Len())
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	maps, _, err := m.Attention(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 2 || maps[1].Name != "b1.attn" || !slices.Equal(maps[1].Shift, []int{2, 2}) || maps[1].Tokens != 64 {
		t.Fatalf("maps %+v", maps)
	}
	if m.HasAttention() {
		t.Error("a Swin has no global attention (rollout)")
	}
	for _, a := range maps {
		g := nn.NewWindowGeom(8, 8, []int{4, 4}, a.Shift, nil)
		for k := range g.Windows() {
			for tok := range g.Tokens() {
				q := g.Pos(k, tok)
				row := a.Row(1, q)
				sum := float32(0)
				for u, v := range row {
					sum += v
					j := slices.Index(windowPositions(g, k), u)
					if v != 0 && j < 0 {
						t.Fatalf("%s: position %d looks at %d outside its window", a.Name, q, u)
					}
					if j >= 0 && v > 1e-20 && g.Masked(k, tok, j) {
						t.Fatalf("%s: position %d looks at %d across the mask (%g)", a.Name, q, u, v)
					}
				}
				if sum < 0.9999 || sum > 1.0001 {
					t.Fatalf("%s: position %d's row sums to %g", a.Name, q, sum)
				}
			}
		}
	}
}

// windowPositions returns the positions of window k's tokens in order.
func windowPositions(g nn.WindowGeom, k int) []int {
	var p []int
	for tok := range g.Tokens() {
		p = append(p, g.Pos(k, tok))
	}
	return p
}

// TestSwinPaddedGradients checks a shifted window attention on maps of
// 6x6 padded to whole windows of 4x4 (its qkv convolution padded at the
// bottom and right, its output cropped back to 6x6) against finite
// differences of the loss.
func TestSwinPaddedGradients(t *testing.T) {
	arch := Arch{Input: Input{Channels: 3, Height: 12, Width: 12}, Layers: []Layer{
		{Kind: Conv2D, Name: "patch", Filters: 6, Kernel: []int{2}, Stride: []int{2}},
		{Kind: LayerNorm, Name: "norm1"},
		{Kind: Conv2D, Name: "qkv", Filters: 18, Kernel: []int{1}, Padding: PaddingExplicit, Pads: []int{0, 0, 2, 2}},
		{Kind: WindowAttention, Name: "attn", Heads: 2, Window: []int{4, 4}, Shift: []int{2, 2}, Pads: []int{0, 0, 2, 2}},
		{Kind: Conv2D, Name: "proj", Filters: 6, Kernel: []int{1}},
		{Kind: Add, Name: "res", Inputs: []string{"proj", "patch"}},
		{Kind: GlobalAvgPool},
		{Kind: Flatten},
		{Kind: Dense, Name: "head"},
	}}
	m := checkGraphGradients(t, arch, rand.New(rand.NewPCG(13, 14)), []int{1, 2})
	if p := m.Places()[len(m.Places())-1]; p.Name != "res" || p.Height != 6 || p.Width != 6 {
		t.Errorf("the block's output %+v, want maps of 6x6", p)
	}
}
