package modelview

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// reliabilityCard draws the model's reliability diagrams from its weights
// file (package calibration's record, written by artlens calibrate): the
// top probability against how often the answer was right, without the
// model's temperature and with it, each with its ECE and count. A model
// that carries no calibration gets the line that says how to make one.
func reliabilityCard(s *host.Host, m *engine.Model) fyne.CanvasObject {
	const title = "Confidence against accuracy"
	c := m.Meta.Calibration
	if _, err := calibration.Temperature(m); err != nil || c == nil || len(c.Before.Bins) == 0 {
		why := "this model file holds no record of how often the network is right at each level of confidence"
		if err != nil {
			why = err.Error()
		}
		hint := widget.NewLabel("Not in this file: " + why + ".")
		hint.Wrapping = fyne.TextWrapWord
		return widgets.NewSizedBoxW(widget.NewCard(title, "", hint), 480*s.Zoom())
	}
	side := 300 * s.Zoom()
	chart := func(r engine.Reliability, name string) fyne.CanvasObject {
		ch := widgets.NewChart(s, 1)
		ch.Least = fyne.NewSquareSize(440)
		ch.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.Reliability(r, name, th) })
		return container.NewGridWrap(fyne.NewSquareSize(side), ch)
	}
	charts := container.NewHBox(chart(c.Before, "as the model gives them"))
	if len(c.After.Bins) > 0 {
		charts.Add(chart(c.After, fmt.Sprintf("with its temperature T = %.2f", c.Temperature)))
	}
	// The card's subtitle does not wrap: short, the rest below.
	sub := fmt.Sprintf("ECE %.3f without the temperature, %.3f with it", c.Before.ECE, c.After.ECE)
	fit := widget.NewLabel(fmt.Sprintf("Temperature T = %.2f, fitted on %d pictures (%s); both diagrams on the %d %s pictures.",
		c.Temperature, c.FitCount, c.FitOn, c.Before.Count, c.Before.Set))
	fit.Wrapping = fyne.TextWrapWord
	help := widget.NewLabel("Each bar is one band of the top probability: as high as the share of its pictures " +
		"the network got right, its count above it, an orange tick at the band's mean confidence. A bar below the " +
		"dashed diagonal is over-confidence. ECE (expected calibration error): how far, on average over the pictures, " +
		"the stated probability is from how often the network is right. View › Calibrated confidence shows the " +
		"probabilities through the temperature everywhere; the answers stay the same.")
	help.Wrapping = fyne.TextWrapWord
	help.TextStyle.Italic = true
	return widgets.NewSizedBoxW(widget.NewCard(title, sub, container.NewVBox(fit, charts, help)), 2*side+40*s.Zoom())
}
