package live

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
)

// gridLayout places a layer's maps in a square-ish grid of tiles, each
// map enlarged k times (nearest neighbour) and a pixel apart.
type gridLayout struct {
	n, cols, rows int
	mw, mh, k     int
}

const gridGap = 1

func layoutFor(a engine.Activation) gridLayout {
	g := gridLayout{n: a.Channels, mw: a.Width, mh: a.Height}
	g.cols = int(math.Ceil(math.Sqrt(float64(g.n))))
	g.rows = (g.n + g.cols - 1) / g.cols
	g.k = max(1, int(math.Round(40/float64(max(a.Width, a.Height)))))
	return g
}

func (g gridLayout) size() (w, h int) {
	return g.cols*(g.mw*g.k+gridGap) - gridGap, g.rows*(g.mh*g.k+gridGap) - gridGap
}

// at returns the filter under pixel (x, y) of the grid's image, or -1.
func (g gridLayout) at(x, y int) int {
	tw, th := g.mw*g.k+gridGap, g.mh*g.k+gridGap
	if x < 0 || y < 0 {
		return -1
	}
	c, r := x/tw, y/th
	if c >= g.cols || r >= g.rows || x%tw >= tw-gridGap || y%th >= th-gridGap {
		return -1
	}
	if f := r*g.cols + c; f < g.n {
		return f
	}
	return -1
}

var gapColour = color.NRGBA{40, 40, 40, 255}

// drawGrid colours every map of a from its own minimum to its maximum (as
// the Explore view's "each map") into one picture: one texture a layer
// rather than one a filter keeps a frame's redraw cheap.
func drawGrid(a engine.Activation, g gridLayout) *image.NRGBA {
	w, h := g.size()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(out.Pix); i += 4 {
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = gapColour.R, gapColour.G, gapColour.B, 255
	}
	for f := range g.n {
		m := a.Map(f)
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for _, v := range m {
			lo, hi = min(lo, v), max(hi, v)
		}
		small := plots.MapImage(m, a.Width, a.Height, lo, hi)
		x0 := (f % g.cols) * (g.mw*g.k + gridGap)
		y0 := (f / g.cols) * (g.mh*g.k + gridGap)
		for y := range g.mh * g.k {
			src := small.Pix[(y/g.k)*small.Stride:]
			dst := out.Pix[(y0+y)*out.Stride+4*x0:]
			for x := range g.mw * g.k {
				copy(dst[4*x:4*x+4], src[4*(x/g.k):4*(x/g.k)+4])
			}
		}
	}
	return out
}

// mapGrid shows a layer's grid and tells which filter a click is on.
type mapGrid struct {
	widget.BaseWidget
	img    *canvas.Image
	layout gridLayout
	onTap  func(filter int)
}

// gridSide is the largest side a layer's grid takes, in Fyne units (the
// zoom scales it).
const gridSide = 300

func newMapGrid(onTap func(int)) *mapGrid {
	g := &mapGrid{img: canvas.NewImageFromImage(nil), onTap: onTap}
	g.img.FillMode = canvas.ImageFillContain
	g.img.ScaleMode = canvas.ImageScalePixels
	g.ExtendBaseWidget(g)
	return g
}

// set shows img, drawn with layout l; it reports whether the grid's size
// changed (its container must then lay it out again).
func (g *mapGrid) set(img image.Image, l gridLayout) (resized bool) {
	if l != g.layout {
		resized = true
		g.layout = l
		w, h := l.size()
		s := min(1, gridSide/float32(max(w, h)))
		g.img.SetMinSize(fyne.NewSize(float32(w)*s, float32(h)*s))
	}
	g.img.Image = img
	g.img.Refresh()
	return resized
}

func (g *mapGrid) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(g.img) }

// Tapped finds the tile under the click in the picture as drawn (kept in
// proportion, centred).
func (g *mapGrid) Tapped(e *fyne.PointEvent) {
	w, h := g.layout.size()
	size := g.Size()
	if w == 0 || h == 0 || size.Width <= 0 || size.Height <= 0 {
		return
	}
	s := min(size.Width/float32(w), size.Height/float32(h))
	ox, oy := (size.Width-s*float32(w))/2, (size.Height-s*float32(h))/2
	x, y := int((e.Position.X-ox)/s), int((e.Position.Y-oy)/s)
	if f := g.layout.at(x, y); f >= 0 && g.onTap != nil {
		g.onTap(f)
	}
}
