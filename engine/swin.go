package engine

import (
	"fmt"

	"github.com/artlens/artlens/engine/nn"
)

// windowLayerOK checks a WindowAttention layer l against its input maps.
func windowLayerOK(l Layer, in shape) error {
	switch {
	case in.flat:
		return fmt.Errorf("a window attention reads maps, not %s", in)
	case l.Heads < 1 || in.c%(3*l.Heads) != 0:
		return fmt.Errorf("%d channels are not queries, keys and values for %d heads", in.c, l.Heads)
	case len(l.Window) != 2 || len(l.Shift) != 2 || l.Window[0] < 1 || l.Window[1] < 1:
		return fmt.Errorf("window %v and shift %v are not a height and a width each", l.Window, l.Shift)
	case in.h%l.Window[0] != 0 || in.w%l.Window[1] != 0:
		return fmt.Errorf("maps of %dx%d are not whole windows of %dx%d", in.w, in.h, l.Window[1], l.Window[0])
	case l.Pads != nil && (len(l.Pads) != 4 || l.Pads[0] != 0 || l.Pads[1] != 0 || l.Pads[2] < 0 || l.Pads[3] < 0 ||
		l.Pads[2] >= l.Window[0] || l.Pads[3] >= l.Window[1]):
		return fmt.Errorf("pads %v are not a bottom and right padding to whole windows %v", l.Pads, l.Window)
	case l.Shift[0] < 0 || l.Shift[0] >= l.Window[0] || l.Shift[1] < 0 || l.Shift[1] >= l.Window[1]:
		return fmt.Errorf("shift %v is not within window %v", l.Shift, l.Window)
	}
	return nil
}

// windowCrop returns the maps' size that a WindowAttention layer l keeps
// of its input of h×w: less its padding to whole windows (Pads' bottom and
// right).
func windowCrop(l Layer, h, w int) []int {
	if len(l.Pads) == 4 {
		return []int{h - l.Pads[2], w - l.Pads[3]}
	}
	return []int{h, w}
}

// WindowPosition returns the position (y·w + x) of maps of h×w that
// token t of window k reads in a WindowAttention layer of the given
// window and shift (height, width each): the importer checks an
// exported graph's window partition against it.
func WindowPosition(h, w int, window, shift []int, k, t int) int {
	return nn.NewWindowGeom(h, w, window, shift, nil).Pos(k, t)
}

// WindowMasked says whether a WindowAttention layer of the given window
// and shift on maps of h×w adds the mask (-100) to the score of token t
// for token u in window k (they lie in different regions of the rolled
// maps).
func WindowMasked(h, w int, window, shift []int, k, t, u int) bool {
	return nn.NewWindowGeom(h, w, window, shift, nil).Masked(k, t, u)
}

// PatchMergeSource returns the position (y·w + x) of maps of h×w and the
// channel of c that channel ch of position (y, x) of a PatchMerge layer's
// output (4c channels of h/2×w/2) comes from.
func PatchMergeSource(w, c, y, x, ch int) (pos, channel int) {
	return nn.PatchMergeSource(w, c, y, x, ch)
}

// windowAttentionAt is a WindowAttention layer's op in a network, and
// its step.
type windowAttentionAt struct {
	op   *nn.WindowAttentionOp
	step int
}
