package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// Choices of the confusion view.
const (
	showPercent = "percent of all test images"
	showCounts  = "image counts"
)

// prefDataDir is the preference that remembers the data set's test
// folder (validation_set) chosen in the Confusion tab.
const prefDataDir = "dataSetTestFolder"

// confusionView shows the confusion matrix of the model's test evaluation
// as a heat map (the study's Figure 3), in percent or counts. A click on a
// cell lists that cell's test pictures in the Collection view, analysed
// with the loaded model; the data set's folder is asked for once and
// remembered.
type confusionView struct {
	s       *shell
	content fyne.CanvasObject
	chart   *widgets.Chart
	mode    *widget.RadioGroup
	// note says where a cell's pictures come from and whether the loaded
	// model's answers on them agree with the matrix.
	note *widget.Label
	// ask asks for the data set's folder when a cell was clicked without it.
	ask      *fyne.Container
	askLabel *widget.Label
	// pending is the cell (true, predicted class names) clicked while the
	// folder was asked for.
	pending []string
}

func newConfusionView(s *shell) *confusionView {
	v := &confusionView{s: s}
	c := widgets.NewChart(s.Host, 1.2)
	v.chart = c
	save := widget.NewButtonWithIcon("Save PNG…", theme.DocumentSaveIcon(), func() { widgets.SaveChart(s.Host, c.Build(), "confusion.png", 1200, 1000) })
	mode := widget.NewRadioGroup([]string{showPercent, showCounts}, nil)
	mode.Horizontal = true
	mode.Required = true
	mode.Selected = showPercent
	v.mode = mode
	explain := widget.NewLabel("Rows are the true class of the test images, columns the network's answer; " +
		"the diagonal holds the right answers. Click a cell to list its pictures.")
	explain.Wrapping = fyne.TextWrapWord
	explain.TextStyle.Italic = true
	v.note = widget.NewLabel("")
	v.note.Wrapping = fyne.TextWrapWord
	v.note.Hide()
	v.askLabel = widget.NewLabel("")
	v.askLabel.Wrapping = fyne.TextWrapWord
	choose := widget.NewButtonWithIcon("Choose the data set's folder…", theme.FolderOpenIcon(), v.chooseFolder)
	choose.Importance = widget.HighImportance
	v.ask = container.NewBorder(nil, nil, nil, container.NewCenter(choose), v.askLabel)
	v.ask.Hide()
	missing := widget.NewLabel("")
	missing.Alignment = fyne.TextAlignCenter
	update := func() {
		m := s.Model()
		if m == nil || m.Meta.Test == nil {
			c.SetPlot(nil)
			c.Hide()
			save.Disable()
			if m == nil {
				missing.SetText("No model is loaded.")
			} else {
				missing.SetText("Test results: not in this file. The file of the " + s.ModelName() + " holds no test evaluation;\n'artlens eval --model FILE --data DIR --save' measures one and writes it into the file.")
			}
			missing.Show()
			return
		}
		ev := *m.Meta.Test
		percent := mode.Selected != showCounts
		c.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.Confusion(ev, percent, th) })
		c.Show()
		save.Enable()
		missing.Hide()
	}
	mode.OnChanged = func(string) { update() }
	update()
	s.OnModel(update, v.refreshNote)
	s.OnStyle(c.Invalidate)
	top := container.NewVBox(container.NewHBox(widget.NewLabel("Show:"), mode, layout.NewSpacer(), save), explain, v.note, v.ask)
	v.content = container.NewBorder(top, nil, nil, nil, container.NewStack(newTapArea(c, v.tapped), container.NewCenter(missing)))
	return v
}

// tapped finds the cell under pos and lists its pictures.
func (v *confusionView) tapped(pos fyne.Position) {
	m := v.s.Model()
	c := v.chart
	if m == nil || m.Meta.Test == nil || c.Image().Image == nil || !c.Visible() {
		return
	}
	img := c.Image()
	local := pos.Subtract(img.Position())
	size := img.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	ev := *m.Meta.Test
	p, err := plots.Confusion(ev, v.mode.Selected != showCounts, plots.Light)
	if err != nil {
		return
	}
	px := c.Drawn().Px
	truth, pred, ok := plots.ConfusionCell(p, len(ev.Classes), px.X, px.Y, c.Drawn().DPI,
		float64(local.X/size.Width)*float64(px.X), float64(local.Y/size.Height)*float64(px.Y))
	if ok {
		v.cellClicked(ev.Classes[truth], ev.Classes[pred])
	}
}

// cellClicked lists the test pictures of true class truth predicted as
// pred: in the open collection when it is the test set, else from the
// data set's folder when it is known, else it asks for that folder.
func (v *confusionView) cellClicked(truth, pred string) {
	col := v.s.collection
	if col.isOpenTestSet() {
		col.showTestCell(truth, pred)
		return
	}
	dir, err := v.testDir()
	switch {
	case err != nil:
		v.askFor(truth, pred, "The data set's folder remembered from last time cannot be used: "+err.Error()+". ")
	case dir == "":
		v.askFor(truth, pred, "")
	default:
		v.ask.Hide()
		col.openTestSet(dir, truth, pred)
	}
}

// testDir is the data set's test folder: the one given at the start, or
// the one chosen last time; "" when none is known.
func (v *confusionView) testDir() (string, error) {
	dir := v.s.opts.DataDir
	if dir == "" {
		dir = v.s.Prefs.String(prefDataDir)
	}
	if dir == "" {
		return "", nil
	}
	return dataset.TestDir(dir)
}

// askFor shows why the cell's pictures cannot be listed yet and offers to
// choose the data set's folder; the cell is listed once it is chosen.
func (v *confusionView) askFor(truth, pred, reason string) {
	v.pending = []string{truth, pred}
	v.askLabel.SetText(reason + fmt.Sprintf("To list the test pictures of true %s predicted as %s, ArtLens analyses the data set's test set "+
		"(validation_set of the Art Images download, which does not come with ArtLens) with the loaded model. "+
		"Choose the data set's folder: it is remembered, and the next click lists a cell at once.", truth, pred))
	v.ask.Show()
}

// chooseFolder asks for the data set's folder.
func (v *confusionView) chooseFolder() {
	v.s.PickFolder(v.useFolder)
}

// useFolder makes dir (the data set's folder or its validation_set) the
// test set's folder, remembered in the preferences, and lists the cell
// that was clicked; a folder without validation_set is refused.
func (v *confusionView) useFolder(dir string) {
	test, err := dataset.TestDir(dir)
	if err != nil {
		v.askLabel.SetText("That folder cannot be used: " + err.Error() + ".")
		v.ask.Show()
		return
	}
	if err := v.s.Prefs.SetString(prefDataDir, test); err != nil {
		v.s.Notice.Post(host.NoticeError, "The data set's folder could not be remembered: "+err.Error())
	}
	v.ask.Hide()
	if p := v.pending; p != nil {
		v.pending = nil
		v.s.collection.openTestSet(test, p[0], p[1])
	}
}

// refreshNote says, once the test set is open in the Collection view,
// whether the loaded model's answers there agree with this matrix.
func (v *confusionView) refreshNote() {
	col := v.s.collection
	m := v.s.Model()
	if !col.isOpenTestSet() || m == nil || m.Meta.Test == nil || col.cells == nil || col.model != m {
		v.note.Hide()
		return
	}
	where := "“" + col.roots[0] + "”"
	switch {
	case !col.complete:
		v.note.SetText("A click on a cell lists its pictures from " + where + " in the Collection view, as far as they are analysed with the loaded model.")
	case col.cellsDiffering() == 0:
		v.note.SetText(fmt.Sprintf("A click on a cell lists its pictures from %s in the Collection view: the loaded model's answers on these %s test pictures agree with this matrix.",
			where, engine.Thousands(col.ev.Total)))
	default:
		v.note.SetText(fmt.Sprintf("The loaded model's answers on the %s test pictures in %s (%.1f%% right) differ from this matrix in %s: "+
			"the loaded model or this copy of the data set is not the one it was measured with. A click on a cell lists the pictures the loaded model puts there.",
			engine.Thousands(col.ev.Total), where, 100*col.ev.Accuracy, widgets.CountNoun(col.cellsDiffering(), "cell")))
	}
	v.note.Show()
}
