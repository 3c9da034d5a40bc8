package plots

import (
	"testing"

	"github.com/artlens/artlens/engine"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestFitToWidth draws the confusion matrix's title and class names into
// the width the Train view gives it (about 250 points) and checks that
// they fit: the title broken after its colon and no wider than the page,
// the class names no wider than a column each or slanted; and that the
// plot is put back as built afterwards.
func TestFitToWidth(t *testing.T) {
	p, err := Confusion(sampleEvaluation(), false, Light)
	if err != nil {
		t.Fatal(err)
	}
	title, size := p.Title.Text, p.X.Tick.Label.Font.Size
	for _, c := range []struct {
		w     vg.Length
		fits  bool // the title fits on one line as it is
		label bool // the tick labels are left as they are
	}{
		{vg.Points(800), true, true},
		{vg.Points(250), false, false},
		{vg.Points(120), false, false},
	} {
		restore := fitToWidth(p, c.w)
		if got := p.Title.Text == title; got != c.fits {
			t.Errorf("%v wide: title %q", c.w, p.Title.Text)
		}
		if w := p.Title.TextStyle.Width(p.Title.Text); w > c.w && p.Title.TextStyle.Font.Size > leastFont {
			t.Errorf("%v wide: the title is %v wide at %v", c.w, w, p.Title.TextStyle.Font.Size)
		}
		if got := p.X.Tick.Label.Font.Size == size && p.X.Tick.Label.Rotation == 0; got != c.label {
			t.Errorf("%v wide: tick labels at %v, rotated %v", c.w, p.X.Tick.Label.Font.Size, p.X.Tick.Label.Rotation)
		}
		if c.w < vg.Points(200) && p.X.Tick.Label.Rotation == 0 {
			t.Errorf("%v wide: four class names side by side not slanted", c.w)
		}
		restore()
		if p.Title.Text != title || p.X.Tick.Label.Font.Size != size || p.X.Tick.Label.Rotation != 0 {
			t.Errorf("%v wide: not restored: %q at %v", c.w, p.Title.Text, p.X.Tick.Label.Font.Size)
		}
	}
}

// TestLegendCorner checks that the training history's legend goes where
// it hides none of the curves: the loss falls from the top left, so the
// legend asked for at the top goes to the top right; a loss that rises to
// the top right sends it elsewhere.
func TestLegendCorner(t *testing.T) {
	rising := sampleHistory()
	for i := range rising {
		x := float64(i)
		rising[i].TrainLoss, rising[i].ValLoss = 0.1+0.1*x, 0.15+0.1*x
	}
	for _, c := range []struct {
		name string
		h    []engine.Epoch
	}{{"falling", sampleHistory()}, {"rising", rising}} {
		p, err := History(c.h, "loss", 0, Light)
		if err != nil {
			t.Fatal(err)
		}
		// The legend as History makes it: at the top, avoiding both curves.
		l := newBoxLegend(true, Light)
		train, val := make(plotter.XYs, len(c.h)), make(plotter.XYs, len(c.h))
		for i, e := range c.h {
			train[i] = plotter.XY{X: float64(e.Epoch), Y: e.TrainLoss}
			val[i] = plotter.XY{X: float64(e.Epoch), Y: e.ValLoss}
		}
		l.avoid = []plotter.XYs{train, val}
		dc := plotCanvas(p, vg.Points(400), vg.Points(260))
		box := l.corner(dc, p, vg.Points(90), vg.Points(40), vg.Points(8))
		trX, trY := p.Transforms(&dc)
		for _, xys := range l.avoid {
			for _, q := range xys {
				x, y := trX(q.X), trY(q.Y)
				if x >= box.Min.X && x <= box.Max.X && y >= box.Min.Y && y <= box.Max.Y {
					t.Errorf("%s: the legend at %v covers the point %v", c.name, box, q)
				}
			}
		}
	}
}

// plotCanvas is the data area of p drawn on a page w by h, as drawPlot
// draws it: the canvas its plotters are given.
func plotCanvas(p *plot.Plot, w, h vg.Length) draw.Canvas {
	dc := draw.New(vgimg.New(w, h))
	m := min(margin, w/20, h/20)
	return p.DataCanvas(draw.Crop(dc, m, -m, m, -m))
}
