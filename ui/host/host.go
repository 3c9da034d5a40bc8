package host

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"path/filepath"
	"sync/atomic"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/prefs"
	"github.com/artlens/artlens/plots"
)

// Host is what the views share, made by the shell: the app and window, the
// UI goroutine, the current model and its changes, the zoom and theme, the
// notice bar, the file dialogs, the preferences, and the jumps from one view
// to another. Its methods are called on the UI goroutine, except Do, Later
// and the counters Busy and ExitCode.
type Host struct {
	app fyne.App
	win fyne.Window
	do  func(func())

	// Busy counts background work whose result is not shown yet: the
	// --screenshot mode and the tests wait for it to be 0.
	Busy atomic.Int64
	// ExitCode is the process's exit code once the window closes.
	ExitCode atomic.Int32

	model     *engine.Model
	modelName string

	zoom      float32
	themeName string // "light", "dark" or "" (the desktop's choice)

	// calibrated and threshold are how outputs are shown (output.go).
	calibrated bool
	threshold  float64
	onOutput   []func()

	onModel []func()
	onStyle []func()
	onClose []func()

	// Notice is the bar under the header that tells what went wrong (or
	// was done) without covering the view.
	Notice *NoticeBar
	// Prefs is what the app remembers between runs.
	Prefs *prefs.Store
	// LastDir is the folder of the last file dialog, where the next opens.
	LastDir string

	showView func(name string)
	showing  func(name string) bool
	shows    map[string]func(path string, img image.Image)

	// picture and pictures are what the Explore view shows and lists
	// (picture.go); second is the second opinion.
	picture    *Picture
	pictures   []*Picture
	onPicture  []func(*Picture)
	onPictures []func()
	second     *engine.Model
	secondName string
	onSecond   []func()
}

// New returns the host of window w of app a; do runs a function on the UI
// goroutine (fyne.Do in the app, a queue that tests drain). The notice bar
// is made here; its Details… button shows the details in a dialog.
func New(a fyne.App, w fyne.Window, do func(func()), store *prefs.Store) *Host {
	h := &Host{app: a, win: w, do: do, zoom: 1, Prefs: store, shows: map[string]func(string, image.Image){}}
	h.Notice = NewNoticeBar(func(text string) { h.ShowText("Details", text) })
	return h
}

// Do runs fn on the UI goroutine; call it from background work.
func (h *Host) Do(fn func()) { h.do(fn) }

// Later runs fn on the UI goroutine after the current event: for work that
// must not happen inside a layout pass. Fyne forbids fyne.Do on the UI
// goroutine itself, hence the goroutine.
func (h *Host) Later(fn func()) { go h.do(fn) }

// App is the Fyne app.
func (h *Host) App() fyne.App { return h.app }

// Window is the app's one window.
func (h *Host) Window() fyne.Window { return h.win }

// Model is the current model, nil when none could be loaded.
func (h *Host) Model() *engine.Model { return h.model }

// ModelName names the current model in the window.
func (h *Host) ModelName() string { return h.modelName }

// SetModel makes m, named name, the current model and tells every
// subscriber (OnModel, OnModelChange).
func (h *Host) SetModel(m *engine.Model, name string) {
	h.model, h.modelName = m, name
	for _, f := range h.onModel {
		f()
	}
}

// OnModel calls each of fs after the model changed.
func (h *Host) OnModel(fs ...func()) { h.onModel = append(h.onModel, fs...) }

// OnModelChange calls f with the new model after the model changed.
func (h *Host) OnModelChange(f func(*engine.Model)) {
	h.onModel = append(h.onModel, func() { f(h.model) })
}

// Zoom is the zoom of text and feature maps (1 is Fyne's size).
func (h *Host) Zoom() float32 { return h.zoom }

// ThemeName is "light", "dark" or "" (the desktop's choice).
func (h *Host) ThemeName() string { return h.themeName }

// SetStyle records a zoom and a theme name and tells every OnStyle
// subscriber; the shell applies the theme itself first.
func (h *Host) SetStyle(zoom float32, themeName string) {
	h.zoom, h.themeName = zoom, themeName
	for _, f := range h.onStyle {
		f()
	}
}

// OnStyle calls each of fs after the zoom or the theme changed.
func (h *Host) OnStyle(fs ...func()) { h.onStyle = append(h.onStyle, fs...) }

// OnClose calls each of fs when the window closes.
func (h *Host) OnClose(fs ...func()) { h.onClose = append(h.onClose, fs...) }

// Closed runs the OnClose functions; the shell calls it when the window
// closes.
func (h *Host) Closed() {
	for _, f := range h.onClose {
		f()
	}
}

// Dark reports whether the dark variant is showing.
func (h *Host) Dark() bool {
	switch h.themeName {
	case "dark":
		return true
	case "light":
		return false
	}
	return h.app.Settings().ThemeVariant() == theme.VariantDark
}

// PixelScale is the number of physical pixels per Fyne unit of the window.
func (h *Host) PixelScale() float32 {
	if c := h.win.Canvas(); c != nil && c.Scale() > 0 {
		return c.Scale()
	}
	return 1
}

// ChartTheme is the chart colours that go with the app's theme: a white
// chart would glare in the dark theme.
func (h *Host) ChartTheme() plots.Theme {
	if h.Dark() {
		th := plots.Dark
		th.Background = theme.Color(theme.ColorNameBackground) // no box around the chart
		return th
	}
	return plots.Light
}

// SetViewShower is how the shell selects a view by name (ShowView).
func (h *Host) SetViewShower(show func(name string)) { h.showView = show }

// SetShowing is how the shell tells whether a view is the one showing
// (Showing).
func (h *Host) SetShowing(showing func(name string) bool) { h.showing = showing }

// Showing reports whether the view named name is the one showing: a view
// whose work is only wanted on screen (the Explain view's map) waits for
// it.
func (h *Host) Showing(name string) bool { return h.showing != nil && h.showing(name) }

// ShowView selects the view named name (the names of ui.Views).
func (h *Host) ShowView(name string) {
	if h.showView != nil {
		h.showView(name)
	}
}

// Serve makes show what Show(view, …) calls: a view that can be asked to
// show a picture registers itself under its name.
func (h *Host) Serve(view string, show func(path string, img image.Image)) {
	h.shows[view] = show
}

// Show selects view and has it show the picture at path (img, when not
// nil, is the picture already decoded); a view that serves nothing is
// only selected.
func (h *Host) Show(view string, path string, img image.Image) {
	h.ShowView(view)
	if show := h.shows[view]; show != nil {
		show(path, img)
	}
}

// ShowText shows a long text in a dialog that scrolls.
func (h *Host) ShowText(title, text string) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "Close", container.NewVScroll(label), h.win)
	c := h.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(640*h.zoom, c.Width*0.9), min(480*h.zoom, c.Height*0.9)))
	d.Show()
}

// ShowError shows a modal dialog with a title and a message that wraps.
func (h *Host) ShowError(title, message string) {
	label := widget.NewLabel(message)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "OK", label, h.win)
	d.Resize(fyne.NewSize(min(560*h.zoom, h.win.Canvas().Size().Width*0.9), 0))
	d.Show()
}

// DialogSize is the size of file dialogs: most of the window.
func (h *Host) DialogSize() fyne.Size {
	c := h.win.Canvas().Size()
	return fyne.NewSize(max(640, c.Width*0.85), max(480, c.Height*0.85))
}

// AtLastDir starts a file dialog in the folder of the last one.
func (h *Host) AtLastDir(d *dialog.FileDialog) {
	if h.LastDir == "" {
		return
	}
	dir, err := filepath.Abs(h.LastDir)
	if err != nil {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}

// ShowFileDialog shows d in the folder of the last file dialog, over
// most of the window.
func (h *Host) ShowFileDialog(d *dialog.FileDialog) {
	h.AtLastDir(d)
	d.Resize(h.DialogSize())
	d.Show()
}

// PickFile asks for a file with one of the extensions exts and calls open
// with its path; a file that cannot be opened is reported with fail.
func (h *Host) PickFile(exts []string, fail func(error), open func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) { h.Picked(r, err, fail, open) }, h.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	h.ShowFileDialog(d)
}

// Picked handles the answer of a file dialog (see PickFile): the dialog
// opens the chosen file, which fails when the file was deleted after the
// dialog listed it.
func (h *Host) Picked(r fyne.URIReadCloser, err error, fail func(error), open func(path string)) {
	if err != nil {
		fail(err)
		return
	}
	if r == nil {
		return
	}
	path := r.URI().Path()
	r.Close()
	h.LastDir = filepath.Dir(path)
	open(path)
}

// PickFolder asks for a folder in the file dialog and calls open with its
// path; a folder that cannot be listed gets a notice, a cancel nothing.
func (h *Host) PickFolder(open func(path string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			h.Notice.Post(NoticeError, "The folder could not be opened: "+err.Error())
			return
		}
		if l == nil {
			return
		}
		h.LastDir = l.Path()
		open(l.Path())
	}, h.win)
	h.ShowFileDialog(d)
}

// SaveInBackground handles the answer of a save dialog for what (a
// "chart", a "graph"): err when the dialog could not create the file, wc
// nil when it was cancelled; otherwise write (which writes wc and
// finishes it) runs off the UI goroutine and the notice bar says where
// the file went or why it could not be saved.
func (h *Host) SaveInBackground(what string, wc fyne.URIWriteCloser, err error, write func() error) {
	if err != nil {
		h.Notice.Post(NoticeError, "Could not save the "+what+": "+SaveError(PathOf(err), err)+".")
		return
	}
	if wc == nil {
		return
	}
	h.LastDir = parentPath(wc.URI())
	h.Busy.Add(1)
	go func() {
		err := write()
		h.Do(func() {
			defer h.Busy.Add(-1)
			if err != nil {
				h.Notice.Post(NoticeError, "Could not save the "+what+": "+SaveError(wc.URI().Path(), err)+".")
				return
			}
			h.Notice.Post(NoticeInfo, "Saved the "+what+" as "+wc.URI().Path()+".")
		})
	}()
}

// SaveError words why a file could not be written at path.
func SaveError(path string, err error) string {
	name := "“" + BaseName(path) + "”"
	dir := "“" + filepath.Dir(path) + "”"
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission to write " + name + " in " + dir + " was denied; choose another folder"
	case errors.Is(err, fs.ErrNotExist):
		return "the folder " + dir + " does not exist; choose another folder"
	case errors.Is(err, syscall.ENOTDIR):
		return dir + " is not a folder (a file of that name is in the way); choose another folder"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full; " + name + " was not written"
	case errors.Is(err, syscall.EROFS):
		return "the disk of " + dir + " is read-only; choose another folder"
	}
	return err.Error()
}

// parentPath is the folder of a file URI ("" for other URIs).
func parentPath(u fyne.URI) string {
	if p, err := storage.Parent(u); err == nil && p.Scheme() == "file" {
		return p.Path()
	}
	return ""
}

// PathOf returns the path named by a file-system error, or "".
func PathOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	return ""
}

// FileError words err, from opening the picture at path, for the window:
// a file that is gone is said to be so in one sentence (picture.Open's
// message names the path twice); other errors are picture.Open's, which
// begin with the file's name.
func FileError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: the file does not exist (it was moved or deleted)", BaseName(path))
	}
	return err
}

// BaseName is the name of the file at path, or "the file" when path is "".
func BaseName(path string) string {
	if path == "" {
		return "the file"
	}
	return filepath.Base(path)
}
