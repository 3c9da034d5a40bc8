package plots

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"gonum.org/v1/plot/palette/moreland"
)

// The diverging colour scale draws signed maps (Integrated Gradients'
// attributions): blue for negative, white for 0, red for positive, so a
// pixel that lowered the class's score never looks like one that raised it.
var (
	divOnce sync.Once
	divLUT  [lutSize]color.NRGBA
)

// divergingTable returns gonum's moreland.SmoothBlueRed (Moreland's cool
// to warm map, grey-white in the middle) sampled at 256 points.
func divergingTable() *[lutSize]color.NRGBA {
	divOnce.Do(func() {
		cm := moreland.SmoothBlueRed()
		cm.SetMin(0)
		cm.SetMax(1)
		for i := range divLUT {
			c, err := cm.At(float64(i) / (lutSize - 1))
			if err != nil {
				panic("plots: diverging colour map: " + err.Error())
			}
			divLUT[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
		}
	})
	return &divLUT
}

// DivergingColor returns the diverging scale's colour of t in [-1, 1]
// (beyond: the ends; NaN: the middle).
func DivergingColor(t float64) color.NRGBA {
	if t != t {
		t = 0
	}
	return divergingTable()[lutIndex((t+1)/2)]
}

// DivergingOverlay draws a signed heat map m (w×h values) over img as
// Overlay does, coloured with the diverging scale from -bound (blue)
// through 0 (white) to +bound (red); bound > 0.
func DivergingOverlay(img image.Image, m []float32, w, h int, bound float32, opacity float64) (*image.NRGBA, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("plots: empty picture")
	}
	if w < 1 || h < 1 || len(m) != w*h {
		return nil, fmt.Errorf("plots: heat map of %d values is not %d×%d", len(m), w, h)
	}
	if !(bound > 0) {
		bound = 1
	}
	opacity = clampF(opacity, 0, 1)
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	up := Upsample(m, w, h, b.Dx(), b.Dy())
	a := float32(opacity)
	for i, v := range up {
		c := DivergingColor(float64(v) / float64(bound))
		p := out.Pix[4*i : 4*i+3 : 4*i+3]
		p[0] = uint8(float32(p[0])*(1-a) + float32(c.R)*a + 0.5)
		p[1] = uint8(float32(p[1])*(1-a) + float32(c.G)*a + 0.5)
		p[2] = uint8(float32(p[2])*(1-a) + float32(c.B)*a + 0.5)
	}
	return out, nil
}

// divergingBar draws the diverging scale as a horizontal w×h bar, -1 at
// the left.
func divergingBar(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		t := 0.0
		if w > 1 {
			t = 2*float64(x)/float64(w-1) - 1
		}
		c := DivergingColor(t)
		for y := 0; y < h; y++ {
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// DivergingExplainFigure is ExplainFigure for an overlay made by
// DivergingOverlay: its colour bar is the diverging scale, loText and
// hiText written under its ends.
func DivergingExplainFigure(overlay image.Image, title, loText, hiText, caption string) image.Image {
	return explainFigure(overlay, divergingBar, title, loText, hiText, caption)
}
