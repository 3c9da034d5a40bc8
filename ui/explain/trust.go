package explain

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/trust"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// trustPanel is the Explain view's "How much to trust this map": a button
// that runs package trust's checks on the map shown (deletion, insertion,
// the sanity check) in the background, and their figures.
type trustPanel struct {
	v       *View
	content fyne.CanvasObject

	checkBtn, stopBtn *widget.Button
	progress          *widget.ProgressBar
	status            *widget.Label
	curves, sanity    *widgets.Chart
	curvesNote        *widget.Label
	sanityNote        *widget.Label
	verdict           *widget.Label
	results           *fyne.Container
	curvesBox         *widgets.SizedBox
	sanityBox         *widgets.SizedBox
	// curvesRoom and sanityRoom give the charts their height.
	curvesRoom, sanityRoom *canvas.Rectangle

	// of is what the shown map was made from, mp the map; nil before a
	// map is shown.
	of *request
	mp explain.Map
	// gen counts checks: a result of an older one is dropped. cancel
	// stops the running one.
	gen    int
	cancel context.CancelFunc
	// result is the last check shown (nil: none for the map shown);
	// auto says the --check option has started its check.
	result *trust.Check
	auto   bool
}

func newTrustPanel(v *View) *trustPanel {
	p := &trustPanel{v: v}
	title := widget.NewLabelWithStyle("How much to trust this map", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	hint := widget.NewLabel("Two checks of the map shown: deletion and insertion (does hiding the places it ranks first, or showing them first, move the answer?) and the sanity check (does the map change when the network's weights are scrambled?). They take a few seconds.")
	hint.Wrapping = fyne.TextWrapWord
	hint.TextStyle.Italic = true
	p.checkBtn = widget.NewButtonWithIcon("Check this map", theme.SearchIcon(), p.check)
	p.checkBtn.Importance = widget.HighImportance
	p.checkBtn.Disable()
	p.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() {
		p.stop()
		p.status.SetText("Stopped.")
		p.checkBtn.Enable()
	})
	p.stopBtn.Hide()
	p.progress = widget.NewProgressBar()
	p.progress.Hide()
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.curves = widgets.NewChart(v.h, 1.45)
	p.sanity = widgets.NewChart(v.h, 1.45)
	p.curvesNote = widget.NewLabel("")
	p.curvesNote.Wrapping = fyne.TextWrapWord
	p.curvesNote.TextStyle.Italic = true
	p.sanityNote = widget.NewLabel("")
	p.sanityNote.Wrapping = fyne.TextWrapWord
	p.sanityNote.TextStyle.Italic = true
	p.verdict = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.verdict.Wrapping = fyne.TextWrapWord
	p.curvesRoom, p.sanityRoom = canvas.NewRectangle(color.Transparent), canvas.NewRectangle(color.Transparent)
	p.curvesBox = widgets.NewSizedBox(container.NewVBox(container.NewStack(p.curvesRoom, p.curves), p.curvesNote))
	p.sanityBox = widgets.NewSizedBox(container.NewVBox(container.NewStack(p.sanityRoom, p.sanity), p.verdict, p.sanityNote))
	p.results = container.New(&widgets.FlowLayout{OnResize: v.relayout}, p.curvesBox, p.sanityBox)
	p.results.Hide()
	bar := widgets.NewSizedBox(p.progress)
	bar.Width = 240
	p.content = container.NewVBox(title, hint,
		container.NewHBox(p.checkBtn, bar, p.stopBtn), p.status, p.results)
	p.applySizes()
	v.h.OnStyle(p.applySizes)
	return p
}

// applySizes sets the sizes that follow the zoom.
func (p *trustPanel) applySizes() {
	z := p.v.h.Zoom()
	p.curvesBox.Width, p.sanityBox.Width = 520*z, 520*z
	p.curvesRoom.SetMinSize(fyne.NewSize(500*z, 345*z))
	p.sanityRoom.SetMinSize(fyne.NewSize(500*z, 345*z))
}

// mapChanging is called when a new map is asked for: a check of the old
// one is stopped and its figures put away.
func (p *trustPanel) mapChanging() {
	p.stop()
	p.of, p.result = nil, nil
	p.checkBtn.Disable()
	p.results.Hide()
	p.status.SetText("")
}

// mapShown is called when map mp, made for r, is on screen.
func (p *trustPanel) mapShown(r request, mp explain.Map) {
	p.of, p.mp = &r, mp
	p.checkBtn.Enable()
	p.status.SetText("")
	if p.v.runChecks && !p.auto {
		p.auto = true
		p.check()
	}
}

// stop cancels the running check, if any.
func (p *trustPanel) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.gen++
	p.progress.Hide()
	p.stopBtn.Hide()
}

// check runs every trust check of the map shown in the background.
func (p *trustPanel) check() {
	if p.of == nil {
		return
	}
	p.stop()
	gen := p.gen
	r, mp := *p.of, p.mp
	me := widgets.MethodOf(r.method)
	place := 0
	if me.ReadsPlace {
		place = mp.Layer
	}
	req := r.explainRequest(mp.Class, place)
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.progress.SetValue(0)
	p.progress.Show()
	p.stopBtn.Show()
	p.checkBtn.Disable()
	p.results.Hide()
	p.status.SetText("Checking the " + widgets.MethodLabel(me) + " map: deletion and insertion, then the sanity check layer by layer…")
	s := p.v.h
	s.Busy.Add(1)
	start := time.Now()
	go func() {
		defer s.Do(func() { s.Busy.Add(-1) })
		c, err := trust.CheckMap(ctx, r.m, me, req, mp, widgets.TrustSeed, func(done, total int) {
			s.Do(func() {
				if gen == p.gen {
					p.progress.SetValue(float64(done) / float64(max(total, 1)))
				}
			})
		})
		s.Do(func() {
			if gen != p.gen {
				return // stopped, or a newer check or map replaced it
			}
			p.cancel = nil
			p.progress.Hide()
			p.stopBtn.Hide()
			p.checkBtn.Enable()
			switch {
			case errors.Is(err, context.Canceled):
				p.status.SetText("Stopped.")
			case err != nil:
				p.status.SetText("The check could not be made: " + err.Error())
			default:
				p.show(r.m, c, time.Since(start))
			}
		})
	}()
}

// show puts the figures of check c on screen.
func (p *trustPanel) show(m *engine.Model, c trust.Check, took time.Duration) {
	p.result = &c
	class := host.ClassName(m, c.Class)
	p.status.SetText(fmt.Sprintf("%s map for %s, checked in %.1f s (sanity check seeded %d: the same check gives the same figures).",
		widgets.MethodLabel(widgets.MethodOf(c.Method)), class, took.Seconds(), widgets.TrustSeed))
	del, ins := c.Deletion, c.Insertion
	p.curves.SetPlot(func(th plots.Theme) (*plot.Plot, error) {
		return plots.TrustCurves(del.Probabilities, ins.Probabilities, del.AUC, ins.AUC, th)
	})
	first := 0.0
	if len(ins.Probabilities) > 0 {
		first = ins.Probabilities[0]
	}
	p.curvesNote.SetText(fmt.Sprintf("Deletion blacks out the pixels the map ranks first, 1/64 of them a step: a faithful map makes the probability of %s fall fast (a low area, lower is better). "+
		"Insertion puts them back into a blurred copy: a faithful map brings it back fast (a high area, higher is better). "+
		"One picture is one picture: compare methods on the same pictures (the Collection view's \"Which map to trust\"), not these areas with an ideal. "+
		"The blurred copy alone gets %.0f%% here: the higher that, the higher every method's insertion area.", class, 100*first))
	san := c.Sanity
	p.sanity.SetPlot(func(th plots.Theme) (*plot.Plot, error) {
		return plots.SanitySteps(san.Layers, san.Similarity, trust.SanityThreshold, th)
	})
	p.verdict.SetText(fmt.Sprintf("Mean |similarity| %.2f over %d steps: %s.", san.MeanAbs, len(san.Similarity), san.Verdict))
	if san.Follows {
		p.verdict.Importance = widget.SuccessImportance
	} else {
		p.verdict.Importance = widget.WarningImportance
	}
	p.verdict.Refresh()
	p.sanityNote.SetText(fmt.Sprintf("The layers' weights are made random one layer at a time from the top, and the map made again after each step; the line is its rank correlation with the original map. "+
		"Near 0 the map changed (it follows the network); near ±1 it did not. The dashed lines are the judgement's bound (±%.1f, a judgement, not a test). "+
		"Passing means the map depends on the weights, not that it is right; with so few cells (%d) one picture's correlations are noisy: read the steps, not only the sentence.",
		trust.SanityThreshold, p.mp.Width*p.mp.Height))
	p.results.Show()
	p.v.relayout()
	if p.v.runChecks {
		// --check: the figures are what was asked for; scroll them into view.
		p.v.h.Later(func() {
			p.v.body.Refresh()
			p.v.body.ScrollToOffset(fyne.NewPos(0, p.content.Position().Y))
		})
	}
}
