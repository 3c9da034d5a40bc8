package collection

import (
	"image"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// The model's input contract in one place, so that a change of the
// engine's input (any size, grey or colour) touches only this file.

// InputSide returns the side of the square picture that m takes.
func InputSide(m *engine.Model) (w, h int) { return engine.InputSize, engine.InputSize }

// inputLen returns the number of values of m's input.
func inputLen(m *engine.Model) int { return 3 * engine.InputSize * engine.InputSize }

// modelInput turns img into m's input.
func modelInput(m *engine.Model, img image.Image) []float32 {
	return picture.ToInput(img, engine.InputSize)
}
