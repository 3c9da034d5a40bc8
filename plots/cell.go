package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// ConfusionCell returns the cell of a confusion chart (from Confusion, with
// n classes) drawn by Image at wPx×hPx pixels and dpi that holds the pixel
// (x, y), counted from the top left: truth is its row (the true class) and
// predicted its column. ok is false outside the cells (titles, axes,
// margins). It lays the chart out again without drawing it.
func ConfusionCell(p *plot.Plot, n, wPx, hPx int, dpi, x, y float64) (truth, predicted int, ok bool) {
	if n <= 0 || wPx <= 0 || hPx <= 0 || dpi <= 0 {
		return 0, 0, false
	}
	d := math.Max(1, math.Round(dpi))
	toPt := func(px float64) vg.Length { return vg.Length(px / d * 72) }
	w, h := toPt(float64(wPx)), toPt(float64(hPx))
	dc := draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}
	m := min(margin, w/20, h/20)
	da := p.DataCanvas(draw.Crop(dc, m, -m, m, -m))
	px, py := toPt(x), h-toPt(y) // vg's y grows upwards
	if px < da.Min.X || px >= da.Max.X || py < da.Min.Y || py >= da.Max.Y {
		return 0, 0, false
	}
	fx := float64((px - da.Min.X) / (da.Max.X - da.Min.X))
	fy := float64((py - da.Min.Y) / (da.Max.Y - da.Min.Y))
	cx := p.X.Min + fx*(p.X.Max-p.X.Min)
	cy := p.Y.Min + fy*(p.Y.Max-p.Y.Min)
	c, r := int(math.Floor(cx+0.5)), int(math.Floor(cy+0.5))
	if c < 0 || c >= n || r < 0 || r >= n {
		return 0, 0, false
	}
	return n - 1 - r, c, true
}
