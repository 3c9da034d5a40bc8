package collection

import (
	"image"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// InputSide returns the width and height of the picture that m takes (the
// pixels in which receptive fields are given).
func InputSide(m *engine.Model) (w, h int) {
	in := m.Input()
	return in.Width, in.Height
}

// inputLen returns the number of values of m's input.
func inputLen(m *engine.Model) int { return m.Input().Len() }

// modelInput turns img into m's input.
func modelInput(m *engine.Model, img image.Image) []float32 {
	in := m.Input()
	return picture.ToInputShape(img, in.Channels, in.Width, in.Height)
}
