package plots

import (
	"errors"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/artlens/artlens/engine"
)

// ReliabilitySize is the side of the square page a reliability diagram is
// rendered on by the command line.
const ReliabilitySize = 6 * vg.Inch

// Reliability draws the reliability diagram of r (package calibration
// makes it): for each bin of the top probability, a bar as high as the
// share of its pictures that were right, against the diagonal where a
// model's confidence would equal its accuracy; each non-empty bin's count
// is written above its bar, an orange tick the bar marks the bin's mean
// confidence, and the title gives the ECE and the number of pictures, then
// name when it is not "". A bar below the diagonal is over-confidence.
// r must have bins.
func Reliability(r engine.Reliability, name string, th Theme) (*plot.Plot, error) {
	if len(r.Bins) == 0 {
		return nil, errors.New("plots: no reliability bins to draw")
	}
	set := r.Set
	if set != "" {
		set += " "
	}
	title := fmt.Sprintf("Reliability: ECE %.3f on %d %spictures", r.ECE, r.Count, set)
	if name != "" {
		title += "\n" + name
	}
	p := newPlot(title, th)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.1
	p.X.Label.Text = "confidence (top probability)"
	p.Y.Label.Text = "accuracy (share right)"
	ticks := plot.ConstantTicks{}
	for v := 0.0; v <= 1.0001; v += 0.2 {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f%%", 100*v)})
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks, ticks

	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	diag.Color = th.Text
	diag.Width = vg.Points(1)
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}

	labels := &plotter.Labels{}
	for _, b := range r.Bins {
		if b.Count == 0 {
			continue
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: (b.Lower + b.Upper) / 2, Y: max(b.Accuracy, b.Confidence) + 0.015})
		labels.Labels = append(labels.Labels, fmt.Sprint(b.Count))
		labels.TextStyle = append(labels.TextStyle, text.Style{Color: th.Text, Font: chartFont(10, false),
			XAlign: draw.XCenter, YAlign: draw.YAlignment(0), Handler: plot.DefaultTextHandler})
	}
	p.Add(reliabilityBars{bins: r.Bins, fill: th.Train, mark: th.Validation}, diag)
	if len(labels.XYs) > 0 {
		p.Add(labels)
	}
	return p, nil
}

// reliabilityBars draws a diagram's bars and confidence ticks.
type reliabilityBars struct {
	bins       []engine.ReliabilityBin
	fill, mark color.Color
}

// Plot implements plot.Plotter.
func (rb reliabilityBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range rb.bins {
		if b.Count == 0 {
			continue
		}
		x0, x1 := trX(b.Lower), trX(b.Upper)
		gap := (x1 - x0) * 0.06
		x0, x1 = x0+gap, x1-gap
		y0, y1 := trY(0), trY(b.Accuracy)
		if b.Accuracy > 0 {
			c.FillPolygon(rb.fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		}
		// The bin's mean confidence: where the bar would end if the
		// model's confidence were its accuracy.
		yc := trY(b.Confidence)
		c.StrokeLine2(draw.LineStyle{Color: rb.mark, Width: vg.Points(2.5)}, x0, yc, x1, yc)
	}
}
