package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/plots"
)

// Choices of the confusion view.
const (
	showPercent = "percent of all test images"
	showCounts  = "image counts"
)

// newConfusionView shows the confusion matrix of the model's test
// evaluation as a heat map (the study's Figure 3), in percent or counts.
func newConfusionView(s *shell) fyne.CanvasObject {
	c := newChart(s, 1.2)
	save := widget.NewButtonWithIcon("Save PNG…", theme.DocumentSaveIcon(), func() { saveChart(s, c.build, "confusion.png", 1200, 1000) })
	mode := widget.NewRadioGroup([]string{showPercent, showCounts}, nil)
	mode.Horizontal = true
	mode.Required = true
	mode.Selected = showPercent
	explain := widget.NewLabel("Rows are the true class of the test images, columns the network's answer; " +
		"the diagonal holds the right answers.")
	explain.Wrapping = fyne.TextWrapWord
	explain.TextStyle.Italic = true
	missing := widget.NewLabel("")
	missing.Alignment = fyne.TextAlignCenter
	update := func() {
		m := s.model
		if m == nil || m.Meta.Test == nil {
			c.setPlot(nil)
			c.Hide()
			save.Disable()
			if m == nil {
				missing.SetText("No model is loaded.")
			} else {
				missing.SetText("Test results: not in this file. The file of the " + s.modelName + " holds no test evaluation;\n'artlens eval --model FILE --data DIR --save' measures one and writes it into the file.")
			}
			missing.Show()
			return
		}
		ev := *m.Meta.Test
		percent := mode.Selected != showCounts
		c.setPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.Confusion(ev, percent, th) })
		c.Show()
		save.Enable()
		missing.Hide()
	}
	mode.OnChanged = func(string) { update() }
	update()
	s.onModel = append(s.onModel, update)
	s.onStyle = append(s.onStyle, c.invalidate)
	top := container.NewVBox(container.NewHBox(widget.NewLabel("Show:"), mode, layout.NewSpacer(), save), explain)
	return container.NewBorder(top, nil, nil, nil, container.NewStack(c, container.NewCenter(missing)))
}
