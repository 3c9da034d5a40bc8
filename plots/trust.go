package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TrustCurves plots a map's deletion and insertion curves (package trust):
// the class's probability after each step, the fraction of pixels changed
// on the x axis, each curve's area in the legend with which way is better.
// Both curves must have at least two points.
func TrustCurves(deletion, insertion []float64, deletionAUC, insertionAUC float64, th Theme) (*plot.Plot, error) {
	if len(deletion) < 2 || len(insertion) < 2 {
		return nil, fmt.Errorf("plots: a deletion or insertion curve has fewer than two points")
	}
	p := newPlot("Deletion and insertion", th)
	p.X.Label.Text = "share of pixels changed, in the map's order"
	p.Y.Label.Text = "probability of the class"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = th.Grid, th.Grid
	p.Add(grid)
	legend := newBoxLegend(true, th)
	for _, s := range []struct {
		name string
		ys   []float64
		c    color.Color
		dash []vg.Length
	}{
		{fmt.Sprintf("deletion, AUC %.3f (lower is better)", deletionAUC), deletion, th.Train, nil},
		{fmt.Sprintf("insertion, AUC %.3f (higher is better)", insertionAUC), insertion, th.Validation, []vg.Length{vg.Points(6), vg.Points(3)}},
	} {
		xys := make(plotter.XYs, len(s.ys))
		for i, y := range s.ys {
			if bad(y) {
				return nil, fmt.Errorf("plots: %s: point %d is not a finite number", s.name, i)
			}
			xys[i] = plotter.XY{X: float64(i) / float64(len(s.ys)-1), Y: y}
		}
		legend.avoid = append(legend.avoid, xys)
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plots: %v", err)
		}
		l.Color = s.c
		l.Width = vg.Points(2)
		l.Dashes = s.dash
		p.Add(l)
		legend.add(s.name, l)
	}
	p.Add(legend)
	return p, nil
}

// SanitySteps plots the sanity check's similarity (Spearman's rank
// correlation of the map with the original) after each cascading
// randomisation step, the step's layer names under the axis, with dashed
// lines at ±threshold (the judgement's bound on the mean |similarity|).
func SanitySteps(layers []string, similarity []float64, threshold float64, th Theme) (*plot.Plot, error) {
	if len(similarity) == 0 || len(layers) != len(similarity) {
		return nil, fmt.Errorf("plots: %d sanity steps for %d layers", len(similarity), len(layers))
	}
	p := newPlot("Sanity check: the map after randomising", th)
	p.X.Label.Text = "layers randomised, from the top (cumulative)"
	p.Y.Label.Text = "similarity to the original map"
	p.Y.Min, p.Y.Max = -1, 1
	p.X.Min, p.X.Max = 0.5, float64(len(layers))+0.5
	ticks := make([]plot.Tick, len(layers))
	xys := make(plotter.XYs, len(similarity))
	for i, s := range similarity {
		if bad(s) {
			return nil, fmt.Errorf("plots: sanity step %d is not a finite number", i+1)
		}
		xys[i] = plotter.XY{X: float64(i + 1), Y: s}
		ticks[i] = plot.Tick{Value: float64(i + 1), Label: layers[i]}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = th.Grid, th.Grid
	p.Add(grid)
	for _, y := range []float64{threshold, -threshold, 0} {
		l, _ := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: y}, {X: p.X.Max, Y: y}})
		l.Color = th.Border
		l.Width = vg.Points(1)
		if y != 0 {
			l.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		}
		p.Add(l)
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("plots: %v", err)
	}
	l.Color, l.Width = th.Train, vg.Points(2)
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, fmt.Errorf("plots: %v", err)
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: th.Train, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	p.Add(l, sc)
	return p, nil
}
