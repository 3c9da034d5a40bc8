package plots

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// leastFont is the smallest type fitToWidth sets, in points: below it a
// projector's audience cannot read the text at all.
const leastFont = font.Length(8)

// fitToWidth makes p's title and its x axis's tick labels fit a drawing w
// wide, for charts drawn in narrow places (the Train view's third of the
// window): a title that does not fit is broken after its colon, then set
// smaller; tick labels that would run into each other are set smaller,
// then slanted. It returns a function that puts p back as it was, so that
// the same plot drawn again wider is drawn as built.
func fitToWidth(p *plot.Plot, w vg.Length) (restore func()) {
	title, xticks := p.Title, p.X.Tick.Label
	restore = func() { p.Title, p.X.Tick.Label = title, xticks }

	if p.Title.Text != "" {
		fitTitle(p, w)
	}
	fitTicks(p, w)
	return restore
}

// fitTitle breaks p's title after its first ": " when it is wider than
// w, then shrinks its type until its widest line fits (not below
// leastFont).
func fitTitle(p *plot.Plot, w vg.Length) {
	st := &p.Title.TextStyle
	if st.Width(p.Title.Text) <= w {
		return
	}
	if i := strings.Index(p.Title.Text, ": "); i > 0 && !strings.Contains(p.Title.Text, "\n") {
		p.Title.Text = p.Title.Text[:i+1] + "\n" + p.Title.Text[i+2:]
		st.XAlign = draw.XCenter
	}
	shrinkTo(st, p.Title.Text, w)
}

// fitTicks shrinks, then slants, the x axis's tick labels of a plot with
// named ticks (plot.ConstantTicks: a confusion matrix's classes) when they
// would overlap in w less the y axis' room.
func fitTicks(p *plot.Plot, w vg.Length) {
	ticks, ok := p.X.Tick.Marker.(plot.ConstantTicks)
	if !ok || len(ticks) < 2 {
		return
	}
	labels := make([]string, 0, len(ticks))
	for _, t := range ticks {
		if t.Label != "" {
			labels = append(labels, t.Label)
		}
	}
	if len(labels) < 2 {
		return
	}
	// The y axis takes its widest tick label and its label's line.
	var yw vg.Length
	if yt, ok := p.Y.Tick.Marker.(plot.ConstantTicks); ok {
		for _, t := range yt {
			yw = max(yw, p.Y.Tick.Label.Width(t.Label))
		}
	}
	yw += p.Y.Label.TextStyle.Height(p.Y.Label.Text) + 4*vg.Points(6)
	room := (w - yw) / vg.Length(len(labels))
	widest := func(st text.Style) (m vg.Length) {
		for _, l := range labels {
			m = max(m, st.Width(l))
		}
		return m
	}
	gap := vg.Points(4)
	if widest(p.X.Tick.Label)+gap <= room {
		return
	}
	// Slanted by 30 degrees, neighbouring labels clear each other when
	// half a column is as tall as a line; set smaller only when not.
	st := &p.X.Tick.Label
	st.Rotation = math.Pi / 6
	st.XAlign, st.YAlign = draw.XRight, draw.YTop
	for st.Font.Size > leastFont && st.Height("Mg")+gap > room/2 {
		st.Font.Size = max(leastFont, st.Font.Size*0.9)
	}
}

// shrinkTo sets st's type smaller until the widest line of s fits w, or
// it reaches leastFont.
func shrinkTo(st *text.Style, s string, w vg.Length) {
	for st.Font.Size > leastFont && st.Width(s) > w {
		st.Font.Size = max(leastFont, st.Font.Size*0.92)
	}
}
