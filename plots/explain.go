package plots

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"

	"github.com/artlens/artlens/engine"
)

// Upsample enlarges map m (w×h values, row-major; w, h > 0) to dw×dh
// values (dw, dh > 0) by bilinear interpolation between the cells' centres,
// so that each cell covers its share of the picture and the map has no
// blocks; beyond the outer centres the edge values continue.
func Upsample(m []float32, w, h, dw, dh int) []float32 {
	out := make([]float32, dw*dh)
	// Precompute the horizontal neighbours and weights once per column.
	x0s, x1s, fxs := make([]int, dw), make([]int, dw), make([]float32, dw)
	for x := range dw {
		x0s[x], x1s[x], fxs[x] = sample(x, dw, w)
	}
	for y := range dh {
		y0, y1, fy := sample(y, dh, h)
		r0, r1 := m[y0*w:y0*w+w], m[y1*w:y1*w+w]
		row := out[y*dw : y*dw+dw]
		for x := range row {
			a := r0[x0s[x]] + (r0[x1s[x]]-r0[x0s[x]])*fxs[x]
			b := r1[x0s[x]] + (r1[x1s[x]]-r1[x0s[x]])*fxs[x]
			row[x] = a + (b-a)*fy
		}
	}
	return out
}

// sample maps destination index i of n onto a source of size src: the two
// neighbouring source cells and the weight of the second.
func sample(i, n, src int) (int, int, float32) {
	s := (float64(i)+0.5)*float64(src)/float64(n) - 0.5
	if s <= 0 {
		return 0, 0, 0
	}
	if s >= float64(src-1) {
		return src - 1, src - 1, 0
	}
	i0 := int(s)
	return i0, i0 + 1, float32(s - float64(i0))
}

// Overlay draws heat map m (w×h values) over img at img's own size: the
// map is upsampled bilinearly to the picture and coloured with the
// feature-map colour map from lo (its low end) to hi (its high end), then
// blended over the picture with opacity in [0, 1] (0: the picture alone,
// 1: the map alone). The result's bounds start at (0, 0).
func Overlay(img image.Image, m []float32, w, h int, lo, hi float32, opacity float64) (*image.NRGBA, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("plots: empty picture")
	}
	if w < 1 || h < 1 || len(m) != w*h {
		return nil, fmt.Errorf("plots: heat map of %d values is not %d×%d", len(m), w, h)
	}
	opacity = clampF(opacity, 0, 1)
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	up := Upsample(m, w, h, b.Dx(), b.Dy())
	tab := colorTable()
	span := float64(hi) - float64(lo)
	a := float32(opacity)
	for i, v := range up {
		idx := 0
		if span > 0 {
			idx = lutIndex((float64(v) - float64(lo)) / span)
		}
		c := tab[idx]
		p := out.Pix[4*i : 4*i+3 : 4*i+3]
		p[0] = uint8(float32(p[0])*(1-a) + float32(c.R)*a + 0.5)
		p[1] = uint8(float32(p[1])*(1-a) + float32(c.G)*a + 0.5)
		p[2] = uint8(float32(p[2])*(1-a) + float32(c.B)*a + 0.5)
	}
	return out, nil
}

// fit scales img down (never up) with bilinear interpolation so that it
// fits a maxW×maxH box, keeping its aspect ratio; the result starts at (0, 0).
func fit(img image.Image, maxW, maxH int) *image.NRGBA {
	b := img.Bounds()
	s := math.Min(float64(maxW)/float64(b.Dx()), float64(maxH)/float64(b.Dy()))
	s = math.Min(s, 1)
	w, h := max(1, int(math.Round(float64(b.Dx())*s))), max(1, int(math.Round(float64(b.Dy())*s)))
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.BiLinear.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}

// Fit scales img down (never up) to fit a maxW×maxH box (both > 0),
// keeping its aspect ratio, with bilinear interpolation: for showing a
// large picture's overlay without working at its full size.
func Fit(img image.Image, maxW, maxH int) *image.NRGBA { return fit(img, maxW, maxH) }

// ExplainFigure draws an explanation for a file: a title, the overlay (as
// Overlay makes it, at the picture's own size), and under it a colour bar
// from lo to hi labelled loText and hiText, with a caption saying what the
// colours mean.
func ExplainFigure(overlay image.Image, title, loText, hiText, caption string) image.Image {
	return explainFigure(overlay, colorBar, title, loText, hiText, caption)
}

// explainFigure lays out ExplainFigure with the colour bar bar draws.
func explainFigure(overlay image.Image, bar func(w, h int) *image.NRGBA, title, loText, hiText, caption string) image.Image {
	ob := overlay.Bounds()
	labelPx := clampF(float64(ob.Dx())/45, 14, 28)
	titlePx := clampF(labelPx*1.3, 18, 36)
	margin := max(16, int(labelPx*1.2))
	labelFace, titleFace := sansFace(labelPx, false), sansFace(titlePx, true)
	for textWidth(titleFace, title) > max(ob.Dx(), 400) && titlePx > 12 {
		titlePx--
		titleFace = sansFace(titlePx, true)
	}
	lineH := int(math.Ceil(labelPx * 1.35))
	titleH := int(math.Ceil(titlePx * 1.6))
	barW := min(max(ob.Dx()/2, 240), max(ob.Dx(), 240))
	barH := max(12, int(labelPx))
	contentW := max(ob.Dx(), textWidth(titleFace, title), barW, textWidth(labelFace, caption))
	W := contentW + 2*margin
	H := margin + titleH + ob.Dy() + margin/2 + barH + 2*lineH + margin
	img := image.NewNRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	drawText(img, titleFace, title, (W-textWidth(titleFace, title))/2, margin+int(titlePx), inkColor)
	ox, oy := (W-ob.Dx())/2, margin+titleH
	draw.Draw(img, image.Rect(ox, oy, ox+ob.Dx(), oy+ob.Dy()), overlay, ob.Min, draw.Src)
	ly := oy + ob.Dy() + margin/2
	drawLegend(img, bar, (W-barW)/2, ly, barW, barH, labelPx, loText, hiText)
	drawText(img, labelFace, caption, (W-textWidth(labelFace, caption))/2, ly+barH+int(labelPx*1.15)+lineH, mutedColor)
	return img
}

// drawLegend draws a framed colour bar at (x, y) with lo and hi written
// under its ends.
func drawLegend(img *image.NRGBA, bar func(w, h int) *image.NRGBA, x, y, w, h int, px float64, lo, hi string) {
	f := sansFace(px, false)
	frame(img, x-1, y-1, w+2, h+2, frameColor)
	draw.Draw(img, image.Rect(x, y, x+w, y+h), bar(w, h), image.Point{}, draw.Src)
	base := y + h + int(px*1.15)
	drawText(img, f, lo, x, base, inkColor)
	drawText(img, f, hi, x+w-textWidth(f, hi), base, inkColor)
}

// FilterPatches draws the first conv layer's kernels (weights of shape
// (filters, channels, kh, kw) with 1 or 3 channels, as engine.Param holds
// conv1.weight) as kh×kw patches, RGB or grey, each enlarged scale times
// (scale > 0) with nearest neighbour, cols to a row, on a white background
// with a gap between patches. Each kernel is stretched from its own
// minimum (black) to its own maximum (full colour), so the pattern and
// colour it looks for show even when its weights are small; a kernel with
// all weights equal is mid grey.
func FilterPatches(w engine.Param, scale, cols int) (*image.NRGBA, error) {
	if len(w.Shape) != 4 || (w.Shape[1] != 1 && w.Shape[1] != 3) || w.Shape[2] < 1 || w.Shape[3] < 1 ||
		len(w.Data) != w.Shape[0]*w.Shape[1]*w.Shape[2]*w.Shape[3] {
		return nil, fmt.Errorf("plots: %s of shape %v is not a layer of RGB or grey kernels", w.Name, w.Shape)
	}
	if scale < 1 || cols < 1 {
		return nil, fmt.Errorf("plots: scale %d and columns %d must be positive", scale, cols)
	}
	n, chans, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	size := chans * kh * kw
	rows := (n + cols - 1) / cols
	sw, sh := kw*scale, kh*scale
	gap := max(2, scale/2)
	img := image.NewNRGBA(image.Rect(0, 0, cols*sw+(cols+1)*gap, rows*sh+(rows+1)*gap))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for f := 0; f < n; f++ {
		k := w.Data[f*size : (f+1)*size]
		lo, hi := k[0], k[0]
		for _, v := range k {
			lo, hi = min(lo, v), max(hi, v)
		}
		x0, y0 := gap+(f%cols)*(sw+gap), gap+(f/cols)*(sh+gap)
		for y := 0; y < kh; y++ {
			for x := 0; x < kw; x++ {
				var c [3]uint8
				for ch := 0; ch < 3; ch++ {
					t := 0.5
					if hi > lo {
						t = float64(k[(min(ch, chans-1)*kh+y)*kw+x]-lo) / float64(hi-lo)
					}
					c[ch] = uint8(math.Round(255 * t))
				}
				draw.Draw(img, image.Rect(x0+x*scale, y0+y*scale, x0+(x+1)*scale, y0+(y+1)*scale),
					image.NewUniform(color.NRGBA{c[0], c[1], c[2], 255}), image.Point{}, draw.Src)
			}
		}
	}
	return img, nil
}

// A comparison figure holds CompareMin to CompareMax pictures: a figure
// for a page or a slide (the compare command and the Compare view keep to
// it).
const (
	CompareMin = 2
	CompareMax = 4
)

// CompareItem is one picture of a comparison figure.
type CompareItem struct {
	// Name and Answer are written beside the picture ("starry.jpg",
	// "drawings 48%").
	Name, Answer string
	// Picture is the picture as given.
	Picture image.Image
	// CAM is a Grad-CAM map of CAMWidth×CAMHeight values in [0, 1], and
	// CAMLabel says what it explains ("why drawings, conv5").
	CAM                 []float32
	CAMWidth, CAMHeight int
	CAMLabel            string
	// Activations holds the conv layers' activations (index 0 is layer 1).
	Activations []engine.Activation
}

// CompareOptions configures Comparison.
type CompareOptions struct {
	// Layers are the conv layers (from 1) whose maps are shown, and
	// Filters[i] the filters (0-based) shown for Layers[i].
	Layers  []int
	Filters [][]int
	// Opacity is the Grad-CAM overlay's (0.5 when 0).
	Opacity float64
	// Tile is the side of each cell in pixels (200 when 0).
	Tile int
	// Title is written above the figure.
	Title string
}

// Comparison draws two or more pictures side by side, one per row: the
// picture with its name and the network's answer, its Grad-CAM over it,
// and the maps of the same filters of the same layers. All maps of one
// layer share one colour scale, from 0 to the largest value any picture
// reaches in them, so that a brighter map is a stronger response; a legend
// per layer gives the scale.
func Comparison(items []CompareItem, opt CompareOptions) (image.Image, error) {
	if len(items) == 0 {
		return nil, fmt.Errorf("plots: nothing to compare")
	}
	if len(opt.Layers) != len(opt.Filters) {
		return nil, fmt.Errorf("plots: %d layers but %d filter lists", len(opt.Layers), len(opt.Filters))
	}
	tile := opt.Tile
	if tile == 0 {
		tile = 200
	}
	opacity := opt.Opacity
	if opacity == 0 {
		opacity = 0.5
	}
	his := make([]float32, len(opt.Layers))
	for li, l := range opt.Layers {
		if l < 1 {
			return nil, fmt.Errorf("plots: there is no conv layer %d", l)
		}
		for _, it := range items {
			if len(it.Activations) < l {
				return nil, fmt.Errorf("plots: %s has no activation of conv layer %d", it.Name, l)
			}
			a := it.Activations[l-1]
			if err := checkActivation(a); err != nil {
				return nil, err
			}
			for _, f := range opt.Filters[li] {
				if f < 0 || f >= a.Channels {
					return nil, fmt.Errorf("plots: conv layer %d has no filter %d", l, f+1)
				}
				for _, v := range a.Map(f) {
					his[li] = max(his[li], v)
				}
			}
		}
	}

	labelPx := clampF(float64(tile)/11, 13, 22)
	labelFace, boldFace := sansFace(labelPx, false), sansFace(labelPx, true)
	titlePx := labelPx * 1.4
	titleFace := sansFace(titlePx, true)
	lineH := int(math.Ceil(labelPx * 1.35))
	gap := max(8, tile/16)
	groupGap := 3 * gap
	margin := max(16, int(labelPx*1.2))

	// Columns: picture, Grad-CAM, then the filters of each layer in groups.
	type column struct {
		x      int
		layer  int // index into opt.Layers, -1 for the picture and Grad-CAM
		filter int
	}
	var cols []column
	x := margin
	cols = append(cols, column{x, -1, 0}, column{x + tile + gap, -1, 1})
	x += 2*tile + gap + groupGap
	for li := range opt.Layers {
		for _, f := range opt.Filters[li] {
			cols = append(cols, column{x, li, f})
			x += tile + gap
		}
		x += groupGap - gap
	}
	contentW := max(x-groupGap+gap-margin, textWidth(labelFace, "The maps of one layer share one colour scale, from 0 to the largest activation any picture reaches there."))
	titleH := 0
	if opt.Title != "" {
		titleH = int(math.Ceil(titlePx * 1.8))
	}
	headH := 2 * lineH
	rowH := tile + 2*lineH + gap
	legendH := int(labelPx) + 3*lineH
	W := contentW + 2*margin
	H := margin + titleH + headH + len(items)*rowH + legendH + margin
	img := image.NewNRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	if opt.Title != "" {
		drawText(img, titleFace, opt.Title, margin, margin+int(titlePx), inkColor)
	}
	head := margin + titleH
	writeCentred := func(s string, x, w, base int, bold bool, c color.Color) {
		f := labelFace
		if bold {
			f = boldFace
		}
		for textWidth(f, s) > w+gap && len(s) > 4 {
			s = s[:len(s)-4] + "…"
		}
		drawText(img, f, s, x+(w-textWidth(f, s))/2, base, c)
	}
	writeCentred("picture", cols[0].x, tile, head+int(labelPx*1.2), true, inkColor)
	writeCentred("Grad-CAM", cols[1].x, tile, head+int(labelPx*1.2), true, inkColor)
	for li, l := range opt.Layers {
		if len(opt.Filters[li]) == 0 {
			continue
		}
		first := 0
		for i, c := range cols {
			if c.layer == li {
				first = i
				break
			}
		}
		n := len(opt.Filters[li])
		w := n*tile + (n-1)*gap
		writeCentred(fmt.Sprintf("conv layer %d", l), cols[first].x, w, head+int(labelPx*1.2), true, inkColor)
		for i := 0; i < n; i++ {
			c := cols[first+i]
			writeCentred(fmt.Sprintf("#%d", c.filter+1), c.x, tile, head+int(labelPx*1.2)+lineH, false, mutedColor)
		}
	}

	for r, it := range items {
		y := head + headH + r*rowH
		pic := fit(it.Picture, tile, tile)
		pb := pic.Bounds()
		px, py := cols[0].x+(tile-pb.Dx())/2, y+(tile-pb.Dy())/2
		draw.Draw(img, image.Rect(px, py, px+pb.Dx(), py+pb.Dy()), pic, image.Point{}, draw.Src)
		writeCentred(it.Name, cols[0].x, tile, y+tile+int(labelPx*1.1), false, inkColor)
		writeCentred(it.Answer, cols[0].x, tile, y+tile+int(labelPx*1.1)+lineH, true, inkColor)
		if it.CAM != nil {
			ov, err := Overlay(pic, it.CAM, it.CAMWidth, it.CAMHeight, 0, 1, opacity)
			if err != nil {
				return nil, err
			}
			cx := cols[1].x + (tile-pb.Dx())/2
			draw.Draw(img, image.Rect(cx, py, cx+pb.Dx(), py+pb.Dy()), ov, image.Point{}, draw.Src)
			writeCentred(it.CAMLabel, cols[1].x, tile, y+tile+int(labelPx*1.1), false, inkColor)
		}
		for _, c := range cols[2:] {
			a := it.Activations[opt.Layers[c.layer]-1]
			scale := max(1, tile/max(a.Width, a.Height))
			mw, mh := a.Width*scale, a.Height*scale
			mx, my := c.x+(tile-mw)/2, y+(tile-mh)/2
			frame(img, mx-1, my-1, mw+2, mh+2, frameColor)
			drawMap(img, mx, my, scale, a.Map(c.filter), a.Width, a.Height, 0, his[c.layer])
		}
	}

	// Legends: Grad-CAM's 0..1 under its column, one per layer group.
	ly := head + headH + len(items)*rowH
	barH := max(10, int(labelPx*0.8))
	drawLegend(img, colorBar, cols[1].x, ly, tile, barH, labelPx, "0", "1 (most)")
	for li := range opt.Layers {
		var xs []int
		for _, c := range cols {
			if c.layer == li {
				xs = append(xs, c.x)
			}
		}
		if len(xs) == 0 {
			continue
		}
		w := xs[len(xs)-1] + tile - xs[0]
		drawLegend(img, colorBar, xs[0], ly, w, barH, labelPx, "0", formatValue(his[li]))
	}
	note := "The maps of one layer share one colour scale, from 0 to the largest activation any picture reaches there."
	drawText(img, labelFace, note, margin, ly+barH+int(labelPx*1.15)+lineH, mutedColor)
	return img, nil
}
