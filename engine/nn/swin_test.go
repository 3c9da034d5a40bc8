package nn

import (
	"slices"
	"testing"
)

// TestWindowGeometry checks the shifted partition and the mask's
// regions on 8x8 maps, windows of 4x4 rolled by 2: window 0's first
// token reads position (2, 2); the last window's tokens wrap round to
// row and column 0 and span four regions.
func TestWindowGeometry(t *testing.T) {
	g := WindowGeom{h: 8, w: 8, wh: 4, ww: 4, sh: 2, sw: 2}
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
