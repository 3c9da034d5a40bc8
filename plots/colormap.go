package plots

import (
	"image"
	"image/color"
	"math"
	"sync"

	"gonum.org/v1/plot/palette/moreland"
)

// lutSize is the number of entries of the feature-map colour table.
const lutSize = 256

var (
	lutOnce sync.Once
	lut     [lutSize]color.NRGBA
)

// colorTable returns the feature-map colour table: gonum's
// moreland.ExtendedBlackBody (black, blue, purple, red, yellow, white, with
// luminance rising linearly in CIELAB) sampled at 256 evenly spaced points.
func colorTable() *[lutSize]color.NRGBA {
	lutOnce.Do(func() {
		cm := moreland.ExtendedBlackBody()
		cm.SetMin(0)
		cm.SetMax(1)
		for i := range lut {
			c, err := cm.At(float64(i) / (lutSize - 1))
			if err != nil {
				panic("plots: colour map: " + err.Error())
			}
			lut[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
		}
	})
	return &lut
}

// Color returns the feature-map colour of t, a position on the colour map:
// 0 is its low end (black), 1 its high end (white). Values below 0, above 1
// or NaN are taken as 0 or 1 (NaN as 0).
func Color(t float64) color.NRGBA {
	return colorTable()[lutIndex(t)]
}

func lutIndex(t float64) int {
	switch {
	case !(t > 0): // also NaN
		return 0
	case t >= 1:
		return lutSize - 1
	}
	return int(t*(lutSize-1) + 0.5)
}

// MapImage colours one feature map m of w×h values (row-major, len(m) must
// be at least w*h; w, h > 0) as a w×h image, one pixel per value: lo and
// below get the colour map's low end, hi and above its high end, values
// between are spaced linearly. When hi <= lo every pixel gets the low end
// (a map with no variation, such as a dead filter). Enlarging is left to
// the caller (nearest neighbour keeps the values readable).
func MapImage(m []float32, w, h int, lo, hi float32) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	drawMap(img, 0, 0, 1, m, w, h, lo, hi)
	return img
}

// drawMap paints map m (w×h) into dst with its top-left corner at (x0, y0),
// each value as a scale×scale block.
func drawMap(dst *image.NRGBA, x0, y0, scale int, m []float32, w, h int, lo, hi float32) {
	tab := colorTable()
	span := float64(hi) - float64(lo)
	for y := 0; y < h; y++ {
		row := m[y*w : y*w+w]
		for x, v := range row {
			idx := 0
			if span > 0 {
				idx = lutIndex((float64(v) - float64(lo)) / span)
			}
			c := tab[idx]
			for dy := 0; dy < scale; dy++ {
				off := dst.PixOffset(x0+x*scale, y0+y*scale+dy)
				for dx := 0; dx < scale; dx++ {
					p := dst.Pix[off+4*dx : off+4*dx+4 : off+4*dx+4]
					p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
				}
			}
		}
	}
}

// Legend draws the colour bar of the feature-map colour map as a w×h image
// (w, h > 0): from left (lo) to right (hi) when w >= h, from bottom (lo) to
// top (hi) otherwise. When the bar is at least 16 pixels thick, lo and hi
// are written at its ends in black or white, whichever reads better.
func Legend(lo, hi float32, w, h int) *image.NRGBA {
	img := colorBar(w, h)
	thick := min(w, h)
	if thick >= 16 {
		size := float64(thick) * 0.6
		face := sansFace(size, false)
		loText, hiText := formatValue(lo), formatValue(hi)
		pad := thick / 4
		if w >= h {
			base := (h + int(size*0.7)) / 2
			drawText(img, face, loText, pad, base, TextColor(img.At(0, h/2)))
			tw := textWidth(face, hiText)
			drawText(img, face, hiText, w-pad-tw, base, TextColor(img.At(w-1, h/2)))
		} else {
			tw := textWidth(face, loText)
			drawText(img, face, loText, (w-tw)/2, h-pad, TextColor(img.At(w/2, h-1)))
			tw = textWidth(face, hiText)
			drawText(img, face, hiText, (w-tw)/2, pad+int(size*0.7), TextColor(img.At(w/2, 0)))
		}
	}
	return img
}

// colorBar draws the bare colour bar (see Legend).
func colorBar(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w >= h {
		for x := 0; x < w; x++ {
			t := 0.0
			if w > 1 {
				t = float64(x) / float64(w-1)
			}
			c := Color(t)
			for y := 0; y < h; y++ {
				img.SetNRGBA(x, y, c)
			}
		}
		return img
	}
	for y := 0; y < h; y++ {
		t := 0.0
		if h > 1 {
			t = float64(h-1-y) / float64(h-1)
		}
		c := Color(t)
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// TextColor returns black or white, whichever contrasts more with the
// background colour bg (by WCAG relative luminance).
func TextColor(bg color.Color) color.Color {
	if relativeLuminance(bg) > 0.179 {
		return color.Black
	}
	return color.White
}

// relativeLuminance is the WCAG relative luminance of c, in [0, 1].
func relativeLuminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}
