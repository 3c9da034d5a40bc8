package collection

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
)

// showLabels fills the Accuracy tab for a sigmoid model, whose answer is a
// set of labels (independent scores, several can be high, or none): per
// label, precision and recall at the threshold and average precision over
// all thresholds, each with the counts it comes from, instead of a
// confusion matrix, which would mislead (a picture is in one row but may
// be in several columns or none). It reports whether it did: false for a
// softmax model, whose matrix updateConfusion draws.
func (c *View) showLabels() bool {
	if c.model == nil || c.model.Output() != engine.OutputSigmoid {
		c.labels.Hide()
		c.confGrid.Show()
		return false
	}
	c.ev, c.cells = engine.Evaluation{}, nil
	c.conf.SetPlot(nil)
	c.confGrid.Hide()
	t := c.h.Threshold()
	ev, err := collection.EvaluateLabels(c.items, c.classes, t)
	if err != nil {
		c.confInfo.SetText(err.Error())
		c.labels.Hide()
		return true
	}
	c.confInfo.SetText(labelsSummary(ev))
	label, slider := c.labelsThreshold()
	label.SetText(fmt.Sprintf("Threshold %.2f", t))
	if slider.Value != t {
		slider.SetValue(t)
	}
	box := c.labels.Content.(*fyne.Container)
	box.Objects[1] = labelsTable(ev)
	box.Refresh()
	c.labels.Show()
	c.labels.Refresh()
	return true
}

// newLabelsPanel is the Accuracy tab's panel for a sigmoid model: the
// threshold (the same as Explore's: a new one is set when the slider is
// let go, since the table is made again for it) over the table per label.
func (c *View) newLabelsPanel() *container.Scroll {
	label := widget.NewLabel("")
	slider := widget.NewSlider(0.01, 1)
	slider.Step = 0.01
	slider.OnChanged = func(v float64) { label.SetText(fmt.Sprintf("Threshold %.2f", v)) }
	slider.OnChangeEnded = func(v float64) { c.h.SetThreshold(v) }
	row := container.NewBorder(nil, nil, label, nil, slider)
	scroll := container.NewVScroll(container.NewVBox(row, container.NewVBox()))
	scroll.Hide()
	return scroll
}

// labelsThreshold returns the label and the slider of the labels panel's
// threshold.
func (c *View) labelsThreshold() (label *widget.Label, slider *widget.Slider) {
	for _, o := range c.labels.Content.(*fyne.Container).Objects[0].(*fyne.Container).Objects {
		switch o := o.(type) {
		case *widget.Label:
			label = o
		case *widget.Slider:
			slider = o
		}
	}
	return label, slider
}

// labelsSummary says what a sigmoid model's evaluation counts.
func labelsSummary(ev engine.LabelEvaluation) string {
	text := fmt.Sprintf("The model gives independent scores, several can be high: its answer is the labels at or above %.2f "+
		"(the slider below, or Explore's). %s labelled pictures, one label each (their folder's class): "+
		"%s answered exactly their own label, %s with no label at or above %.2f.",
		ev.Threshold, engine.Thousands(ev.Total), engine.Thousands(ev.Exact), engine.Thousands(ev.None), ev.Threshold)
	if ev.MeanAP != nil {
		text += fmt.Sprintf(" Mean average precision %.3f (over %d labels).", *ev.MeanAP, ev.APClasses)
	}
	return text + " No confusion matrix: a picture can have several labels, or none."
}

// labelsTable is the per-label table of ev: precision and recall with the
// counts they come from ("–" for a ratio without pictures) and average
// precision.
func labelsTable(ev engine.LabelEvaluation) fyne.CanvasObject {
	ratio := func(p *float64, a, b int) string {
		if p == nil {
			return fmt.Sprintf("– (%d of %d)", a, b)
		}
		return fmt.Sprintf("%.3f (%d of %d)", *p, a, b)
	}
	grid := container.New(layout.NewGridLayoutWithColumns(4))
	for _, h := range []string{"Label", "Precision", "Recall", "Average precision"} {
		grid.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, cs := range ev.Classes {
		ap := "– (no picture of it)"
		if cs.AveragePrecision != nil {
			ap = fmt.Sprintf("%.3f (%d pictures of it)", *cs.AveragePrecision, cs.Positives)
		}
		grid.Add(widget.NewLabel(cs.Class))
		grid.Add(widget.NewLabel(ratio(cs.Precision, cs.TruePositives, cs.Predicted)))
		grid.Add(widget.NewLabel(ratio(cs.Recall, cs.TruePositives, cs.Positives)))
		grid.Add(widget.NewLabel(ap))
	}
	help := widget.NewLabel("Precision: of the pictures given the label, the share that belong to its folder. " +
		"Recall: of a folder's pictures, the share given its label. Average precision: the same over every threshold, " +
		"the pictures ranked by their score for the label.")
	help.Wrapping = fyne.TextWrapWord
	help.TextStyle.Italic = true
	return container.NewVBox(grid, help)
}

// outputChanged shows the table and the accuracy again after the
// threshold or the calibrated switch changed.
func (c *View) outputChanged() {
	c.table.Refresh()
	c.updateConfusion(true)
}

// outputCell is the text of column col for it where the outputs are not
// shown as the model's plain probabilities: a sigmoid model's labels at
// the threshold and scores, or probabilities through the temperature when
// calibrated confidence is on. ok is false where cellText's own text holds.
func (c *View) outputCell(it *collection.Item, col int) (text string, ok bool) {
	if a := it.Other; col == colOther && a != nil && c.other != nil && c.other.Output() == engine.OutputSigmoid {
		// The second model's highest score (its answer's other labels are
		// not kept), never a percentage.
		return fmt.Sprintf("%s score %.3f", className2(c.otherClasses, a.Class), a.Probability), true
	}
	m := c.model
	if m == nil || len(it.Probabilities) == 0 {
		return "", false
	}
	if m.Output() != engine.OutputSigmoid {
		t, _ := c.h.Temperature(m)
		if t <= 0 || col != colProbability && col != colSecond {
			return "", false
		}
		shown := c.h.Shown(m, it.Probabilities)
		if col == colProbability {
			return fmt.Sprintf("%.1f%%", 100*shown[it.Class]), true
		}
		return fmt.Sprintf("%s %.0f%%", className2(c.classes, it.Second), 100*shown[it.Second]), true
	}
	th := c.h.Threshold()
	switch col {
	case colPredicted:
		labels := engine.Answer(engine.OutputSigmoid, it.Probabilities, th)
		if len(labels) == 0 {
			return fmt.Sprintf("no label ≥ %.2f", th), true
		}
		names := make([]string, len(labels))
		for i, l := range labels {
			names[i] = className2(c.classes, l)
		}
		return strings.Join(names, ", "), true
	case colProbability:
		return fmt.Sprintf("%.3f", it.Probabilities[it.Class]), true
	case colSecond:
		return fmt.Sprintf("%s %.3f", className2(c.classes, it.Second), it.Probabilities[it.Second]), true
	case colRight:
		// Right when its folder's label is among its labels.
		if it.Truth < 0 || it.Truth >= len(it.Probabilities) {
			return "", true
		}
		if float64(it.Probabilities[it.Truth]) >= th {
			return "right", true
		}
		return "wrong", true
	}
	return "", false
}

// outputTitle is column col's title: a sigmoid model's answer is labels
// and their scores.
func (c *View) outputTitle(col int) string {
	if c.model != nil && c.model.Output() == engine.OutputSigmoid {
		switch col {
		case colPredicted:
			return "Labels"
		case colProbability:
			return "Top score"
		case colSecond:
			return "Second score"
		}
	}
	return c.columnTitle(col)
}

// itemAnswer is it's answer in a few words, as shown (answerLine): its
// class and probability, or a sigmoid model's labels and scores.
func (c *View) itemAnswer(it *collection.Item) string {
	if c.model == nil || len(it.Probabilities) != len(c.model.Meta.Classes) {
		return fmt.Sprintf("%s %.0f %%", className2(c.classes, it.Class), 100*it.Probability())
	}
	return c.h.AnswerLine(c.model, it.Probabilities)
}
