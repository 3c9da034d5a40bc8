package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
)

// newHistoryView shows how the model learned: accuracy and loss per epoch,
// on the training and the validation images, as the study's Figure 2.
func newHistoryView(s *shell) fyne.CanvasObject {
	summary := widget.NewLabel("")
	summary.Wrapping = fyne.TextWrapWord
	acc, loss := newChart(s, 0), newChart(s, 0)
	accPanel, _ := chartPanel(s, acc, "history-accuracy.png", savePxW, savePxH)
	lossPanel, _ := chartPanel(s, loss, "history-loss.png", savePxW, savePxH)
	charts := container.NewGridWithColumns(2, accPanel, lossPanel)
	update := func() {
		m := s.model
		if m == nil || len(m.Meta.History) == 0 {
			charts.Hide()
			acc.setPlot(nil)
			loss.setPlot(nil)
			if m == nil {
				summary.SetText("No model is loaded.")
			} else {
				summary.SetText("Training history: not in this file. The file of the " + s.modelName + " holds no training history (an imported model, or one trained elsewhere).")
			}
			return
		}
		h := append([]engine.Epoch(nil), m.Meta.History...)
		best := m.Meta.BestEpoch
		acc.setPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.History(h, "accuracy", best, th) })
		loss.setPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.History(h, "loss", best, th) })
		summary.SetText(historySummary(m.Meta))
		charts.Show()
	}
	update()
	s.onModel = append(s.onModel, update)
	s.onStyle = append(s.onStyle, acc.invalidate, loss.invalidate)
	return container.NewBorder(summary, nil, nil, nil, charts)
}

// historySummary says in a sentence or two how training went.
func historySummary(meta engine.Metadata) string {
	h := meta.History
	var b strings.Builder
	fmt.Fprintf(&b, "Trained for %s on the training images; after each epoch the network was checked on validation images it never learned from.", countNoun(len(h), "epoch"))
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
		fmt.Fprintf(&b, " Training took %s.", formatDuration(secs))
	}
	return b.String()
}

// formatDuration writes seconds as "45 s", "12 min" or "2 h 5 min".
func formatDuration(secs float64) string {
	switch {
	case secs < 90:
		return fmt.Sprintf("%.0f s", secs)
	case secs < 3600:
		return fmt.Sprintf("%.0f min", secs/60)
	}
	m := int(secs/60 + 0.5)
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
