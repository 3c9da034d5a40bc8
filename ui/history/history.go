package history

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// New builds the History view: how the model learned: accuracy and loss per epoch,
// on the training and the validation images, as the study's Figure 2.
func New(s *host.Host) fyne.CanvasObject {
	summary := widget.NewLabel("")
	summary.Wrapping = fyne.TextWrapWord
	acc, loss := widgets.NewChart(s, 0), widgets.NewChart(s, 0)
	accPanel, _ := widgets.ChartPanel(s, acc, "history-accuracy.png", widgets.SavePxW, widgets.SavePxH)
	lossPanel, _ := widgets.ChartPanel(s, loss, "history-loss.png", widgets.SavePxW, widgets.SavePxH)
	charts := container.NewGridWithColumns(2, accPanel, lossPanel)
	update := func() {
		m := s.Model()
		if m == nil || len(m.Meta.History) == 0 {
			charts.Hide()
			acc.SetPlot(nil)
			loss.SetPlot(nil)
			if m == nil {
				summary.SetText("No model is loaded.")
			} else {
				summary.SetText("Training history: not in this file. The file of the " + s.ModelName() + " holds no training history (an imported model, or one trained elsewhere).")
			}
			return
		}
		h := append([]engine.Epoch(nil), m.Meta.History...)
		best := m.Meta.BestEpoch
		acc.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.History(h, "accuracy", best, th) })
		loss.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.History(h, "loss", best, th) })
		summary.SetText(historySummary(m.Meta))
		charts.Show()
	}
	update()
	s.OnModel(update)
	s.OnStyle(acc.Invalidate, loss.Invalidate)
	return container.NewBorder(summary, nil, nil, nil, charts)
}

// historySummary says in a sentence or two how training went.
func historySummary(meta engine.Metadata) string {
	h := meta.History
	var b strings.Builder
	fmt.Fprintf(&b, "Trained for %s on the training images; after each epoch the network was checked on validation images it never learned from.", widgets.CountNoun(len(h), "epoch"))
	scale := 100.0 // accuracies are fractions unless one exceeds 1
	for _, e := range h {
		if e.TrainAccuracy > 1 || e.ValAccuracy > 1 {
			scale = 1
		}
	}
	for i, e := range h {
		n := e.Epoch
		if n == 0 {
			n = i + 1
		}
		if meta.BestEpoch != 0 && n == meta.BestEpoch {
			fmt.Fprintf(&b, " The weights of epoch %d were kept: validation accuracy %.1f%%, training accuracy %.1f%%.",
				n, scale*e.ValAccuracy, scale*e.TrainAccuracy)
		}
	}
	if strings.HasPrefix(meta.Training["averaging"], "exponential") {
		// Training accuracy is of the weights in use at each step, with
		// dropout; validation is of the average: say so, or the two
		// curves seem to disagree.
		b.WriteString(" The kept weights are a moving average of the weights over the last few epochs; validation was measured on that average.")
	}
	var secs float64
	for _, e := range h {
		secs += e.Seconds
	}
	if secs > 0 {
		fmt.Fprintf(&b, " Training took %s.", widgets.FormatDuration(secs))
	}
	return b.String()
}
