package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
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

// TestWindowGeometry checks the shifted partition and the mask's
// regions on 8x8 maps, windows of 4x4 rolled by 2: window 0's first
// token reads position (2, 2); the last window's tokens wrap round to
// row and column 0 and span four regions.
func TestWindowGeometry(t *testing.T) {
	g := windowGeom{h: 8, w: 8, wh: 4, ww: 4, sh: 2, sw: 2}
	if p := g.pos(0, 0); p != 2*8+2 {
		t.Errorf("window 0 token 0 reads %d, want 18", p)
	}
	if p := g.pos(3, 15); p != 1*8+1 {
		t.Errorf("window 3 token 15 reads %d, want 9", p)
	}
	seen := make([]bool, 64)
	for k := range g.windows() {
		for tok := range g.tokens() {
			seen[g.pos(k, tok)] = true
		}
	}
	if slices.Contains(seen, false) {
		t.Errorf("the windows miss positions: %v", seen)
	}
	regions := map[int]bool{}
	for tok := range g.tokens() {
		regions[g.region(3, tok)] = true
		if g.region(0, tok) != 0 {
			t.Errorf("window 0 token %d in region %d", tok, g.region(0, tok))
		}
	}
	if len(regions) != 4 {
		t.Errorf("the last window spans %d regions, want 4", len(regions))
	}
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
		g := windowGeom{h: 8, w: 8, wh: 4, ww: 4, sh: a.Shift[0], sw: a.Shift[1]}
		for k := range g.windows() {
			for tok := range g.tokens() {
				q := g.pos(k, tok)
				row := a.Row(1, q)
				sum := float32(0)
				for u, v := range row {
					sum += v
					inWindow := false
					for j := range g.tokens() {
						inWindow = inWindow || g.pos(k, j) == u
					}
					if v != 0 && !inWindow {
						t.Fatalf("%s: position %d looks at %d outside its window", a.Name, q, u)
					}
					if inWindow && v > 1e-20 && g.sh != 0 && g.region(k, tok) != g.region(k, slices.Index(windowPositions(g, k), u)) {
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
func windowPositions(g windowGeom, k int) []int {
	var p []int
	for tok := range g.tokens() {
		p = append(p, g.pos(k, tok))
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
