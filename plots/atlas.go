package plots

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
)

// classColors are the classes' colours on a map of a collection: the
// Okabe-Ito palette, told apart by people with the common kinds of colour
// blindness, in an order that puts the most distinct first.
var classColors = []color.NRGBA{
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0xe6, 0x9f, 0x00, 0xff}, // orange
	{0x00, 0x9e, 0x73, 0xff}, // bluish green
	{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	{0xcc, 0x79, 0xa7, 0xff}, // reddish purple
	{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	{0xf0, 0xe4, 0x42, 0xff}, // yellow
	{0x88, 0x88, 0x88, 0xff}, // grey
}

// ClassColor returns class i's colour on a map (the palette repeats after
// eight classes); a negative i (no class) is a light grey.
func ClassColor(i int) color.NRGBA {
	if i < 0 {
		return color.NRGBA{0xc8, 0xc8, 0xc8, 0xff}
	}
	return classColors[i%len(classColors)]
}

// RightColor and WrongColor mark the pictures the network got right and
// wrong on a map coloured by right or wrong.
var (
	RightColor = classColors[2]
	WrongColor = classColors[3]
)

// MapPicture is one picture of a map figure.
type MapPicture struct {
	// X and Y place the picture's centre, each in [0,1].
	X, Y  float64
	Thumb image.Image
	// Color is the picture's border.
	Color color.Color
}

// MapLabel is a text written on a map figure, centred at X, Y in [0,1].
type MapLabel struct {
	X, Y float64
	Text string
}

// MapKey is one line of a map figure's legend.
type MapKey struct {
	Color color.Color
	Text  string
}

// MapFigure draws a collection laid out in two dimensions: each picture's
// thumbnail at its place, fitted in a square of thumb pixels inside a
// border of its colour, in the order given (later ones on top); labels
// over them on a plate of the background's colour; title above and the
// legend on the right. The map itself is side pixels square.
func MapFigure(title string, pics []MapPicture, labels []MapLabel, key []MapKey, side, thumb int, th Theme) *image.NRGBA {
	side = max(side, 64)
	thumb = max(thumb, 6)
	titlePx := clampF(float64(side)*0.018, 15, 32)
	keyPx := clampF(float64(side)*0.014, 13, 26)
	titleFace, keyFace, labelFace := sansFace(titlePx, true), sansFace(keyPx, false), sansFace(keyPx, true)
	gap := int(keyPx)
	titleH := int(math.Ceil(titlePx * 2))
	keyW := 0
	for _, k := range key {
		keyW = max(keyW, textWidth(keyFace, k.Text))
	}
	sw := int(keyPx)
	if len(key) > 0 {
		keyW += sw + gap/2 + 2*gap
	}
	// Thumbnails centred at the map's edges overhang it by half a thumb.
	pad := thumb/2 + gap
	w := pad + side + pad + keyW
	h := titleH + pad + side + pad
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(th.Background), image.Point{}, draw.Src)
	drawText(img, titleFace, fitText(titleFace, title, w-2*gap), gap, int(titlePx*1.4), th.Text)
	ox, oy := pad, titleH+pad
	line := max(1, thumb/16)
	for _, p := range pics {
		cx := ox + int(math.Round(p.X*float64(side)))
		cy := oy + int(math.Round(p.Y*float64(side)))
		cell := image.Rect(cx-thumb/2, cy-thumb/2, cx-thumb/2+thumb, cy-thumb/2+thumb)
		r := cell
		if p.Thumb != nil && !p.Thumb.Bounds().Empty() {
			b := p.Thumb.Bounds()
			dw, dh := thumb, thumb
			if b.Dx() >= b.Dy() {
				dh = max(1, b.Dy()*thumb/b.Dx())
			} else {
				dw = max(1, b.Dx()*thumb/b.Dy())
			}
			r = image.Rect(0, 0, dw, dh).Add(image.Pt(cx-dw/2, cy-dh/2))
			xdraw.ApproxBiLinear.Scale(img, r, p.Thumb, b, xdraw.Src, nil)
		}
		if p.Color != nil {
			c := color.NRGBAModel.Convert(p.Color).(color.NRGBA)
			for k := range line {
				frame(img, r.Min.X-1-k, r.Min.Y-1-k, r.Dx()+2+2*k, r.Dy()+2+2*k, c)
			}
		}
	}
	bg := color.NRGBAModel.Convert(th.Background).(color.NRGBA)
	bg.A = 0xd8
	for _, l := range labels {
		tw := textWidth(labelFace, l.Text)
		x := ox + int(math.Round(l.X*float64(side))) - tw/2
		y := oy + int(math.Round(l.Y*float64(side)))
		plate := image.Rect(x-gap/3, y-int(keyPx*0.95), x+tw+gap/3, y+int(keyPx*0.4))
		draw.Draw(img, plate, image.NewUniform(bg), image.Point{}, draw.Over)
		drawText(img, labelFace, l.Text, x, y, th.Text)
	}
	kx := ox + side + pad + gap
	for i, k := range key {
		y := titleH + pad + i*int(keyPx*1.8)
		sq := image.Rect(kx, y, kx+sw, y+sw)
		draw.Draw(img, sq, image.NewUniform(k.Color), image.Point{}, draw.Src)
		drawText(img, keyFace, k.Text, kx+sw+gap/2, y+int(keyPx*0.85), th.Text)
	}
	return img
}
