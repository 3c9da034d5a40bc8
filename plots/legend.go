package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// boxLegend is a plot legend drawn as a plotter inside the data area, in
// its top-right or bottom-right corner, on a box of the background colour
// so that curves and marks behind it do not run through its text.
type boxLegend struct {
	entries []legendEntry
	top     bool
	style   text.Style
	theme   Theme
}

type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

func newBoxLegend(top bool, th Theme) *boxLegend {
	return &boxLegend{top: top, theme: th, style: text.Style{
		Color: th.Text, Font: chartFont(12, false),
		XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler,
	}}
}

func (l *boxLegend) add(name string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{name, thumbs})
}

// Plot implements plot.Plotter.
func (l *boxLegend) Plot(c draw.Canvas, _ *plot.Plot) {
	if len(l.entries) == 0 {
		return
	}
	var (
		thumbW = vg.Points(30)
		gap    = vg.Points(6)
		pad    = vg.Points(6)
		margin = vg.Points(8)
		rowH   = l.style.Height("Mg") * 1.25
		textW  vg.Length
	)
	for _, e := range l.entries {
		textW = max(textW, l.style.Width(e.name))
	}
	w := pad + thumbW + gap + textW + pad
	h := pad + rowH*vg.Length(len(l.entries)) + pad
	box := vg.Rectangle{Max: vg.Point{X: c.Max.X - margin, Y: c.Max.Y - margin}}
	if !l.top {
		box.Max.Y = c.Min.Y + margin + h
	}
	box.Min = vg.Point{X: box.Max.X - w, Y: box.Max.Y - h}

	c.SetColor(l.theme.Background) // opaque: vgpdf does not do transparency
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: l.theme.Border, Width: vg.Points(0.75)})
	c.Stroke(box.Path())

	y := box.Max.Y - pad
	for _, e := range l.entries {
		icon := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: box.Min.X + pad, Y: y - rowH},
			Max: vg.Point{X: box.Min.X + pad + thumbW, Y: y},
		}}
		for _, t := range e.thumbs {
			t.Thumbnail(&icon)
		}
		c.FillText(l.style, vg.Point{X: icon.Max.X + gap, Y: y - rowH/2}, e.name)
		y -= rowH
	}
}
