package compare

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/internal/fynefile"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// setLayers offers n conv layers, the first, middle and last ticked (1, 3
// and 5 for the study's network), unless it offers n already.
func (v *View) setLayers(n int) {
	if len(v.layers) == n {
		return
	}
	old := v.layerBox.Objects
	v.layers = make([]*widget.Check, n)
	objs := []fyne.CanvasObject{old[0]}
	for i := range v.layers {
		v.layers[i] = widget.NewCheck(fmt.Sprint(i+1), func(bool) { v.draw() })
		v.layers[i].Checked = i == 0 || i == (n+1)/2-1 || i == n-1
		objs = append(objs, v.layers[i])
	}
	// The controls after the checks stay.
	v.layerBox.Objects = append(objs, old[len(old)-v.tail:]...)
	v.layerBox.Refresh()
}

// View draws two to four opened pictures side by side, as the
// study's Figures 4-7: their answers, their Grad-CAMs, and the maps of the
// same filters on one colour scale per layer; the figure can be saved.
type View struct {
	h       *host.Host
	content fyne.CanvasObject

	picks   *widget.CheckGroup
	labels  []string // the check group's options, one per opened entry
	byLabel map[string]*host.Picture
	// layerBox holds the controls, wrapped as words: "Layers:", a check
	// per conv layer (an imported network has dozens), and the last tail
	// objects, the filters and Save.
	layerBox *fyne.Container
	tail     int
	layers   []*widget.Check // one per conv layer of the model
	filters  *widget.Entry
	save     *widget.Button
	status   *widget.Label
	figure   *canvas.Image

	// auto is true until the user picks: the first pictures opened are
	// then picked as they come.
	auto bool
	gen  int
	fig  image.Image // the figure shown, for saving
	// methods is the mode "One picture, several methods"
	// (compare_methods.go); modes switches between the two.
	methods *methodsCompare
	modes   *container.AppTabs
}

// Options are what the command line chose for the view.
type Options struct {
	// Method, a list of explain.Methods' names, comma-separated, is the
	// methods ticked in "One picture, several methods"; with Methods, the
	// view starts in that mode.
	Method  string
	Methods bool
}

// New builds the Compare view on h: it follows the pictures opened in the
// Explore view (h.Pictures).
func New(h *host.Host, opts Options) *View {
	v := &View{h: h, byLabel: map[string]*host.Picture{}}
	v.auto = true
	v.picks = widget.NewCheckGroup(nil, func([]string) {
		v.auto = false // the user's picks now stand
		v.draw()
	})
	v.filters = widget.NewEntry()
	v.filters.SetPlaceHolder("most different")
	v.filters.OnSubmitted = func(string) { v.draw() }
	filterBox := widgets.NewSizedBox(v.filters)
	filterBox.Width = 160
	v.save = widget.NewButtonWithIcon("Save figure…", theme.DocumentSaveIcon(), v.saveDialog)
	v.save.Disable()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.status.TextStyle.Italic = true

	head := widget.NewLabelWithStyle("Pictures (2 to 4)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewBorder(head, nil, nil, nil, container.NewVScroll(v.picks))
	controls := container.New(&widgets.FlowLayout{OnResize: v.relayout}, widget.NewLabel("Layers:"),
		container.NewHBox(widget.NewLabel("Filters:"), filterBox),
		v.save)
	v.layerBox, v.tail = controls, 2
	if h.Model() != nil {
		v.setLayers(len(h.Model().ConvLayers()))
	}
	v.figure = canvas.NewImageFromImage(nil)
	v.figure.FillMode = canvas.ImageFillContain
	// The figure is fitted to the view; Save figure… writes it at full size.
	right := container.NewBorder(container.NewVBox(controls, v.status), nil, nil, nil, v.figure)
	split := container.NewHSplit(left, right)
	split.Offset = 0.18
	v.methods = newMethodsCompare(h, opts.Method)
	v.modes = container.NewAppTabs(container.NewTabItem("Pictures side by side", split),
		container.NewTabItem("One picture, several methods", v.methods.content))
	v.modes.OnSelected = func(*container.TabItem) { v.Shown() }
	if opts.Methods && opts.Method != "" {
		v.modes.SelectIndex(1) // --method: the methods side by side
	}
	v.content = v.modes
	h.OnModel(func() {
		if h.Model() != nil {
			v.setLayers(len(h.Model().ConvLayers()))
		}
		v.draw()
	})
	h.OnPictures(v.opened)
	return v
}

// opened follows Explore's list while the view is showing.
func (v *View) opened() {
	if v.h.Showing("compare") {
		v.Shown()
	}
}

// relayout refreshes the view after its controls' flow changed height.
// Only while it shows: a hidden tab's flow is laid out at alternating
// widths, and refreshing it each time kept the UI goroutine busy in a
// loop (a core's worth of CPU on every other tab, idle or not).
func (v *View) relayout() {
	v.h.Later(func() {
		if v.content.Visible() {
			v.content.Refresh()
		}
	})
}

// Content is the view.
func (v *View) Content() fyne.CanvasObject { return v.content }

// Shown is called when the Compare tab is selected: the list follows the
// opened pictures, and the first ones are picked when none is.
func (v *View) Shown() {
	if v.modes.SelectedIndex() == 1 {
		v.methods.shown()
		return
	}
	entries := v.h.Pictures()
	v.labels = v.labels[:0]
	clear(v.byLabel)
	used := map[string]int{}
	for _, e := range entries {
		label := e.Name
		if n := used[e.Name]; n > 0 {
			label = fmt.Sprintf("%s (%d)", e.Name, n+1)
		}
		used[e.Name]++
		v.labels = append(v.labels, label)
		v.byLabel[label] = e
	}
	var keep []string
	for _, l := range v.picks.Selected {
		if v.byLabel[l] != nil {
			keep = append(keep, l)
		}
	}
	if v.auto || len(keep) == 0 {
		keep = append(keep[:0], v.labels[:min(3, len(v.labels))]...)
	}
	same := v.fig != nil && strings.Join(keep, "\n") == strings.Join(v.picks.Selected, "\n")
	v.picks.Options = append([]string(nil), v.labels...)
	v.picks.Selected = keep
	v.picks.Refresh()
	if !same {
		v.draw()
	}
}

// chosenFilters parses the filter field for the given layers: nil for
// "most different" (an empty field).
func (v *View) chosenFilters(convs, layers []int) ([]int, error) {
	text := strings.TrimSpace(v.filters.Text)
	if text == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(text, ",") {
		f, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || f < 1 {
			return nil, fmt.Errorf("filters are numbers from 1 separated by commas, such as 1, 6, 8")
		}
		for _, l := range layers {
			if f > convs[l-1] {
				return nil, fmt.Errorf("conv layer %d has only %d filters", l, convs[l-1])
			}
		}
		out = append(out, f-1)
	}
	if len(out) > 8 {
		return nil, fmt.Errorf("at most 8 filters fit the figure")
	}
	return out, nil
}

// compareInput is one picture to compare, read on the UI goroutine.
type compareInput struct {
	e       *host.Picture // for reading its picture again
	name    string
	input   []float32 // for a model taking shape
	shape   engine.Input
	preview image.Image
}

// draw makes the figure in the background; a newer call wins.
func (v *View) draw() {
	v.gen++
	gen := v.gen
	m := v.h.Model()
	var picked []compareInput
	for _, l := range v.picks.Selected {
		if e := v.byLabel[l]; e != nil {
			picked = append(picked, compareInput{e, e.Name, e.Input, e.Shape, e.Preview})
		}
	}
	var layers []int
	for i, c := range v.layers {
		if c.Checked {
			layers = append(layers, i+1)
		}
	}
	fail := func(msg string) {
		v.status.SetText(msg)
		v.figure.Image, v.fig = nil, nil
		v.figure.Refresh()
		v.save.Disable()
	}
	switch {
	case m == nil:
		fail("No model is loaded: open one with File › Open model….")
		return
	case len(v.labels) < plots.CompareMin:
		fail("Open two to four pictures in Explore to compare them here.")
		return
	case len(picked) < plots.CompareMin || len(picked) > plots.CompareMax:
		fail(fmt.Sprintf("Pick two to four pictures on the left (%d picked).", len(picked)))
		return
	case len(layers) == 0:
		fail("Tick one or more layers.")
		return
	}
	filters, err := v.chosenFilters(m.ConvLayers(), layers)
	if err != nil {
		fail(err.Error())
		return
	}
	v.status.SetText("Drawing the comparison…")
	s := v.h
	s.Busy.Add(1)
	out := s.OutputsOf(m)
	go func() {
		fig, chosen, err := compareFigure(m, out, picked, layers, filters)
		s.Do(func() {
			defer s.Busy.Add(-1)
			if gen != v.gen {
				return
			}
			if err != nil {
				fail("The comparison could not be drawn: " + err.Error())
				return
			}
			v.fig = fig
			v.figure.Image = fig
			v.figure.Refresh()
			v.save.Enable()
			how := "the filters whose mean activation differs most between these pictures"
			if filters != nil {
				how = "the chosen filters"
			}
			v.status.SetText(fmt.Sprintf("Grad-CAM of each picture's answer at conv layer 5, and %s (%s). Maps of one layer share one colour scale.", how, chosen))
		})
	}()
}

// compareFigure runs each picture through m and draws the comparison, the
// answers written as out says. It runs off the UI goroutine.
func compareFigure(m *engine.Model, out host.Outputs, picked []compareInput, layers, filters []int) (image.Image, string, error) {
	items := make([]plots.CompareItem, len(picked))
	in := m.Input()
	for i, p := range picked {
		var err error
		pic := p.preview
		if pic == nil {
			if pic, err = host.LoadPreview(p.e); err != nil {
				pic = picture.FromInputShape(p.input, p.shape.Channels, p.shape.Width, p.shape.Height)
			}
		}
		input := p.input
		if p.shape != in { // read for another model: make this one's input
			input = picture.ToInputShape(pic, in.Channels, in.Width, in.Height)
		}
		pred, err := m.Predict(input)
		if err != nil {
			return nil, "", err
		}
		cam, err := explain.GradCAM(m, input, 0, pred.Class)
		if err != nil {
			return nil, "", err
		}
		items[i] = plots.CompareItem{Name: p.name, Picture: pic,
			Answer: out.Answer(m, pred.Probabilities),
			CAM:    cam.Values, CAMWidth: cam.Width, CAMHeight: cam.Height,
			CAMLabel: "why " + host.ClassName(m, pred.Class), Activations: pred.Activations}
	}
	per := make([][]int, len(layers))
	var desc []string
	for i, l := range layers {
		per[i] = filters
		if filters == nil {
			acts := make([]engine.Activation, len(items))
			for j, it := range items {
				acts[j] = it.Activations[l-1]
			}
			f, err := explain.DistinctFilters(acts, 3)
			if err != nil {
				return nil, "", err
			}
			per[i] = f
		}
		nums := make([]string, len(per[i]))
		for j, f := range per[i] {
			nums[j] = fmt.Sprintf("#%d", f+1)
		}
		desc = append(desc, fmt.Sprintf("conv%d %s", l, strings.Join(nums, " ")))
	}
	fig, err := plots.Comparison(items, plots.CompareOptions{Layers: layers, Filters: per, Tile: 180})
	return fig, strings.Join(desc, ", "), err
}

// saveDialog asks where to save the figure as PNG.
func (v *View) saveDialog() {
	if v.fig == nil {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, v.fig); err != nil {
		v.h.ShowError("Could not save the figure", err.Error())
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.h.ShowError("Could not save the figure", err.Error())
			return
		}
		if w == nil {
			return
		}
		_, werr := w.Write(buf.Bytes())
		werr = fynefile.Finish(w, werr)
		if werr != nil {
			v.h.ShowError("Could not save the figure", werr.Error())
			return
		}
		v.h.Notice.Post(host.NoticeInfo, "Saved the comparison as "+w.URI().Name()+".")
	}, v.h.Window())
	d.SetFileName("comparison.png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	v.h.ShowFileDialog(d)
}
