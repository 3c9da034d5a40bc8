package attention

import (
	"image"
	"image/color"
	"image/draw"

	xdraw "golang.org/x/image/draw"

	"github.com/artlens/artlens/plots"
)

// opacity is how much of a patch's colour covers the picture.
const opacity = 0.55

// gridOverlay draws the map m (gh rows of gw values) over pic as one
// coloured square per patch, scaled from 0 to hi (the colour map's low
// and high ends), on a side×side picture (pic is stretched to it, as the
// network reads it); the patch mark (-1: none, else y·gw + x) is framed.
// Patches are drawn as squares, not smoothed: attention is given to a
// patch as a whole.
func gridOverlay(pic image.Image, m []float32, gw, gh int, hi float32, mark, side int) *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, side, side))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	if pic != nil {
		xdraw.BiLinear.Scale(out, out.Bounds(), pic, pic.Bounds(), xdraw.Over, nil)
	}
	if gw < 1 || gh < 1 || len(m) != gw*gh {
		return out
	}
	for y := range side {
		gy := min(y*gh/side, gh-1)
		for x := range side {
			gx := min(x*gw/side, gw-1)
			t := 0.0
			if hi > 0 {
				t = float64(m[gy*gw+gx] / hi)
			}
			c := plots.Color(t)
			p := out.Pix[out.PixOffset(x, y):]
			p[0] = blend(p[0], c.R)
			p[1] = blend(p[1], c.G)
			p[2] = blend(p[2], c.B)
		}
	}
	if mark >= 0 && mark < gw*gh {
		frame(out, mark%gw, mark/gw, gw, gh, side)
	}
	return out
}

func blend(a, b uint8) uint8 {
	return uint8(float64(a)*(1-opacity) + float64(b)*opacity + 0.5)
}

// frame outlines patch (x, y) of a gw×gh grid on a side×side picture:
// white inside black, visible on any colour.
func frame(img *image.NRGBA, x, y, gw, gh, side int) {
	x0, x1 := x*side/gw, (x+1)*side/gw-1
	y0, y1 := y*side/gh, (y+1)*side/gh-1
	w := max(2, side/200)
	set := func(px, py int, c color.NRGBA) {
		if px >= 0 && py >= 0 && px < side && py < side {
			img.SetNRGBA(px, py, c)
		}
	}
	for k := range w + 1 {
		c := color.NRGBA{255, 255, 255, 255}
		if k == w {
			c = color.NRGBA{0, 0, 0, 255}
		}
		for px := x0 - k; px <= x1+k; px++ {
			set(px, y0-k, c)
			set(px, y1+k, c)
		}
		for py := y0 - k; py <= y1+k; py++ {
			set(x0-k, py, c)
			set(x1+k, py, c)
		}
	}
}

// maxOf is the largest of m (0 for none or all negative).
func maxOf(ms ...[]float32) float32 {
	var hi float32
	for _, m := range ms {
		for _, v := range m {
			hi = max(hi, v)
		}
	}
	return hi
}
