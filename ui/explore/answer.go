package explore

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// answerPanel is the part of Explore's answer that says how far to believe
// it: the record beside it ("when the network is this sure, it was right
// 71 % of the time"), the threshold of a sigmoid model's labels and the
// calibrated switch. The answer itself (x.answer, x.sure, x.bars) is
// written by showAnswer.
type answerPanel struct {
	x       *View
	caption *widget.Label

	trust    *widget.Label // the test record for the shown top probability
	controls *fyne.Container

	thresholdRow   *fyne.Container // a sigmoid model's only
	thresholdLabel *widget.Label
	threshold      *widget.Slider
	calibrated     *widget.Check
	why            *widget.Label // what the calibrated switch does, or why it cannot
	setting        bool          // the widgets are being set from the host's state
}

func newAnswerPanel(x *View, caption *widget.Label) *answerPanel {
	a := &answerPanel{x: x, caption: caption}
	x.sure.Wrapping = fyne.TextWrapWord // a sigmoid model's line is long
	a.trust = widget.NewLabel("")
	a.trust.Wrapping = fyne.TextWrapWord
	a.trust.TextStyle.Italic = true
	a.trust.Hide()

	a.thresholdLabel = widget.NewLabel("")
	a.threshold = widget.NewSlider(0.01, 1)
	a.threshold.Step = 0.01
	a.threshold.OnChanged = func(v float64) {
		if !a.setting {
			x.h.SetThreshold(v)
		}
	}
	a.thresholdRow = container.NewBorder(nil, nil, a.thresholdLabel, nil, a.threshold)
	a.thresholdRow.Hide()

	a.calibrated = widget.NewCheck("Calibrated confidence", func(on bool) {
		if !a.setting {
			x.h.SetCalibrated(on)
		}
	})
	a.why = widget.NewLabel("")
	a.why.Wrapping = fyne.TextWrapWord
	a.why.TextStyle.Italic = true
	a.why.SizeName = theme.SizeNameCaptionText
	a.controls = container.NewVBox(a.thresholdRow, a.calibrated, a.why)
	a.refresh()
	x.h.OnModel(a.refresh)
	return a
}

// refresh sets the controls from the host's state and the current model.
func (a *answerPanel) refresh() {
	s, m := a.x.h, a.x.h.Model()
	a.setting = true
	defer func() { a.setting = false }()
	sigmoid := m != nil && m.Output() == engine.OutputSigmoid
	t := s.Threshold()
	a.thresholdLabel.SetText(fmt.Sprintf("Threshold %.2f", t))
	if a.threshold.Value != t {
		a.threshold.SetValue(t)
	}
	a.caption.SetText("The network's answer")
	if sigmoid {
		a.thresholdRow.Show()
		a.caption.SetText(fmt.Sprintf("The network's labels (score at or above %.2f)", t))
	} else {
		a.thresholdRow.Hide()
	}
	temp, err := host.CalibrationTemperature(m)
	switch {
	case err != nil:
		a.calibrated.SetChecked(false)
		a.calibrated.Disable()
		a.why.SetText("Calibrated confidence is not available: " + err.Error() + ".")
	case s.Calibrated():
		a.calibrated.Enable()
		a.calibrated.SetChecked(true)
		a.why.SetText(fmt.Sprintf("Probabilities through the model's temperature T = %.2f (softmax of the logits / T): "+
			"the answer stays the same, only how sure it is changes.", temp))
	default:
		a.calibrated.Enable()
		a.calibrated.SetChecked(false)
		a.why.SetText(fmt.Sprintf("Probabilities as the model gives them; the model carries a temperature (T = %.2f) "+
			"that makes them match how often it is right.", temp))
	}
}

// showAnswer writes the answer for e: for a softmax model the most probable
// class with its probability (through the temperature when calibrated
// confidence is on) and the test record for it; for a sigmoid model the
// labels at or above the threshold, and each label's own score, never
// renormalised, with the threshold marked on its bar.
func (x *View) showAnswer(e *entry) {
	m := x.h.Model()
	x.ans.refresh()
	x.bars.RemoveAll()
	x.ans.trust.Hide()
	p := e.Answer(m)
	if p == nil {
		x.answer.SetText("—")
		if m == nil {
			x.sure.SetText("No model is loaded: open one with File › Open model….")
		} else {
			x.sure.SetText("")
		}
		x.bars.Refresh()
		return
	}
	sigmoid := m.Output() == engine.OutputSigmoid
	probs := x.h.Shown(m, p.Probabilities)
	top := engine.Argmax(probs)
	bold := map[int]bool{}
	if sigmoid {
		t := x.h.Threshold()
		labels := engine.Answer(engine.OutputSigmoid, probs, t)
		names := make([]string, len(labels))
		for i, c := range labels {
			names[i], bold[c] = host.ClassName(m, c), true
		}
		if len(names) == 0 {
			x.answer.SetText(fmt.Sprintf("No label at or above %.2f", t))
		} else {
			x.answer.SetText(strings.Join(names, ", "))
		}
		x.sure.SetText("Independent scores from 0 to 1, one per label: several can be high, they need not sum to 1.")
	} else {
		bold[top] = true
		x.answer.SetText(host.ClassName(m, top))
		word := "probability"
		if t, _ := x.h.Temperature(m); t > 0 {
			word = "probability, calibrated"
		}
		x.sure.SetText(fmt.Sprintf("%.1f%% %s", 100*probs[top], word))
		t, _ := x.h.Temperature(m)
		if rel, ok := calibration.Stored(m, t > 0); ok {
			if line := calibration.Sentence(rel, float64(probs[top])); line != "" {
				x.ans.trust.SetText(strings.ToUpper(line[:1]) + line[1:] + ".")
				x.ans.trust.Show()
			}
		}
	}
	if sigmoid {
		head := widget.NewLabel("label")
		head.TextStyle.Italic = true
		note := widget.NewLabel(fmt.Sprintf("its score, 0 to 1; the line: %.2f", x.h.Threshold()))
		note.TextStyle.Italic = true
		x.bars.Add(head)
		x.bars.Add(note)
	}
	for i, v := range probs {
		name := widget.NewLabel(host.ClassName(m, i))
		name.TextStyle.Bold = bold[i]
		bar := widget.NewProgressBar()
		bar.Value = float64(v)
		text := fmt.Sprintf("%.1f%%", 100*v)
		if sigmoid {
			text = ""
		}
		bar.TextFormatter = func() string { return text }
		x.bars.Add(name)
		if sigmoid {
			// The score beside its bar, so that the threshold's line
			// crosses no text.
			score := widget.NewLabel(fmt.Sprintf("%.3f", v))
			score.TextStyle.Bold = bold[i]
			x.bars.Add(container.NewBorder(nil, nil, nil, score, thresholdBar(bar, x.h.Threshold())))
		} else {
			// The value beside the bar, not on it (widgets.NewValueBar:
			// text over a bar and its track cannot meet 4.5:1 on both).
			x.bars.Add(widgets.NewValueBar(float64(v), text, "100.0%"))
		}
	}
	x.bars.Refresh()
}

// thresholdBar is bar with a vertical line at threshold t of its width.
func thresholdBar(bar *widget.ProgressBar, t float64) fyne.CanvasObject {
	line := canvas.NewRectangle(theme.Color(theme.ColorNameForeground))
	return container.New(&markLayout{at: float32(t)}, bar, line)
}

// markLayout lays its first object over the whole area and its second as
// a thin vertical line at the fraction at of the width.
type markLayout struct{ at float32 }

func (l *markLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[0].Move(fyne.NewPos(0, 0))
	const w = 2
	objs[1].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(max(0, min(size.Width-w, l.at*size.Width-w/2)), 0))
}

func (l *markLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// classLine is the list's second line for e: its class and probability
// (as shown: calibrated or not), or a sigmoid model's labels.
func (x *View) classLine(e *entry) string {
	m := x.h.Model()
	if m == nil {
		return fmt.Sprintf("%d × %d px", e.Size.X, e.Size.Y)
	}
	p := e.Answer(m)
	if p == nil {
		return "…"
	}
	probs := x.h.Shown(m, p.Probabilities)
	if m.Output() == engine.OutputSigmoid {
		t := x.h.Threshold()
		labels := engine.Answer(engine.OutputSigmoid, probs, t)
		if len(labels) == 0 {
			return fmt.Sprintf("no label ≥ %.2f", t)
		}
		names := make([]string, len(labels))
		for i, c := range labels {
			names[i] = host.ClassName(m, c)
		}
		return fmt.Sprintf("%s · %.2f", strings.Join(names, ", "), probs[labels[0]])
	}
	top := engine.Argmax(probs)
	return fmt.Sprintf("%s · %.0f%%", host.ClassName(m, top), 100*probs[top])
}

// outputChanged shows the answers again after the calibrated switch or the
// threshold changed.
func (x *View) outputChanged() {
	if x.current != nil && x.scroll.Visible() {
		x.showAnswer(x.current)
	} else {
		x.ans.refresh()
	}
	x.list.Refresh()
}
