package plots

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
	xfont "golang.org/x/image/font"
)

// Tile is one picture of a ranking figure (TileGrid).
type Tile struct {
	// Image is the picture as given; it is drawn keeping its aspect ratio.
	Image image.Image
	// Region, when not empty, is marked on the picture: it is given in the
	// pixels of the network's input (InputW x InputH), to which the network
	// stretches every picture, and is scaled to the picture on each axis.
	Region         image.Rectangle
	InputW, InputH int
	// Caption is written under the picture (cut to fit).
	Caption string
}

// RegionColor outlines the marked regions: a saturated magenta, which
// stands out on paintings, drawings and sculpture photographs alike.
var RegionColor = color.NRGBA{R: 0xff, G: 0x2d, B: 0xd2, A: 0xff}

// TileGrid draws tiles in a grid of cols columns (0: about square), each
// picture fitted into a side x side square with its caption below, and
// title above (none when ""). Outside a marked region the picture is dimmed, so the
// region stands out even where it is small.
func TileGrid(title string, tiles []Tile, side, cols int, th Theme) *image.NRGBA {
	if side < 16 {
		side = 16
	}
	n := max(len(tiles), 1)
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	capPx := clampF(float64(side)*0.075, 12, 20)
	titlePx := clampF(float64(side)*0.1, 15, 26)
	capFace, titleFace := sansFace(capPx, false), sansFace(titlePx, true)
	gap := max(10, side/12)
	capH := int(math.Ceil(capPx * 1.6))
	titleH := int(math.Ceil(titlePx * 1.8))
	if title == "" {
		titleH = 0
	}
	w := gap + cols*(side+gap)
	h := titleH + gap + rows*(side+capH+gap)
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(th.Background), image.Point{}, draw.Src)
	drawText(img, titleFace, fitText(titleFace, title, w-2*gap), gap, int(titlePx*1.3), th.Text)
	for i, t := range tiles {
		x0 := gap + (i%cols)*(side+gap)
		y0 := titleH + gap + (i/cols)*(side+capH+gap)
		cell := image.Rect(x0, y0, x0+side, y0+side)
		drawTile(img, cell, t)
		drawText(img, capFace, fitText(capFace, t.Caption, side), x0, y0+side+int(capPx*1.2), th.Text)
	}
	return img
}

// drawTile draws t's picture centred in cell, dimmed outside its region,
// with the region outlined.
func drawTile(dst *image.NRGBA, cell image.Rectangle, t Tile) {
	if t.Image == nil || t.Image.Bounds().Empty() {
		return
	}
	b := t.Image.Bounds()
	side := cell.Dx()
	dw, dh := side, side
	if b.Dx() >= b.Dy() {
		dh = max(1, b.Dy()*side/b.Dx())
	} else {
		dw = max(1, b.Dx()*side/b.Dy())
	}
	r := image.Rect(0, 0, dw, dh).Add(cell.Min).Add(image.Pt((side-dw)/2, (side-dh)/2))
	xdraw.CatmullRom.Scale(dst, r, t.Image, b, xdraw.Src, nil)
	if t.Region.Empty() || t.InputW <= 0 || t.InputH <= 0 {
		return
	}
	sx, sy := float64(dw)/float64(t.InputW), float64(dh)/float64(t.InputH)
	reg := image.Rect(
		r.Min.X+int(math.Floor(float64(t.Region.Min.X)*sx)), r.Min.Y+int(math.Floor(float64(t.Region.Min.Y)*sy)),
		r.Min.X+int(math.Ceil(float64(t.Region.Max.X)*sx)), r.Min.Y+int(math.Ceil(float64(t.Region.Max.Y)*sy))).Intersect(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if (image.Point{x, y}).In(reg) {
				continue
			}
			p := dst.Pix[dst.PixOffset(x, y):]
			p[0], p[1], p[2] = p[0]/2, p[1]/2, p[2]/2
		}
	}
	line := max(2, side/100)
	frame(dst, reg.Min.X-line, reg.Min.Y-line, reg.Dx()+2*line, reg.Dy()+2*line, RegionColor)
	for k := 1; k < line; k++ {
		frame(dst, reg.Min.X-line+k, reg.Min.Y-line+k, reg.Dx()+2*(line-k), reg.Dy()+2*(line-k), RegionColor)
	}
}

// fitText returns s, or its beginning followed by "…", no wider than w
// pixels in face.
func fitText(face xfont.Face, s string, w int) string {
	if textWidth(face, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && textWidth(face, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
