package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// BatchLoss plots the loss of every optimizer step as training goes:
// losses[i] is step i's, and steps steps make an epoch, so the x axis
// counts epochs (step 12 of 24 is at 0.5). losses must not be empty and
// steps must be positive. th gives the colours.
func BatchLoss(losses []float64, steps int, th Theme) (*plot.Plot, error) {
	if len(losses) == 0 || steps < 1 {
		return nil, fmt.Errorf("plots: no steps to plot")
	}
	xys := make(plotter.XYs, len(losses))
	for i, l := range losses {
		if bad(l) {
			return nil, fmt.Errorf("plots: step %d: the loss is not a finite number", i+1)
		}
		xys[i] = plotter.XY{X: float64(i+1) / float64(steps), Y: l}
	}
	p := newPlot("Loss of each batch", th)
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "loss"
	p.Y.Min = 0
	grid := plotter.NewGrid()
	grid.Vertical.Color = th.Grid
	grid.Horizontal.Color = th.Grid
	p.Add(grid)
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("plots: %v", err)
	}
	l.Color = th.Train
	l.Width = vg.Points(1.2)
	p.Add(l)
	return p, nil
}
