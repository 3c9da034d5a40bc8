package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/artlens/artlens/engine"
)

// Metrics lists the metric names History accepts.
var Metrics = []string{"accuracy", "loss"}

// History plots one metric of a training history: metric is "accuracy" or
// "loss"; the training and validation values are drawn per epoch with a
// legend. Accuracies are shown in percent (values are taken as fractions
// when none exceeds 1, as percent otherwise). best, when not 0, is the
// number of the epoch whose weights were kept (engine.Metadata.BestEpoch):
// it is marked with a dashed line and a ring on the validation curve, and
// must be the Epoch of an entry of h. Epochs whose Epoch is 0 are numbered
// by their position (1-based). h must not be empty. th gives the colours.
func History(h []engine.Epoch, metric string, best int, th Theme) (*plot.Plot, error) {
	if len(h) == 0 {
		return nil, fmt.Errorf("plots: empty training history")
	}
	var get func(e engine.Epoch) (train, val float64)
	var yLabel, legendPos string
	switch metric {
	case "accuracy":
		scale := 100.0
		for _, e := range h {
			if e.TrainAccuracy > 1 || e.ValAccuracy > 1 {
				scale = 1
			}
		}
		get = func(e engine.Epoch) (float64, float64) {
			return scale * e.TrainAccuracy, scale * e.ValAccuracy
		}
		yLabel, legendPos = "accuracy (%)", "bottom"
	case "loss":
		get = func(e engine.Epoch) (float64, float64) { return e.TrainLoss, e.ValLoss }
		yLabel, legendPos = "loss", "top"
	default:
		return nil, fmt.Errorf("plots: unknown metric %q (want accuracy or loss)", metric)
	}

	train := make(plotter.XYs, len(h))
	val := make(plotter.XYs, len(h))
	bestAt := -1
	for i, e := range h {
		x := float64(e.Epoch)
		if e.Epoch == 0 {
			x = float64(i + 1)
		}
		tv, vv := get(e)
		train[i] = plotter.XY{X: x, Y: tv}
		val[i] = plotter.XY{X: x, Y: vv}
		if best != 0 && int(x) == best {
			bestAt = i
		}
	}
	if best != 0 && bestAt < 0 {
		return nil, fmt.Errorf("plots: best epoch %d is not in the history (epochs %g to %g)",
			best, train[0].X, train[len(train)-1].X)
	}
	for i := range train {
		if bad(train[i].Y) || bad(val[i].Y) {
			return nil, fmt.Errorf("plots: epoch %g: %s is not a finite number", train[i].X, metric)
		}
	}

	p := newPlot("Training history: "+metric, th)
	// Room for the legend above the curves (below them for accuracy),
	// so that it covers none of them even in a small chart, as long as
	// the axis need not pass a value the metric cannot take (a loss
	// below 0, an accuracy above 100 %).
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range train {
		lo, hi = math.Min(lo, math.Min(train[i].Y, val[i].Y)), math.Max(hi, math.Max(train[i].Y, val[i].Y))
	}
	if span := hi - lo; span > 0 {
		p.Y.Min, p.Y.Max = lo-0.05*span, hi+0.05*span
		if legendPos == "top" {
			p.Y.Max = hi + 0.7*span
		} else {
			p.Y.Min = math.Max(0, lo-0.7*span)
		}
		if metric == "loss" {
			p.Y.Min = math.Max(0, p.Y.Min)
		} else {
			p.Y.Max = math.Min(100*max(1, hi/100), p.Y.Max)
		}
		// Round outwards to a step the ticks can name briefly (0.05,
		// 10), so that they do not read "25.00".
		step := math.Pow(10, math.Floor(math.Log10(p.Y.Max-p.Y.Min))) / 2
		p.Y.Min, p.Y.Max = math.Floor(p.Y.Min/step)*step, math.Ceil(p.Y.Max/step)*step
	}
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = integerTicks{}
	grid := plotter.NewGrid()
	grid.Vertical.Color = th.Grid
	grid.Horizontal.Color = th.Grid
	p.Add(grid)

	legend := newBoxLegend(legendPos == "top", th)
	legend.avoid = []plotter.XYs{train, val}
	markers := len(h) <= 40
	for _, s := range []struct {
		name string
		xys  plotter.XYs
		c    color.Color
		dash []vg.Length
		g    draw.GlyphDrawer
	}{
		{"training", train, th.Train, nil, draw.CircleGlyph{}},
		{"validation", val, th.Validation, []vg.Length{vg.Points(6), vg.Points(3)}, draw.SquareGlyph{}},
	} {
		l, err := plotter.NewLine(s.xys)
		if err != nil {
			return nil, fmt.Errorf("plots: %v", err)
		}
		l.Color = s.c
		l.Width = vg.Points(2)
		l.Dashes = s.dash
		p.Add(l)
		if !markers {
			legend.add(s.name, l)
			continue
		}
		sc, err := plotter.NewScatter(s.xys)
		if err != nil {
			return nil, fmt.Errorf("plots: %v", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.c, Radius: vg.Points(2.5), Shape: s.g}
		p.Add(sc)
		legend.add(s.name, l, sc)
	}

	if bestAt >= 0 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range train {
			lo = math.Min(lo, math.Min(train[i].Y, val[i].Y))
			hi = math.Max(hi, math.Max(train[i].Y, val[i].Y))
		}
		pad := 0.04 * (hi - lo)
		if pad == 0 {
			pad = 0.5
		}
		x := val[bestAt].X
		line, _ := plotter.NewLine(plotter.XYs{{X: x, Y: lo - pad}, {X: x, Y: hi + pad}})
		line.Color = th.Text
		line.Width = vg.Points(1.2)
		line.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
		ring, _ := plotter.NewScatter(plotter.XYs{val[bestAt]})
		ring.GlyphStyle = draw.GlyphStyle{Color: th.Text, Radius: vg.Points(6), Shape: draw.RingGlyph{}}
		p.Add(line, ring)
		label := fmt.Sprintf("kept: epoch %d (%s)", best, formatMetric(metric, val[bestAt].Y))
		legend.add(label, line, ring)
	}
	p.Add(legend)
	return p, nil
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// formatMetric writes a validation value for the legend.
func formatMetric(metric string, v float64) string {
	if metric == "accuracy" {
		return fmt.Sprintf("%.1f%%", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// newPlot returns a plot with the package's fonts, th's colours and the
// given title.
func newPlot(title string, th Theme) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = th.Background
	p.Title.Text = title
	p.Title.TextStyle.Color = th.Text
	p.Title.TextStyle.Font = chartFont(15, true)
	p.Title.Padding = vg.Points(10)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Color, a.Tick.Color = th.Text, th.Text
		a.Label.TextStyle.Color, a.Tick.Label.Color = th.Text, th.Text
		a.Label.TextStyle.Font = chartFont(13, false)
		a.Tick.Label.Font = chartFont(11, false)
		a.Label.Padding = vg.Points(4)
	}
	return p
}

// integerTicks marks whole numbers only (epochs).
type integerTicks struct{}

// Ticks implements plot.Ticker.
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value == math.Trunc(t.Value) {
			if t.Label != "" {
				t.Label = fmt.Sprint(int(t.Value))
			}
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		for v := math.Ceil(lo); v <= hi; v++ {
			out = append(out, plot.Tick{Value: v, Label: fmt.Sprint(int(v))})
		}
	}
	return out
}
