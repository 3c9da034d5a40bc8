package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/assets"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/ui/attention"
	"github.com/artlens/artlens/ui/compare"
	"github.com/artlens/artlens/ui/confusion"
	explainview "github.com/artlens/artlens/ui/explain"
	"github.com/artlens/artlens/ui/explore"
	"github.com/artlens/artlens/ui/history"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/modelview"
	"github.com/artlens/artlens/ui/train"
	"github.com/artlens/artlens/weights"
)

// modelExtension is the extension of weights files; onnxExtension that of
// ONNX models, imported when opened (with generic class names).
const (
	modelExtension = host.ModelExtension
	onnxExtension  = host.ONNXExtension
)

// isModelFile says whether path names a model rather than a picture.
func isModelFile(path string) bool { return host.IsModelFile(path) }

// loadModelFile reads a weights file, or imports an ONNX model.
func loadModelFile(path string) (*engine.Model, error) {
	if strings.EqualFold(filepath.Ext(path), onnxExtension) {
		return importer.ImportFile(path, importer.Options{})
	}
	return engine.LoadFile(path)
}

// screen is one view of the window, as Fyne's demo lists its screens: the
// name Options.View takes, the tab's title and icon, and the function that
// builds the view on the shell's host. A new view is a package with a
// function taking the host (*host.Host) and one row here.
type screen struct {
	name, title string
	icon        func() fyne.Resource
	build       func(s *shell) fyne.CanvasObject
}

// screens are the window's views, in tab order.
var screens = []screen{
	{"explore", "Explore", theme.SearchIcon, func(s *shell) fyne.CanvasObject {
		s.explore = explore.New(s.Host, explore.Options{Filters: collectionFilters{s}})
		return s.explore.Content()
	}},
	{"explain", "Explain", theme.QuestionIcon, func(s *shell) fyne.CanvasObject {
		s.explain = explainview.New(s.Host, explainview.Options{Method: s.opts.Method, RunChecks: s.opts.RunChecks})
		return s.explain.Content()
	}},
	{"compare", "Compare", theme.ViewRestoreIcon, func(s *shell) fyne.CanvasObject {
		s.compare = compare.New(s.Host, compare.Options{Method: s.opts.Method, Methods: s.opts.View == "compare"})
		return s.compare.Content()
	}},
	{"collection", "Collection", theme.ListIcon, func(s *shell) fyne.CanvasObject {
		s.collection = newCollectionTab(s)
		return s.collection.Content()
	}},
	{"history", "History", theme.HistoryIcon, func(s *shell) fyne.CanvasObject { return history.New(s.Host) }},
	{"confusion", "Confusion", theme.GridIcon, func(s *shell) fyne.CanvasObject {
		s.confusion = &confusionView{confusion.New(s.Host, collectionTests{s}, s.opts.DataDir)}
		return s.confusion.Content()
	}},
	{"model", "Model", theme.InfoIcon, func(s *shell) fyne.CanvasObject { return modelview.New(s.Host) }},
	{"train", "Train", theme.MediaPlayIcon, func(s *shell) fyne.CanvasObject { s.train = train.New(s.Host); return s.train.Content() }},
	{"live", "Live", theme.MediaVideoIcon, newLiveTab},
	{"attention", "Attention", theme.VisibilityIcon, func(s *shell) fyne.CanvasObject { s.attention = attention.New(s.Host); return s.attention.Content() }},
}

// buildOrder is the order in which the screens are built: the views that
// others use when they are built (Explore for Explain's second opinion,
// Collection for Confusion) first, and the History and Model views last,
// as before the table, so that the views hear of a new model in the same
// order.
var buildOrder = []string{"explore", "explain", "compare", "collection", "confusion", "train", "history", "model", "live", "attention"}

// buildWindow wires the views into the window: a header with the model and
// the classroom controls, the notice bar, one tab per view (see screens),
// the menus, the keyboard shortcuts and dropped files.
func buildWindow(s *shell) {
	s.header = newHeader(s)
	contents := map[string]fyne.CanvasObject{}
	for _, name := range buildOrder {
		for _, sc := range screens {
			if sc.name == name {
				contents[name] = sc.build(s)
			}
		}
	}
	items := make([]*container.TabItem, len(screens))
	for i, sc := range screens {
		items[i] = container.NewTabItemWithIcon(sc.title, sc.icon(), contents[sc.name])
	}
	s.tabs = container.NewAppTabs(items...)
	s.names = viewNames()
	s.SetViewShower(s.showView)
	s.SetShowing(s.showing)
	s.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Content {
		case s.explain.Content():
			s.explain.Shown()
		case s.compare.Content():
			s.compare.Shown()
		}
		if t.Content != s.live.Content() {
			s.live.Stop()
		}
	}
	s.showView(s.opts.View)
	top := container.NewVBox(s.header.content, s.Notice)
	s.Window().SetContent(container.NewBorder(top, nil, nil, nil, s.tabs))
	s.menu = newMenus(s)
	s.Window().SetMainMenu(s.menu.main)
	addShortcuts(s)
	s.Window().SetOnDropped(s.droppedAt)
	s.OnModel(s.header.refresh)
	s.OnStyle(s.header.refresh, s.menu.refresh)
	s.OnModel(s.menu.refresh)
	s.OnOutput(s.menu.refresh)
}

// showView selects the tab named name (see Views); "" keeps the current.
func (s *shell) showView(name string) {
	for i, v := range s.names {
		if v == name {
			s.tabs.SelectIndex(i)
		}
	}
}

// showing reports whether the view named name is the tab selected.
func (s *shell) showing(name string) bool {
	t := s.tabs
	if t == nil || t.Selected() == nil {
		return false
	}
	for i, v := range s.names {
		if v == name {
			return t.SelectedIndex() == i
		}
	}
	return false
}

// collectionFilters is the Collection view as the Explore view sees it
// (explore.Filters): an enlarged map's "Pictures that excite this filter".
type collectionFilters struct{ s *shell }

func (c collectionFilters) ShowFilter(layer, filter int) {
	c.s.ShowView("collection")
	c.s.collection.showFilter(layer, filter)
}

// droppedAt takes what was dropped at pos: pictures onto a class made in
// the Train view (see train.View.DropAt), else as dropped says.
func (s *shell) droppedAt(pos fyne.Position, uris []fyne.URI) {
	if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.train.Content() && s.train.DropAt(pos, uris) {
		return
	}
	s.dropped(uris)
}

// dropped opens what was dropped onto the window: weights files as the
// model, everything else (images, folders) in the Explore view, or as the
// collection when the Collection view is showing, or as the folder to
// train on when the Train view is, or as the Attention view's picture
// when it is showing.
func (s *shell) dropped(uris []fyne.URI) {
	var images []string
	var model string
	for _, u := range uris {
		if u == nil || u.Scheme() != "file" {
			continue
		}
		p := u.Path()
		if isModelFile(p) {
			model = p
			continue
		}
		images = append(images, p)
	}
	if model != "" {
		s.openModel(model)
	}
	if len(images) == 0 {
		return
	}
	if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.train.Content() {
		s.train.OpenFolder(images[0]) // dropped onto the Train view: the pictures to train on
		return
	}
	if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.collection.Content() {
		s.collection.Open(images) // dropped onto the Collection view: a collection
		return
	}
	if s.tabs.Selected() != nil && s.names[s.tabs.SelectedIndex()] == "attention" {
		s.Show("attention", images[0], nil) // dropped onto the Attention view: its picture
		return
	}
	s.showView("explore")
	s.explore.Open(images)
}

// openModel loads a weights file in the background and makes it the
// current model; a file that cannot be used is reported in a dialog and the
// current model stays.
func (s *shell) openModel(path string) {
	s.Busy.Add(1)
	s.header.setStatus("Loading model " + filepath.Base(path) + "…")
	go func() {
		m, err := loadModelFile(path)
		s.Do(func() {
			defer s.Busy.Add(-1)
			s.header.setStatus("")
			if err != nil {
				s.modelFailed(path, err)
				return
			}
			s.SetModel(m, filepath.Base(path))
		})
	}()
}

// modelFailed reports that the weights file at path could not be opened;
// the current model stays. A file that is gone (moved or deleted, even
// while its model is in use, which ArtLens holds in memory) is said to be
// so in one sentence.
func (s *shell) modelFailed(path string, err error) {
	msg := err.Error()
	if errors.Is(err, fs.ErrNotExist) {
		msg = host.BaseName(path) + ": the file does not exist (it was moved or deleted)."
	}
	current := "ArtLens keeps using the current model (" + s.ModelName() + ")."
	if s.Model() == nil {
		current = "No model is loaded: open another model file."
	}
	s.ShowError("Could not open the model", msg+"\n\n"+current)
}

// useShippedModel switches to the model built into ArtLens under name
// (see weights.Shipped).
func (s *shell) useShippedModel(name string) {
	m, err := weights.Load(name)
	if err != nil {
		s.ShowError("Could not load the shipped model", err.Error())
		return
	}
	s.SetModel(m, name)
}

func (s *shell) openModelDialog() {
	s.PickFile([]string{modelExtension, onnxExtension}, s.modelPickFailed, s.openModel)
}

// modelPickFailed reports a weights file that the file dialog could not
// open.
func (s *shell) modelPickFailed(err error) {
	s.modelFailed(host.PathOf(err), err)
}

// zoomBy steps the zoom up (dir > 0), down (dir < 0) or back to 100 % (0).
func (s *shell) zoomBy(dir int) {
	z := float32(1)
	if dir != 0 {
		z = nextZoom(s.Zoom(), dir)
	}
	if z != s.Zoom() {
		s.setStyle(z, s.ThemeName())
	}
}

// toggleTheme switches between the light and the dark theme.
func (s *shell) toggleTheme() {
	if s.Dark() {
		s.setStyle(s.Zoom(), "light")
	} else {
		s.setStyle(s.Zoom(), "dark")
	}
}

func (s *shell) toggleFullScreen() {
	s.Window().SetFullScreen(!s.Window().FullScreen())
	s.menu.refresh()
	s.header.refresh()
}

func (s *shell) showAbout() {
	icon := widget.NewIcon(assets.IconResource())
	iconBox := container.NewGridWrap(fyne.NewSquareSize(96*s.Zoom()), icon)
	version := s.opts.Version
	if version == "" {
		version = "dev"
	}
	title := widget.NewLabelWithStyle("ArtLens "+version, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	text := widget.NewLabel("Shows what a convolutional network for art images sees: the picture at the " +
		"network's 64×64 pixels, its guess among the classes, and the feature maps of its five " +
		"convolution layers.\n\nModel in use: " + s.ModelName() + ".")
	text.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(nil, nil, container.NewVBox(iconBox), nil, container.NewVBox(title, text))
	d := dialog.NewCustom("About ArtLens", "Close", content, s.Window())
	d.Resize(fyne.NewSize(520*s.Zoom(), 0))
	d.Show()
}

func (s *shell) showHelp() {
	text := widget.NewRichTextFromMarkdown(helpText)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Reading the feature maps", "Close", container.NewVScroll(text), s.Window())
	d.Resize(fyne.NewSize(min(640*s.Zoom(), s.Window().Canvas().Size().Width*0.9), min(420*s.Zoom(), s.Window().Canvas().Size().Height*0.9)))
	d.Show()
}

const helpText = `**What the network sees.** The network never sees your picture as you do: it is squeezed
to 64×64 pixels (the aspect ratio is not kept). The pixelated square is exactly its input.

**Feature maps.** Each convolution layer applies a set of small filters (3×3 pixels) to
what the layer before it produced. Each square in a layer's grid is the output of one filter
for this picture: bright (yellow) where the filter responds strongly, dark where it does
not respond. Layer 1 responds to edges and colours; deeper layers, with smaller maps, respond
to combinations of them.

**Colours.** "Each map" stretches every map from its own lowest to its own highest value,
so every filter's pattern is visible; "whole layer" uses one scale for the layer, so strong
and weak filters can be compared. Click a map to see it large with its values.

**The answer.** The bars give the probability of each class; the longest is the guess.

**Why this answer (Explain).** Grad-CAM lights up where the evidence for a class lies, as a
conv layer sees it: the layer's filters are weighed by how much each raises that class's
score. Occlusion hides one patch of the picture at a time and shows how much the class's
probability drops. Pick any class ("why painting?" as well as "why drawings?"). The
"What if…" pictures ask whether colour, orientation, fine detail or the whole composition
decides the answer.

**Compare.** Two to four pictures side by side: their answers, their Grad-CAMs and the
same filters' maps on one colour scale per layer; *Save figure…* writes it as PNG.`

// header is the bar above the tabs: the model in use, a status, and the
// classroom controls (smaller, larger, theme, full screen).
type header struct {
	s       *shell
	content fyne.CanvasObject
	model   *widget.Label
	status  *widget.Label
	zoom    *widget.Label
	theme   *widget.Button
	full    *widget.Button
}

func newHeader(s *shell) *header {
	h := &header{s: s, model: widget.NewLabel(""), status: widget.NewLabel(""), zoom: widget.NewLabel("")}
	h.model.Truncation = fyne.TextTruncateEllipsis
	h.status.Importance = widget.MediumImportance
	name := widget.NewLabelWithStyle("ArtLens", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	smaller := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { s.zoomBy(-1) })
	larger := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { s.zoomBy(1) })
	h.theme = widget.NewButtonWithIcon("", theme.ColorAchromaticIcon(), s.toggleTheme)
	h.full = widget.NewButtonWithIcon("Full screen", theme.ViewFullScreenIcon(), s.toggleFullScreen)
	for _, b := range []*widget.Button{smaller, larger, h.theme, h.full} {
		b.Importance = widget.LowImportance
	}
	controls := container.NewHBox(h.status, smaller, h.zoom, larger, h.theme, h.full)
	h.content = container.NewBorder(nil, nil, name, controls, h.model)
	h.refresh()
	return h
}

func (h *header) refresh() {
	s := h.s
	if s.Model() == nil {
		h.model.SetText("No model loaded")
	} else {
		text := "Model: " + s.ModelName() + " · classes: " + strings.Join(s.Model().Meta.Classes, ", ")
		if t := s.Model().Meta.Test; t != nil && t.Total > 0 {
			text += fmt.Sprintf(" · test accuracy %.1f%%", 100*t.Accuracy)
		}
		h.model.SetText(text)
	}
	h.zoom.SetText(fmt.Sprintf("%d%%", int(s.Zoom()*100+0.5)))
	if s.Dark() {
		h.theme.SetText("Light")
	} else {
		h.theme.SetText("Dark")
	}
	if s.Window().FullScreen() {
		h.full.SetText("Leave full screen")
		h.full.SetIcon(theme.ViewRestoreIcon())
	} else {
		h.full.SetText("Full screen")
		h.full.SetIcon(theme.ViewFullScreenIcon())
	}
}

// setStatus shows a short message of work in progress ("" hides it).
func (h *header) setStatus(text string) {
	h.status.SetText(text)
}

// menus is the window's main menu, with the items whose check marks follow
// the state.
type menus struct {
	s           *shell
	main        *fyne.MainMenu
	light, dark *fyne.MenuItem
	full        *fyne.MenuItem
	calibrated  *fyne.MenuItem // "Calibrated confidence", disabled without a temperature
}

func newMenus(s *shell) *menus {
	m := &menus{s: s}
	item := func(label string, f func(), sc fyne.Shortcut) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		return it
	}
	file := fyne.NewMenu("File",
		item("Open image…", s.explore.OpenImageDialog, scOpen),
		item("Open folder…", s.explore.OpenFolderDialog, scOpenFolder),
		item("Open collection…", func() { s.showView("collection"); s.collection.OpenDialog() }, scOpenCollection),
		fyne.NewMenuItem("Open catalogue…", func() {
			s.showView("collection")
			s.collection.OpenCatalogueDialog()
		}),
		examplesMenuItem(s),
		fyne.NewMenuItemSeparator(),
		item("Open model…", s.openModelDialog, scOpenModel),
	)
	// One item per shipped model, which switches to it.
	for _, e := range weights.Shipped {
		file.Items = append(file.Items, fyne.NewMenuItem("Use the shipped model: "+e.Name, func() { s.useShippedModel(e.Name) }))
	}
	file.Items = append(append(file.Items, fyne.NewMenuItemSeparator()), secondMenuItems(s)...)
	views := []*fyne.MenuItem{}
	for i, sc := range screens {
		name := sc.name
		var key fyne.Shortcut // Ctrl+1 to Ctrl+8 for the first eight views
		if i < len(scViews) {
			key = scViews[i]
		}
		views = append(views, item(sc.title, func() { s.showView(name) }, key))
	}
	m.light = fyne.NewMenuItem("Light theme", func() { s.setStyle(s.Zoom(), "light") })
	m.dark = fyne.NewMenuItem("Dark theme", func() { s.setStyle(s.Zoom(), "dark") })
	m.full = fyne.NewMenuItem("Full screen (F11)", s.toggleFullScreen)
	m.calibrated = fyne.NewMenuItem("Calibrated confidence", func() { s.SetCalibrated(!s.Calibrated()) })
	viewItems := append(views, fyne.NewMenuItemSeparator(),
		item("Larger", func() { s.zoomBy(1) }, scLarger),
		item("Smaller", func() { s.zoomBy(-1) }, scSmaller),
		item("Normal size", func() { s.zoomBy(0) }, scNormal),
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem("What the network takes for each class", func() { explore.ShowLookForClasses(s.Host) }),
		fyne.NewMenuItemSeparator(), m.calibrated,
		fyne.NewMenuItemSeparator(), m.light, m.dark,
		fyne.NewMenuItemSeparator(), m.full)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Reading the feature maps", s.showHelp),
		fyne.NewMenuItem("About ArtLens", s.showAbout))
	m.main = fyne.NewMainMenu(file, fyne.NewMenu("View", viewItems...), help)
	m.refresh()
	return m
}

func (m *menus) refresh() {
	dark := m.s.Dark()
	m.light.Checked, m.dark.Checked = !dark, dark
	m.full.Checked = m.s.Window().FullScreen()
	// A model without a temperature (or a sigmoid's) cannot be calibrated:
	// the item is disabled and Explore's line says why.
	_, err := host.CalibrationTemperature(m.s.Model())
	m.calibrated.Disabled = err != nil
	m.calibrated.Checked = m.s.Calibrated() && err == nil
	m.main.Refresh()
}

// Keyboard shortcuts; the menus show them.
var (
	mod          = fyne.KeyModifierShortcutDefault
	scOpen       = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: mod}
	scOpenFolder = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: mod | fyne.KeyModifierShift}
	scOpenModel  = &desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: mod}
	// scOpenCollection opens a folder tree as a collection (L for library).
	scOpenCollection = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: mod}
	scLarger         = &desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: mod}
	scSmaller        = &desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: mod}
	scNormal         = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: mod}
	scViews          = []fyne.Shortcut{
		&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key5, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key6, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key7, Modifier: mod},
		&desktop.CustomShortcut{KeyName: fyne.Key8, Modifier: mod},
	}
)

func addShortcuts(s *shell) {
	c := s.Window().Canvas()
	on := func(sc fyne.Shortcut, f func()) { c.AddShortcut(sc, func(fyne.Shortcut) { f() }) }
	on(scOpen, s.explore.OpenImageDialog)
	on(scOpenFolder, s.explore.OpenFolderDialog)
	on(scOpenModel, s.openModelDialog)
	on(scOpenCollection, func() { s.showView("collection"); s.collection.OpenDialog() })
	on(scLarger, func() { s.zoomBy(1) })
	// Ctrl+Shift+= is Ctrl++ on most keyboards.
	on(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: mod | fyne.KeyModifierShift}, func() { s.zoomBy(1) })
	on(scSmaller, func() { s.zoomBy(-1) })
	on(scNormal, func() { s.zoomBy(0) })
	for i, v := range Views[:min(len(Views), len(scViews))] {
		name := v
		on(scViews[i], func() { s.showView(name) })
	}
	// Keys without a modifier arrive here when no widget has the focus:
	// F11 and Escape for full screen, and the keys of a presenter's clicker
	// (Page Up/Down) or the arrows to step through the opened images.
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		// Space pauses the Live view while it is shown.
		if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.live.Content() && s.live.Key(ev.Name) {
			return
		}
		switch ev.Name {
		case fyne.KeyF11:
			s.toggleFullScreen()
		case fyne.KeyEscape:
			if s.Window().FullScreen() {
				s.toggleFullScreen()
			}
		case fyne.KeyPageDown, fyne.KeyDown, fyne.KeyRight:
			s.explore.Step(1)
		case fyne.KeyPageUp, fyne.KeyUp, fyne.KeyLeft:
			s.explore.Step(-1)
		}
	})
}
