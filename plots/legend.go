package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// boxLegend is a plot legend drawn as a plotter inside the data area, on
// a box of the background colour so that curves and marks behind it do
// not run through its text. It goes in the corner that hides the least of
// the curves given to avoid (top-right or bottom-right first, as asked;
// then the other two): in a small chart a fixed corner covered them.
type boxLegend struct {
	entries []legendEntry
	top     bool
	style   text.Style
	theme   Theme
	avoid   []plotter.XYs
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
func (l *boxLegend) Plot(c draw.Canvas, p *plot.Plot) {
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
	// In a small chart the legend's type goes down to 8 points, so that
	// the box takes at most about a third of the data area's height.
	style := l.style
	for style.Font.Size > leastFont && pad+style.Height("Mg")*1.25*vg.Length(len(l.entries))+pad > c.Size().Y/3 {
		style.Font.Size = max(leastFont, style.Font.Size*0.9)
		thumbW = vg.Points(20)
	}
	rowH = style.Height("Mg") * 1.25
	for _, e := range l.entries {
		textW = max(textW, style.Width(e.name))
	}
	w := pad + thumbW + gap + textW + pad
	h := pad + rowH*vg.Length(len(l.entries)) + pad
	box := l.corner(c, p, w, h, margin)

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
		c.FillText(style, vg.Point{X: icon.Max.X + gap, Y: y - rowH/2}, e.name)
		y -= rowH
	}
}

// corner returns the legend's box, w by h, margin inside c: the corner
// (in the order top-right, bottom-right, top-left, bottom-left, the first
// two swapped when the legend asks for the bottom) where the fewest
// points along the curves in l.avoid fall.
func (l *boxLegend) corner(c draw.Canvas, p *plot.Plot, w, h, margin vg.Length) vg.Rectangle {
	at := func(right, top bool) vg.Rectangle {
		r := vg.Rectangle{Min: vg.Point{X: c.Min.X + margin, Y: c.Min.Y + margin}}
		if right {
			r.Min.X = c.Max.X - margin - w
		}
		if top {
			r.Min.Y = c.Max.Y - margin - h
		}
		r.Max = vg.Point{X: r.Min.X + w, Y: r.Min.Y + h}
		return r
	}
	order := []vg.Rectangle{at(true, l.top), at(true, !l.top), at(false, l.top), at(false, !l.top)}
	if len(l.avoid) == 0 || p == nil {
		return order[0]
	}
	trX, trY := p.Transforms(&c)
	var pts []vg.Point
	for _, xys := range l.avoid {
		for i := range xys {
			a := vg.Point{X: trX(xys[i].X), Y: trY(xys[i].Y)}
			pts = append(pts, a)
			if i+1 < len(xys) {
				b := vg.Point{X: trX(xys[i+1].X), Y: trY(xys[i+1].Y)}
				for k := 1; k < 16; k++ {
					f := vg.Length(k) / 16
					pts = append(pts, vg.Point{X: a.X + f*(b.X-a.X), Y: a.Y + f*(b.Y-a.Y)})
				}
			}
		}
	}
	best, least := order[0], -1
	for _, r := range order {
		n := 0
		for _, q := range pts {
			if q.X >= r.Min.X && q.X <= r.Max.X && q.Y >= r.Min.Y && q.Y <= r.Max.Y {
				n++
			}
		}
		if least < 0 || n < least {
			best, least = r, n
		}
	}
	return best
}
