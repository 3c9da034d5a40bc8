// Command mkicon draws the ArtLens application icon: an eye whose iris is a
// lens, looking over a grid of feature-map squares, on a rounded dark tile
// with a light rim (so it reads on light and dark backgrounds alike).
//
// It is run by go generate in package assets:
//
//	go run ./internal/mkicon -o icon.png
//
// The drawing is pure arithmetic (signed distances, 4x4 supersampling), so
// the same program always writes the same PNG.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"

	"github.com/artlens/artlens/internal/atomicfile"
)

// rgba is a straight (not premultiplied) colour with channels in [0, 1].
type rgba struct{ r, g, b, a float64 }

func hex(v uint32) rgba {
	return rgba{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255, 1}
}

func (c rgba) alpha(a float64) rgba { c.a *= a; return c }

func lerp(a, b rgba, t float64) rgba {
	return rgba{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t, a.a + (b.a-a.a)*t}
}

// over composites src over dst (both straight alpha).
func over(dst, src rgba) rgba {
	a := src.a + dst.a*(1-src.a)
	if a == 0 {
		return rgba{}
	}
	f := func(s, d float64) float64 { return (s*src.a + d*dst.a*(1-src.a)) / a }
	return rgba{f(src.r, dst.r), f(src.g, dst.g), f(src.b, dst.b), a}
}

// viridis maps t in [0, 1] to the viridis colour map (five stops).
func viridis(t float64) rgba {
	stops := []rgba{hex(0x440154), hex(0x3b528b), hex(0x21918c), hex(0x5ec962), hex(0xfde725)}
	t = math.Max(0, math.Min(1, t)) * float64(len(stops)-1)
	i := int(t)
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	return lerp(stops[i], stops[i+1], t-float64(i))
}

// roundedBox is the signed distance from (x, y) to a box centred at (cx, cy)
// with half sizes (hx, hy) and corner radius r: negative inside.
func roundedBox(x, y, cx, cy, hx, hy, r float64) float64 {
	qx := math.Abs(x-cx) - hx + r
	qy := math.Abs(y-cy) - hy + r
	return math.Hypot(math.Max(qx, 0), math.Max(qy, 0)) + math.Min(math.Max(qx, qy), 0) - r
}

func circle(x, y, cx, cy, r float64) float64 { return math.Hypot(x-cx, y-cy) - r }

// Geometry, in pixels of the 512x512 icon.
const (
	size      = 512.0
	mid       = size / 2
	tileHalf  = 236.0 // tile from 20 to 492
	tileR     = 100.0
	rim       = 7.0
	cells     = 6
	cellPitch = 66.0
	cellHalf  = 27.0
	cellR     = 8.0
	eyeHalfW  = 210.0 // the eye's corners
	eyeHalfH  = 110.0 // the eye's height above and below the centre line
	irisR     = 92.0
	ringW     = 11.0
	pupilR    = 30.0
	lensPitch = 25.0 // the finer feature map seen through the lens
	lensHalf  = 10.5
)

// activation is the feature map the grid shows: the response of an edge
// detector to a diagonal stroke, plus a blob where the eye looks.
func activation(i, j float64) float64 {
	n := float64(cells - 1)
	d := (i - j) / n                        // distance from the diagonal
	edge := math.Exp(-8 * d * d)            // a diagonal ridge
	wave := 0.5 + 0.5*math.Sin(1.7*i+0.9*j) // texture
	ci, cj := i-n/2, j-n/2
	blob := math.Exp(-(ci*ci + cj*cj) / 6)
	return 0.5*edge + 0.2*wave + 0.3*blob
}

// grid returns the feature-map colour at (x, y) (transparent between cells).
func grid(x, y float64) rgba {
	origin := mid - cellPitch*float64(cells-1)/2
	i := math.Round((x - origin) / cellPitch)
	j := math.Round((y - origin) / cellPitch)
	if i < 0 || j < 0 || i >= cells || j >= cells {
		return rgba{}
	}
	cx, cy := origin+i*cellPitch, origin+j*cellPitch
	if roundedBox(x, y, cx, cy, cellHalf, cellHalf, cellR) > 0 {
		return rgba{}
	}
	return viridis(activation(i, j))
}

// lensGrid is the finer feature map seen through the lens: a cell centred
// on the pupil, coloured by a smooth response that peaks off-centre.
func lensGrid(x, y float64) rgba {
	i := math.Round((x - mid) / lensPitch)
	j := math.Round((y - mid) / lensPitch)
	cx, cy := mid+i*lensPitch, mid+j*lensPitch
	if roundedBox(x, y, cx, cy, lensHalf, lensHalf, 3.5) > 0 {
		return rgba{}
	}
	// A diagonal edge response with a bright spot lower right.
	d := (i - j) / 3
	v := 0.25 + 0.45*math.Exp(-d*d) + 0.35*math.Exp(-((i-1.5)*(i-1.5)+(j-1.5)*(j-1.5))/2.5)
	return viridis(v)
}

// eye is the signed distance to the almond eye: the intersection of two
// circles through the eye's corners (±eyeHalfW, 0) and (0, ±eyeHalfH).
func eye(x, y float64) float64 {
	// Circle through (±w, 0) and (0, h): centre (0, h-R), R = (w²+h²)/2h.
	w, h := eyeHalfW, eyeHalfH
	r := (w*w + h*h) / (2 * h)
	upper := circle(x, y, mid, mid+(r-h), r) // the upper lid, centre below
	lower := circle(x, y, mid, mid-(r-h), r) // the lower lid, centre above
	return math.Max(upper, lower)
}

// sample is the icon's colour at the point (x, y).
func sample(x, y float64) rgba {
	var c rgba
	tile := roundedBox(x, y, mid, mid, tileHalf, tileHalf, tileR)
	if tile > 0 {
		return c
	}
	// Light rim, then the dark tile with a vertical gradient.
	c = hex(0x8fa3d9)
	if tile < -rim {
		c = lerp(hex(0x1f2b52), hex(0x0c1226), (y-20)/(size-40))
	}
	// Feature-map grid, faded so the eye stands out.
	if g := grid(x, y); g.a > 0 && tile < -rim-4 {
		c = over(c, g.alpha(0.55))
	}
	e := eye(x, y)
	switch {
	case e < -9: // sclera: a pale, slightly warm white
		c = hex(0xf6f1e7)
	case e < 0: // eyelid line
		c = hex(0x0c1226)
	case e < 5: // a light halo so the lid separates from the grid
		c = over(c, hex(0xf6f1e7).alpha(0.35))
	}
	// The iris is a lens: the feature map magnified and brightened.
	ir := circle(x, y, mid, mid, irisR)
	switch {
	case ir < -ringW:
		c = hex(0x0c1226)
		if g := lensGrid(x, y); g.a > 0 {
			c = g
		}
		// Vignette towards the lens rim.
		r := math.Hypot(x-mid, y-mid) / (irisR - ringW)
		c = lerp(c, hex(0x0c1226), 0.55*math.Pow(r, 4))
	case ir < 0: // gold lens ring
		t := (ir + ringW) / ringW
		c = lerp(hex(0xffcf5a), hex(0xc9851a), t)
	}
	// Pupil: a dark disc with a thin gold edge.
	if p := circle(x, y, mid, mid, pupilR); p < 0 {
		c = hex(0x0a0e1c)
		if p > -3.5 {
			c = hex(0xe0a536)
		}
	}
	// Specular highlights on the lens glass.
	if circle(x, y, mid-34, mid-38, 17) < 0 {
		c = over(c, rgba{1, 1, 1, 0.92})
	}
	if circle(x, y, mid+44, mid+40, 7) < 0 {
		c = over(c, rgba{1, 1, 1, 0.7})
	}
	return c
}

func render(n int) *image.NRGBA {
	const ss = 4 // samples per axis
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	scale := size / float64(n)
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			// Average premultiplied samples.
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					c := sample(x, y)
					r += c.r * c.a
					g += c.g * c.a
					b += c.b * c.a
					a += c.a
				}
			}
			if a == 0 {
				continue
			}
			to8 := func(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255)) }
			img.SetNRGBA(px, py, color.NRGBA{to8(r / a), to8(g / a), to8(b / a), to8(a / ss / ss)})
		}
	}
	return img
}

func main() {
	out := flag.String("o", "icon.png", "output PNG file")
	n := flag.Int("size", 512, "width and height in pixels")
	flag.Parse()
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	err := atomicfile.Write(*out, 0o644, func(w io.Writer) error { return enc.Encode(w, render(*n)) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
}
