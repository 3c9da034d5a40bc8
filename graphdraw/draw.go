package graphdraw

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// fonts holds the Liberation fonts, the same in the SVG, the PNG and the
// window.
var fonts = font.NewCache(liberation.Collection())

func face(size float64, bold bool) font.Face {
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return fonts.Lookup(f, vg.Length(size))
}

func textWidth(s string, size float64, bold bool) float64 {
	f := face(size, bold)
	return float64(f.Width(s).Points())
}

// fit shortens s with an ellipsis until it is at most w points wide.
func fit(s string, size float64, bold bool, w float64) string {
	if textWidth(s, size, bold) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textWidth("…"+string(r), size, bold) > w {
		r = r[1:]
	}
	return "…" + string(r)
}

// Colours: a fill and an outline per family of kinds.
var (
	ink       = color.RGBA{0x33, 0x33, 0x33, 0xff}
	straightC = color.RGBA{0x55, 0x55, 0x55, 0xff}
	skipC     = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	branchC   = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	frameFill = color.RGBA{0xf4, 0xf1, 0xea, 0xff}
	frameLine = color.RGBA{0xb8, 0xa9, 0x8c, 0xff}
)

func fillOf(kind string) color.Color {
	switch kind {
	case "Conv2D":
		return color.RGBA{0xd8, 0xe8, 0xf8, 0xff}
	case "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D":
		return color.RGBA{0xd9, 0xf0, 0xd3, 0xff}
	case "BatchNormalization", "Affine", "Dropout", "Flatten":
		return color.RGBA{0xea, 0xea, 0xea, 0xff}
	case "Add", "Concatenate", "Multiply":
		return color.RGBA{0xfd, 0xdb, 0xb4, 0xff}
	case "Dense", "Softmax":
		return color.RGBA{0xe5, 0xdb, 0xf3, 0xff}
	case "block":
		return color.RGBA{0xfb, 0xe9, 0xc9, 0xff}
	case "input":
		return color.White
	}
	return color.RGBA{0xfa, 0xf3, 0xc8, 0xff} // activations
}

// legend names the colours of the edges.
var legend = []struct {
	c    color.Color
	what string
}{{straightC, "next layer"}, {skipC, "skip connection"}, {branchC, "side branch"}}

// legendWidth is the width of the legend's line.
func legendWidth() float64 {
	w := 0.0
	for _, l := range legend {
		w += 22 + textWidth(l.what, detailSize, false) + 14
	}
	return w - 14
}

// Draw paints d on c, whose size must be d.W by d.H points.
func Draw(c vg.Canvas, d Drawing) {
	H := d.H
	pt := func(p Point) vg.Point { return vg.Point{X: vg.Length(p.X), Y: vg.Length(H - p.Y)} }
	rect := func(x, y, w, h, r float64) vg.Path {
		var p vg.Path
		p.Move(pt(Point{x + r, y}))
		p.Line(pt(Point{x + w - r, y}))
		p.QuadTo(pt(Point{x + w, y}), pt(Point{x + w, y + r}))
		p.Line(pt(Point{x + w, y + h - r}))
		p.QuadTo(pt(Point{x + w, y + h}), pt(Point{x + w - r, y + h}))
		p.Line(pt(Point{x + r, y + h}))
		p.QuadTo(pt(Point{x, y + h}), pt(Point{x, y + h - r}))
		p.Line(pt(Point{x, y + r}))
		p.QuadTo(pt(Point{x, y}), pt(Point{x + r, y}))
		p.Close()
		return p
	}
	text := func(s string, x, y, size float64, bold bool, col color.Color) {
		c.SetColor(col)
		c.FillString(face(size, bold), pt(Point{x, y}), s)
	}
	c.SetColor(color.White)
	c.Fill(rect(0, 0, d.W, d.H, 0))

	// Legend.
	lx := margin
	for _, l := range legend {
		var p vg.Path
		p.Move(pt(Point{lx, margin + 6}))
		p.Line(pt(Point{lx + 18, margin + 6}))
		c.SetColor(l.c)
		c.SetLineWidth(1.6)
		c.Stroke(p)
		text(l.what, lx+22, margin+9, detailSize, false, ink)
		lx += 22 + textWidth(l.what, detailSize, false) + 14
	}

	for _, f := range d.Frames {
		c.SetColor(frameFill)
		c.Fill(rect(f.X, f.Y, f.W, f.H, 5))
		c.SetColor(frameLine)
		c.SetLineWidth(0.8)
		c.Stroke(rect(f.X, f.Y, f.W, f.H, 5))
		text(f.Name+"  ("+f.Kind+")", f.X+framePad, f.Y+headerH-4, detailSize, true, frameLine)
	}
	for _, e := range d.Edges {
		col, width := straightC, 1.0
		switch e.Kind {
		case Skip:
			col, width = skipC, 1.4
		case Branch:
			col, width = branchC, 1.2
		}
		c.SetColor(col)
		c.SetLineWidth(vg.Length(width))
		var p vg.Path
		p.Move(pt(e.P[0]))
		if e.Kind == Straight {
			p.Line(pt(e.P[3]))
		} else {
			p.CubeTo(pt(e.P[1]), pt(e.P[2]), pt(e.P[3]))
		}
		c.Stroke(p)
		// The arrow head, along the curve's last direction.
		dx, dy := e.P[3].X-e.P[2].X, e.P[3].Y-e.P[2].Y
		if dx == 0 && dy == 0 {
			dx, dy = e.P[3].X-e.P[0].X, e.P[3].Y-e.P[0].Y
		}
		n := math.Hypot(dx, dy)
		dx, dy = dx/n, dy/n
		const al, aw = 6.0, 3.0
		tip := e.P[3]
		var a vg.Path
		a.Move(pt(tip))
		a.Line(pt(Point{tip.X - al*dx - aw*dy, tip.Y - al*dy + aw*dx}))
		a.Line(pt(Point{tip.X - al*dx + aw*dy, tip.Y - al*dy - aw*dx}))
		a.Close()
		c.Fill(a)
	}
	for _, b := range d.Boxes {
		c.SetColor(fillOf(b.Kind))
		c.Fill(rect(b.X, b.Y, b.W, b.H, 4))
		c.SetColor(ink)
		c.SetLineWidth(vg.Length(map[bool]float64{true: 1.4, false: 0.6}[b.Kind == "block"]))
		c.Stroke(rect(b.X, b.Y, b.W, b.H, 4))
		text(fit(b.Title, titleSize, true, b.W-2*textPadding), b.X+textPadding, b.Y+12, titleSize, true, ink)
		text(fit(b.Detail, detailSize, false, b.W-2*textPadding), b.X+textPadding, b.Y+23, detailSize, false, ink)
	}
}

// SVG returns d as an SVG file (its fonts named, not embedded).
func SVG(d Drawing) ([]byte, error) {
	c := vgsvg.New(vg.Length(d.W), vg.Length(d.H))
	Draw(c, d)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("graphdraw: %w", err)
	}
	return buf.Bytes(), nil
}

// Image rasterizes d at scale pixels per point (2 for a sharp picture on
// a screen of twice the density).
func Image(d Drawing, scale float64) image.Image {
	w, h := int(math.Ceil(d.W*scale)), int(math.Ceil(d.H*scale))
	c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, w, h))), vgimg.UseDPI(int(math.Round(72*scale))))
	Draw(c, d)
	return c.Image()
}

// PNG returns d as a PNG file at scale pixels per point.
func PNG(d Drawing, scale float64) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(d.W), vg.Length(d.H)), vgimg.UseDPI(int(math.Round(72*scale))))
	Draw(c, d)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("graphdraw: %w", err)
	}
	return buf.Bytes(), nil
}
