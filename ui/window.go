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
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/assets"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/weights"
)

// imageExtensions are offered by the image file dialog. Files are sniffed
// by content, so this is only the dialog's filter.
var imageExtensions = []string{".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}

// modelExtension is the extension of weights files; onnxExtension that of
// ONNX models, imported when opened (with generic class names).
const (
	modelExtension = ".safetensors"
	onnxExtension  = ".onnx"
)

// isModelFile says whether path names a model rather than a picture.
func isModelFile(path string) bool {
	ext := filepath.Ext(path)
	return strings.EqualFold(ext, modelExtension) || strings.EqualFold(ext, onnxExtension)
}

// loadModelFile reads a weights file, or imports an ONNX model.
func loadModelFile(path string) (*engine.Model, error) {
	if strings.EqualFold(filepath.Ext(path), onnxExtension) {
		return importer.ImportFile(path, importer.Options{})
	}
	return engine.LoadFile(path)
}

// buildWindow wires the views into the window: a header with the model and
// the classroom controls, the notice bar, one tab per view, the menus, the
// keyboard shortcuts and dropped files.
func buildWindow(s *shell) {
	s.notice = newNoticeBar(func(text string) { s.showText("Details", text) })
	s.header = newHeader(s)
	s.explore = newExploreView(s)
	s.explain = newExplainView(s)
	s.compare = newCompareView(s)
	s.collection = newCollectionView(s)
	s.confusion = newConfusionView(s)
	s.train = newTrainView(s)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Explore", theme.SearchIcon(), s.explore.content),
		container.NewTabItemWithIcon("Explain", theme.QuestionIcon(), s.explain.content),
		container.NewTabItemWithIcon("Compare", theme.ViewRestoreIcon(), s.compare.content),
		container.NewTabItemWithIcon("Collection", theme.ListIcon(), s.collection.content),
		container.NewTabItemWithIcon("History", theme.HistoryIcon(), newHistoryView(s)),
		container.NewTabItemWithIcon("Confusion", theme.GridIcon(), s.confusion.content),
		container.NewTabItemWithIcon("Model", theme.InfoIcon(), newModelView(s)),
		container.NewTabItemWithIcon("Train", theme.MediaPlayIcon(), s.train.content),
	)
	s.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Content {
		case s.explain.content:
			s.explain.shown()
		case s.compare.content:
			s.compare.shown()
		}
	}
	s.showView(s.opts.View)
	top := container.NewVBox(s.header.content, s.notice)
	s.win.SetContent(container.NewBorder(top, nil, nil, nil, s.tabs))
	s.menu = newMenus(s)
	s.win.SetMainMenu(s.menu.main)
	addShortcuts(s)
	s.win.SetOnDropped(s.droppedAt)
	s.onModel = append(s.onModel, s.header.refresh)
	s.onStyle = append(s.onStyle, s.header.refresh, s.menu.refresh)
}

// showView selects the tab named name (see Views); "" keeps the current.
func (s *shell) showView(name string) {
	for i, v := range Views {
		if v == name {
			s.tabs.SelectIndex(i)
		}
	}
}

// droppedAt takes what was dropped at pos: pictures onto a class made in
// the Train view (see classEditor.drop), else as dropped says.
func (s *shell) droppedAt(pos fyne.Position, uris []fyne.URI) {
	if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.train.content {
		var paths []string
		for _, u := range uris {
			if u != nil && u.Scheme() == "file" && !isModelFile(u.Path()) {
				paths = append(paths, u.Path())
			}
		}
		if len(paths) == len(uris) && s.train.classes.drop(pos, paths) {
			return
		}
	}
	s.dropped(uris)
}

// dropped opens what was dropped onto the window: weights files as the
// model, everything else (images, folders) in the Explore view, or as the
// collection when the Collection view is showing, or as the folder to
// train on when the Train view is.
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
	if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.train.content {
		s.train.openFolder(images[0]) // dropped onto the Train view: the pictures to train on
		return
	}
	if s.tabs.Selected() != nil && s.tabs.Selected().Content == s.collection.content {
		s.collection.open(images) // dropped onto the Collection view: a collection
		return
	}
	s.showView("explore")
	s.explore.open(images)
}

// openModel loads a weights file in the background and makes it the
// current model; a file that cannot be used is reported in a dialog and the
// current model stays.
func (s *shell) openModel(path string) {
	s.busy.Add(1)
	s.header.setStatus("Loading model " + filepath.Base(path) + "…")
	go func() {
		m, err := loadModelFile(path)
		s.do(func() {
			defer s.busy.Add(-1)
			s.header.setStatus("")
			if err != nil {
				s.modelFailed(path, err)
				return
			}
			s.setModel(m, filepath.Base(path))
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
		msg = baseName(path) + ": the file does not exist (it was moved or deleted)."
	}
	current := "ArtLens keeps using the current model (" + s.modelName + ")."
	if s.model == nil {
		current = "No model is loaded: open another model file."
	}
	s.showError("Could not open the model", msg+"\n\n"+current)
}

// useShippedModel switches to the model built into ArtLens under name
// (see weights.Shipped).
func (s *shell) useShippedModel(name string) {
	m, err := weights.Load(name)
	if err != nil {
		s.showError("Could not load the shipped model", err.Error())
		return
	}
	s.setModel(m, name)
}

// dialogSize is the size of file dialogs: most of the window.
func (s *shell) dialogSize() fyne.Size {
	c := s.win.Canvas().Size()
	return fyne.NewSize(max(640, c.Width*0.85), max(480, c.Height*0.85))
}

// atLastDir starts a file dialog in the folder of the last one.
func (s *shell) atLastDir(d *dialog.FileDialog) {
	if s.lastDir == "" {
		return
	}
	dir, err := filepath.Abs(s.lastDir)
	if err != nil {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}

// showFileDialog shows d in the folder of the last file dialog, over
// most of the window.
func (s *shell) showFileDialog(d *dialog.FileDialog) {
	s.atLastDir(d)
	d.Resize(s.dialogSize())
	d.Show()
}

// pickFile asks for a file with one of the extensions exts and calls open
// with its path; a file that cannot be opened is reported with fail.
func (s *shell) pickFile(exts []string, fail func(error), open func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) { s.picked(r, err, fail, open) }, s.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	s.showFileDialog(d)
}

// picked handles the answer of a file dialog (see pickFile): the dialog
// opens the chosen file, which fails when the file was deleted after the
// dialog listed it.
func (s *shell) picked(r fyne.URIReadCloser, err error, fail func(error), open func(path string)) {
	if err != nil {
		fail(err)
		return
	}
	if r == nil {
		return
	}
	path := r.URI().Path()
	r.Close()
	s.lastDir = filepath.Dir(path)
	open(path)
}

// pathOf returns the path named by a file-system error, or "".
func pathOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	return ""
}

func (s *shell) openImageDialog() {
	s.pickFile(imageExtensions, s.imagePickFailed, s.openPicked)
}

// imagePickFailed reports an image file that the file dialog could not
// open (deleted after the dialog listed it, say); what is shown stays.
func (s *shell) imagePickFailed(err error) {
	s.notice.show(noticeError, "Could not open "+fileError(pathOf(err), err).Error()+".")
}

// openPicked opens an image chosen in the file dialog.
func (s *shell) openPicked(path string) {
	s.showView("explore")
	s.explore.open([]string{path})
}

func (s *shell) openFolderDialog() {
	s.pickFolder(func(path string) {
		s.showView("explore")
		s.explore.open([]string{path})
	})
}

// pickFolder asks for a folder in the file dialog and calls open with its
// path; a folder that cannot be listed gets a notice, a cancel nothing.
func (s *shell) pickFolder(open func(path string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			s.notice.show(noticeError, "The folder could not be opened: "+err.Error())
			return
		}
		if l == nil {
			return
		}
		s.lastDir = l.Path()
		open(l.Path())
	}, s.win)
	s.showFileDialog(d)
}

func (s *shell) openModelDialog() {
	s.pickFile([]string{modelExtension, onnxExtension}, s.modelPickFailed, s.openModel)
}

// modelPickFailed reports a weights file that the file dialog could not
// open.
func (s *shell) modelPickFailed(err error) {
	s.modelFailed(pathOf(err), err)
}

// zoomBy steps the zoom up (dir > 0), down (dir < 0) or back to 100 % (0).
func (s *shell) zoomBy(dir int) {
	z := float32(1)
	if dir != 0 {
		z = nextZoom(s.zoom, dir)
	}
	if z != s.zoom {
		s.setStyle(z, s.themeName)
	}
}

// toggleTheme switches between the light and the dark theme.
func (s *shell) toggleTheme() {
	if s.dark() {
		s.setStyle(s.zoom, "light")
	} else {
		s.setStyle(s.zoom, "dark")
	}
}

func (s *shell) toggleFullScreen() {
	s.win.SetFullScreen(!s.win.FullScreen())
	s.menu.refresh()
	s.header.refresh()
}

func (s *shell) showAbout() {
	icon := widget.NewIcon(assets.IconResource())
	iconBox := container.NewGridWrap(fyne.NewSquareSize(96*s.zoom), icon)
	version := s.opts.Version
	if version == "" {
		version = "dev"
	}
	title := widget.NewLabelWithStyle("ArtLens "+version, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	text := widget.NewLabel("Shows what a convolutional network for art images sees: the picture at the " +
		"network's 64×64 pixels, its guess among the classes, and the feature maps of its five " +
		"convolution layers.\n\nModel in use: " + s.modelName + ".")
	text.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(nil, nil, container.NewVBox(iconBox), nil, container.NewVBox(title, text))
	d := dialog.NewCustom("About ArtLens", "Close", content, s.win)
	d.Resize(fyne.NewSize(520*s.zoom, 0))
	d.Show()
}

func (s *shell) showHelp() {
	text := widget.NewRichTextFromMarkdown(helpText)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Reading the feature maps", "Close", container.NewVScroll(text), s.win)
	d.Resize(fyne.NewSize(min(640*s.zoom, s.win.Canvas().Size().Width*0.9), min(420*s.zoom, s.win.Canvas().Size().Height*0.9)))
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
	if s.model == nil {
		h.model.SetText("No model loaded")
	} else {
		text := "Model: " + s.modelName + " · classes: " + strings.Join(s.model.Meta.Classes, ", ")
		if t := s.model.Meta.Test; t != nil && t.Total > 0 {
			text += fmt.Sprintf(" · test accuracy %.1f%%", 100*t.Accuracy)
		}
		h.model.SetText(text)
	}
	h.zoom.SetText(fmt.Sprintf("%d%%", int(s.zoom*100+0.5)))
	if s.dark() {
		h.theme.SetText("Light")
	} else {
		h.theme.SetText("Dark")
	}
	if s.win.FullScreen() {
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
}

func newMenus(s *shell) *menus {
	m := &menus{s: s}
	item := func(label string, f func(), sc fyne.Shortcut) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		return it
	}
	file := fyne.NewMenu("File",
		item("Open image…", s.openImageDialog, scOpen),
		item("Open folder…", s.openFolderDialog, scOpenFolder),
		item("Open collection…", func() { s.showView("collection"); s.collection.openDialog() }, scOpenCollection),
		fyne.NewMenuItemSeparator(),
		item("Open model…", s.openModelDialog, scOpenModel),
	)
	// One item per shipped model, which switches to it.
	for _, e := range weights.Shipped {
		file.Items = append(file.Items, fyne.NewMenuItem("Use the shipped model: "+e.Name, func() { s.useShippedModel(e.Name) }))
	}
	file.Items = append(append(file.Items, fyne.NewMenuItemSeparator()), secondMenuItems(s)...)
	views := []*fyne.MenuItem{}
	for i, v := range Views {
		name := v
		views = append(views, item(strings.ToUpper(v[:1])+v[1:], func() { s.showView(name) }, scViews[i]))
	}
	m.light = fyne.NewMenuItem("Light theme", func() { s.setStyle(s.zoom, "light") })
	m.dark = fyne.NewMenuItem("Dark theme", func() { s.setStyle(s.zoom, "dark") })
	m.full = fyne.NewMenuItem("Full screen (F11)", s.toggleFullScreen)
	viewItems := append(views, fyne.NewMenuItemSeparator(),
		item("Larger", func() { s.zoomBy(1) }, scLarger),
		item("Smaller", func() { s.zoomBy(-1) }, scSmaller),
		item("Normal size", func() { s.zoomBy(0) }, scNormal),
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem("What the network takes for each class", func() { s.showLookForClasses() }),
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
	dark := m.s.dark()
	m.light.Checked, m.dark.Checked = !dark, dark
	m.full.Checked = m.s.win.FullScreen()
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
	c := s.win.Canvas()
	on := func(sc fyne.Shortcut, f func()) { c.AddShortcut(sc, func(fyne.Shortcut) { f() }) }
	on(scOpen, s.openImageDialog)
	on(scOpenFolder, s.openFolderDialog)
	on(scOpenModel, s.openModelDialog)
	on(scOpenCollection, func() { s.showView("collection"); s.collection.openDialog() })
	on(scLarger, func() { s.zoomBy(1) })
	// Ctrl+Shift+= is Ctrl++ on most keyboards.
	on(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: mod | fyne.KeyModifierShift}, func() { s.zoomBy(1) })
	on(scSmaller, func() { s.zoomBy(-1) })
	on(scNormal, func() { s.zoomBy(0) })
	for i, v := range Views {
		name := v
		on(scViews[i], func() { s.showView(name) })
	}
	// Keys without a modifier arrive here when no widget has the focus:
	// F11 and Escape for full screen, and the keys of a presenter's clicker
	// (Page Up/Down) or the arrows to step through the opened images.
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyF11:
			s.toggleFullScreen()
		case fyne.KeyEscape:
			if s.win.FullScreen() {
				s.toggleFullScreen()
			}
		case fyne.KeyPageDown, fyne.KeyDown, fyne.KeyRight:
			s.explore.step(1)
		case fyne.KeyPageUp, fyne.KeyUp, fyne.KeyLeft:
			s.explore.step(-1)
		}
	})
}
