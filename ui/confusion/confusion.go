package confusion

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
	ShowPercent = "percent of all test images"
	ShowCounts  = "image counts"
)

// PrefDataDir is the preference that remembers the data set's test
// folder (validation_set) chosen in the Confusion tab.
const PrefDataDir = "dataSetTestFolder"

// TestSet is what the view asks of the Collection view, where a cell's
// pictures are listed: the data set's test set, opened there.
type TestSet interface {
	// IsOpen reports whether the collection open (or being analysed) is
	// the test set.
	IsOpen() bool
	// ShowCell lists the open test set's pictures of true class truth
	// that the model took for pred.
	ShowCell(truth, pred string)
	// Open analyses the test set in dir with the loaded model and lists
	// the cell (truth, pred) once it is done.
	Open(dir, truth, pred string)
	// Agreement says how the test set's answers compare with m's stored
	// matrix; ok is false unless the test set is open and analysed with m.
	Agreement(m *engine.Model) (a Agreement, ok bool)
}

// Agreement is how the loaded model's answers on the open test set compare
// with the matrix stored in its file.
type Agreement struct {
	Root      string  // the test set's folder
	Complete  bool    // every picture is analysed; the figures below are set only then
	Total     int     // pictures with a class
	Accuracy  float64 // the share answered right
	Differing int     // cells whose counts differ from the stored matrix
}

// View shows the confusion matrix of the model's test evaluation as a heat
// map (the study's Figure 3), in percent or counts. A click on a cell
// lists that cell's test pictures in the Collection view, analysed with
// the loaded model; the data set's folder is asked for once and
// remembered. Its methods are called on the UI goroutine.
type View struct {
	s       *host.Host
	tests   TestSet
	dataDir string // the data set's folder given at the start ("" none)
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

// New builds the Confusion view on the host s; a cell's pictures are
// listed in tests, from the data set's folder dataDir (the --data given at
// the start) or the one remembered in the preferences (PrefDataDir).
func New(s *host.Host, tests TestSet, dataDir string) *View {
	v := &View{s: s, tests: tests, dataDir: dataDir}
	c := widgets.NewChart(s, 1.2)
	v.chart = c
	save := widget.NewButtonWithIcon("Save PNG…", theme.DocumentSaveIcon(), func() { widgets.SaveChart(s, c.Build(), "confusion.png", 1200, 1000) })
	mode := widget.NewRadioGroup([]string{ShowPercent, ShowCounts}, nil)
	mode.Horizontal = true
	mode.Required = true
	mode.Selected = ShowPercent
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
		percent := mode.Selected != ShowCounts
		c.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.Confusion(ev, percent, th) })
		c.Show()
		save.Enable()
		missing.Hide()
	}
	mode.OnChanged = func(string) { update() }
	update()
	s.OnModel(update, v.RefreshNote)
	s.OnStyle(c.Invalidate)
	top := container.NewVBox(container.NewHBox(widget.NewLabel("Show:"), mode, layout.NewSpacer(), save), explain, v.note, v.ask)
	v.content = container.NewBorder(top, nil, nil, nil, container.NewStack(widgets.NewTapArea(c, v.tapped), container.NewCenter(missing)))
	return v
}

// Content is the view, for the window's tab.
func (v *View) Content() fyne.CanvasObject { return v.content }

// tapped finds the cell under pos and lists its pictures.
func (v *View) tapped(pos fyne.Position) {
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
	p, err := plots.Confusion(ev, v.mode.Selected != ShowCounts, plots.Light)
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
func (v *View) cellClicked(truth, pred string) {
	if v.tests.IsOpen() {
		v.tests.ShowCell(truth, pred)
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
		v.tests.Open(dir, truth, pred)
	}
}

// testDir is the data set's test folder: the one given at the start, or
// the one chosen last time; "" when none is known.
func (v *View) testDir() (string, error) {
	dir := v.dataDir
	if dir == "" {
		dir = v.s.Prefs.String(PrefDataDir)
	}
	if dir == "" {
		return "", nil
	}
	return dataset.TestDir(dir)
}

// askFor shows why the cell's pictures cannot be listed yet and offers to
// choose the data set's folder; the cell is listed once it is chosen.
func (v *View) askFor(truth, pred, reason string) {
	v.pending = []string{truth, pred}
	v.askLabel.SetText(reason + fmt.Sprintf("To list the test pictures of true %s predicted as %s, ArtLens analyses the data set's test set "+
		"(validation_set of the Art Images download, which does not come with ArtLens) with the loaded model. "+
		"Choose the data set's folder: it is remembered, and the next click lists a cell at once.", truth, pred))
	v.ask.Show()
}

// chooseFolder asks for the data set's folder.
func (v *View) chooseFolder() {
	v.s.PickFolder(v.UseFolder)
}

// UseFolder makes dir (the data set's folder or its validation_set) the
// test set's folder, remembered in the preferences, and lists the cell
// that was clicked; a folder without validation_set is refused. It is
// what choosing the folder in the view's dialog does.
func (v *View) UseFolder(dir string) {
	test, err := dataset.TestDir(dir)
	if err != nil {
		v.askLabel.SetText("That folder cannot be used: " + err.Error() + ".")
		v.ask.Show()
		return
	}
	if err := v.s.Prefs.SetString(PrefDataDir, test); err != nil {
		v.s.Notice.Post(host.NoticeError, "The data set's folder could not be remembered: "+err.Error())
	}
	v.ask.Hide()
	if p := v.pending; p != nil {
		v.pending = nil
		v.tests.Open(test, p[0], p[1])
	}
}

// RefreshNote says, once the test set is open in the Collection view,
// whether the loaded model's answers there agree with this matrix; the
// Collection view calls it when its answers change.
func (v *View) RefreshNote() {
	m := v.s.Model()
	if m == nil || m.Meta.Test == nil {
		v.note.Hide()
		return
	}
	a, ok := v.tests.Agreement(m)
	if !ok {
		v.note.Hide()
		return
	}
	where := "“" + a.Root + "”"
	switch {
	case !a.Complete:
		v.note.SetText("A click on a cell lists its pictures from " + where + " in the Collection view, as far as they are analysed with the loaded model.")
	case a.Differing == 0:
		v.note.SetText(fmt.Sprintf("A click on a cell lists its pictures from %s in the Collection view: the loaded model's answers on these %s test pictures agree with this matrix.",
			where, engine.Thousands(a.Total)))
	default:
		v.note.SetText(fmt.Sprintf("The loaded model's answers on the %s test pictures in %s (%.1f%% right) differ from this matrix in %s: "+
			"the loaded model or this copy of the data set is not the one it was measured with. A click on a cell lists the pictures the loaded model puts there.",
			engine.Thousands(a.Total), where, 100*a.Accuracy, widgets.CountNoun(a.Differing, "cell")))
	}
	v.note.Show()
}
