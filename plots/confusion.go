package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/artlens/artlens/engine"
)

// Confusion plots the confusion matrix of an evaluation as a heat map:
// predicted class along X, true class along Y with the first class in the
// top row, each cell coloured from white to dark blue by its value and
// labelled with it in black or white, whichever reads better. With percent
// the values are percent of all evaluated images, written as in the study's
// Figure 3: one decimal below 10% ("1.6%"), whole percent above ("19%"),
// "0%" for none and "<0.1%" for a few;
// otherwise they are image counts. The title gives the accuracy.
// e.Confusion must be square with one row per class of e.Classes (at least
// one); counts must not be negative. th gives the colours of the frame and
// text; the cells keep theirs.
func Confusion(e engine.Evaluation, percent bool, th Theme) (*plot.Plot, error) {
	n := len(e.Classes)
	if n == 0 {
		return nil, fmt.Errorf("plots: evaluation has no classes")
	}
	if len(e.Confusion) != n {
		return nil, fmt.Errorf("plots: confusion matrix has %d rows for %d classes", len(e.Confusion), n)
	}
	sum := 0
	for i, row := range e.Confusion {
		if len(row) != n {
			return nil, fmt.Errorf("plots: confusion matrix row %d has %d columns for %d classes", i, len(row), n)
		}
		for _, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("plots: negative count %d in confusion matrix row %d", v, i)
			}
			sum += v
		}
	}
	total := e.Total
	if total <= 0 {
		total = sum
	}

	g := confusionGrid{n: n, vals: make([][]float64, n)}
	for i, row := range e.Confusion {
		g.vals[i] = make([]float64, n)
		for j, v := range row {
			g.vals[i][j] = float64(v)
			if percent && total > 0 {
				g.vals[i][j] = 100 * float64(v) / float64(total)
			}
		}
	}

	pal := confusionPalette()
	hm := plotter.NewHeatMap(g, pal)
	hm.Min = 0
	if hm.Max <= 0 {
		hm.Max = 1
	}
	colors := pal.Colors()
	ps := float64(len(colors)-1) / (hm.Max - hm.Min)

	cellColor := func(c, r int) color.Color { return colors[int((g.Z(c, r)-hm.Min)*ps+0.5)] }

	labels := &plotter.Labels{}
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			v := g.Z(c, r)
			s := strconv.Itoa(int(v))
			if percent {
				s = formatPercent(v)
				if v > 0 && s == "0.0%" {
					s = "<0.1%"
				}
			}
			bg := cellColor(c, r)
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(c), Y: float64(r)})
			labels.Labels = append(labels.Labels, s)
			labels.TextStyle = append(labels.TextStyle, text.Style{
				Color:   TextColor(bg),
				Font:    chartFont(14, c == n-1-r),
				XAlign:  draw.XCenter,
				YAlign:  draw.YCenter,
				Handler: plot.DefaultTextHandler,
			})
		}
	}

	title := "Confusion matrix"
	if total > 0 {
		title = fmt.Sprintf("Confusion matrix: accuracy %.1f%% on %d images", 100*accuracy(e, sum), total)
	}
	p := newPlot(title, th)
	p.Add(underlay{n: n, color: cellColor}, hm, labels)
	p.NominalX(e.Classes...)
	rev := make([]string, n)
	for i, c := range e.Classes {
		rev[n-1-i] = c
	}
	p.NominalY(rev...)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Label.Text = "predicted class"
	p.Y.Label.Text = "true class"
	p.X.Label.Padding = vg.Points(6)
	p.Y.Label.Padding = vg.Points(6)
	p.X.Tick.Label.Font = chartFont(12, false)
	p.Y.Tick.Label.Font = chartFont(12, false)
	return p, nil
}

// accuracy is e.Accuracy, or the diagonal's share of the counts when the
// evaluation does not give it.
func accuracy(e engine.Evaluation, sum int) float64 {
	if e.Accuracy > 0 || sum == 0 {
		return e.Accuracy
	}
	diag := 0
	for i := range e.Confusion {
		diag += e.Confusion[i][i]
	}
	return float64(diag) / float64(sum)
}

// formatPercent writes v percent as the study's Figure 3 does: one decimal
// below 10% ("1.6%", "3.0%"), whole numbers from 10% up ("19%"), and 0 as
// "0%".
func formatPercent(v float64) string {
	if v == 0 {
		return "0%"
	}
	if math.Round(v*10)/10 < 10 {
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + "%"
}

// confusionPalette is a smooth white-to-dark-blue palette: ColorBrewer's
// Blues with luminance made linear by gonum's moreland.NewLuminance.
func confusionPalette() palette.Palette {
	blues, err := brewer.GetPalette(brewer.TypeSequential, "Blues", 9)
	if err != nil {
		panic("plots: " + err.Error())
	}
	cs := blues.Colors()
	dark := make([]color.Color, len(cs)) // darkest first: luminance must rise
	for i, c := range cs {
		dark[len(cs)-1-i] = c
	}
	cm, err := moreland.NewLuminance(dark)
	if err != nil {
		panic("plots: " + err.Error())
	}
	cm.SetMin(0)
	cm.SetMax(1)
	up := cm.Palette(256).Colors()
	out := make([]color.Color, len(up))
	for i, c := range up {
		out[len(up)-1-i] = c
	}
	return plainPalette(out)
}

type plainPalette []color.Color

func (p plainPalette) Colors() []color.Color { return p }

// confusionGrid shows a confusion matrix as a plotter.GridXYZ: column c is
// predicted class c, row r (counted from the bottom) is true class n-1-r.
type confusionGrid struct {
	n    int
	vals [][]float64
}

func (g confusionGrid) Dims() (c, r int)   { return g.n, g.n }
func (g confusionGrid) Z(c, r int) float64 { return g.vals[g.n-1-r][c] }
func (g confusionGrid) X(c int) float64    { return float64(c) }
func (g confusionGrid) Y(r int) float64    { return float64(r) }

// underlay paints each cell of an n×n grid slightly larger than the heat
// map will (within the grid's outline), so that the anti-aliased edges
// between the heat map's cells show their neighbours' colours rather than
// thin white seams.
type underlay struct {
	n     int
	color func(c, r int) color.Color
}

// Plot implements plot.Plotter.
func (u underlay) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	bleed := vg.Points(1)
	lo, hi := -0.5, float64(u.n)-0.5
	for r := 0; r < u.n; r++ {
		for col := 0; col < u.n; col++ {
			x0, x1 := trX(float64(col)-0.5), trX(float64(col)+0.5)
			y0, y1 := trY(float64(r)-0.5), trY(float64(r)+0.5)
			rect := vg.Rectangle{
				Min: vg.Point{X: max(x0-bleed, trX(lo)), Y: max(y0-bleed, trY(lo))},
				Max: vg.Point{X: min(x1+bleed, trX(hi)), Y: min(y1+bleed, trY(hi))},
			}
			c.SetColor(u.color(col, r))
			c.Fill(rect.Path())
		}
	}
}
