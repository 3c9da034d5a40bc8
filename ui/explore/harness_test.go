package explore

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/internal/brightmodel"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// testShell stands in for the window's shell: the host, the view, and the
// view the host was asked to show.
type testShell struct {
	*host.Host
	explore *View
	view    string
}

// newHarness builds the Explore view on a test host (see newUIHarness),
// opens opts.Images in it and waits until it settles.
func newHarness(t testing.TB, opts harnessOptions) *harness {
	t.Helper()
	u, s := newUIHarness(t, opts)
	s.explore = New(u.Host, Options{})
	u.Show(s.explore.Content())
	// The keys the shell gives the view: the arrows step through the list.
	u.W.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyPageDown, fyne.KeyDown, fyne.KeyRight:
			s.explore.Step(1)
		case fyne.KeyPageUp, fyne.KeyUp, fyne.KeyLeft:
			s.explore.Step(-1)
		}
	})
	h := &harness{t: t, s: s, w: u.W, u: u}
	if opts.Open != "" {
		s.explore.OpenWhenReady(opts.Open)
	}
	if len(opts.Images) > 0 {
		s.explore.Open(opts.Images)
	}
	h.settle()
	return h
}

// open opens paths in the view and waits for the result.
func (h *harness) open(paths ...string) {
	h.t.Helper()
	h.s.explore.Open(paths)
	h.settle()
}

// dropped opens what was dropped as the shell does: a model file as the
// model, the rest in the view.
func (s *testShell) dropped(uris []fyne.URI) {
	var images []string
	for _, u := range uris {
		if host.IsModelFile(u.Path()) {
			s.openModel(u.Path())
			continue
		}
		images = append(images, u.Path())
	}
	if len(images) > 0 {
		s.explore.Open(images)
	}
}

var classes4 = uitest.Classes4

// testModel returns the study's architecture with seeded random weights
// (see uitest.TestModel); each call returns a new Model.
func testModel(t testing.TB) *engine.Model { t.Helper(); return uitest.TestModel(t) }

// brightModel returns the hand-set model of package brightmodel.
func brightModel(t testing.TB) *engine.Model {
	t.Helper()
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// artImage draws a w×h test picture (see uitest.ArtImage).
func artImage(w, h int, seed int) *image.NRGBA { return uitest.ArtImage(w, h, seed) }

func writeJPEG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	return uitest.WriteJPEG(t, dir, name, w, h, seed)
}

func writePNG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	return uitest.WritePNG(t, dir, name, w, h, seed)
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	return uitest.WriteFile(t, dir, name, data)
}

func truncatedJPEG(t testing.TB, dir, name string) string {
	t.Helper()
	return uitest.TruncatedJPEG(t, dir, name)
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) { uitest.Walk(o, f) }

func texts(o fyne.CanvasObject) []string { return uitest.Texts(o) }

func hasText(o fyne.CanvasObject, sub string) bool { return uitest.HasText(o, sub) }

func storageURI(path string) fyne.URI { return storage.NewFileURI(path) }

// harnessOptions are what the window is opened with in a test, as the
// shell's Options: the model (the test model when nil) and its name, the
// pictures opened at start, the view selected.
type harnessOptions struct {
	Model      *engine.Model
	LoadModel  func() (*engine.Model, error)
	ModelName  string
	Images     []string
	View       string
	Open       string
	Method     string
	RunChecks  bool
	Second     *engine.Model
	SecondName string
}

// harness is the view on a host in a headless 1280×800 test window.
type harness struct {
	t testing.TB
	s *testShell
	w fyne.Window
	u *uitest.Harness
}

// waitFor runs posted work until cond holds, failing after 60 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	h.u.WaitFor(what, cond)
}

// settle waits until no background work is pending.
func (h *harness) settle() {
	h.t.Helper()
	h.u.Settle()
}

// topDialog returns the dialog on top of the window, or nil.
func (h *harness) topDialog() fyne.CanvasObject { return h.u.TopDialog() }

// openModel loads a model file in the background and makes it the
// current model, as the shell's File › Open model… does.
func (s *testShell) openModel(path string) {
	s.Busy.Add(1)
	go func() {
		var m *engine.Model
		var err error
		if strings.EqualFold(filepath.Ext(path), host.ONNXExtension) {
			m, err = importer.ImportFile(path, importer.Options{})
		} else {
			m, err = engine.LoadFile(path)
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			if err != nil {
				s.ShowError("Could not open the model", err.Error())
				return
			}
			s.SetModel(m, filepath.Base(path))
		})
	}()
}

// newUIHarness makes the host of a harness with opts' model and second
// opinion, and the views shown recorded in s.view.
func newUIHarness(t testing.TB, opts harnessOptions) (*uitest.Harness, *testShell) {
	u := uitest.New(t)
	s := &testShell{Host: u.Host, view: opts.View}
	if opts.LoadModel != nil {
		m, err := opts.LoadModel()
		u.Host.SetModel(m, "test model")
		if err != nil { // as the shell says it once the window is up
			u.Host.ShowError("Could not load the model", err.Error()+"\n\nOpen a model file with File › Open model… to see predictions.")
		}
	}
	if opts.Model != nil {
		name := opts.ModelName
		if name == "" {
			name = "test model"
		}
		u.Host.SetModel(opts.Model, name)
	}
	if opts.Second != nil {
		u.Host.SetSecond(opts.Second, opts.SecondName)
	}
	u.Host.SetViewShower(func(name string) { s.view = name; u.Shown = append(u.Shown, name) })
	u.Host.SetShowing(func(name string) bool { return s.view == name })
	return u, s
}

// button finds the button labelled text in o, or fails the test.
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in %q", text, texts(o))
	}
	return found
}

// menuCalibrated is the View menu's "Calibrated confidence" as the shell
// sets it from the host: disabled for a model without a temperature,
// checked when calibrated confidence is on and applies.
func menuCalibrated(h *harness) *fyne.MenuItem {
	_, err := host.CalibrationTemperature(h.s.Model())
	return &fyne.MenuItem{Disabled: err != nil, Checked: h.s.Calibrated() && err == nil}
}

// writeModel writes a model with classes and random weights as
// other.safetensors in a temporary folder.
func writeModel(t *testing.T, classes []string) string {
	t.Helper()
	m, err := engine.NewModel(classes, 3)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "other.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// setStyle applies a zoom and a theme as the shell does: the app's theme
// set anew (which refreshes every object), then the host's.
func (s *testShell) setStyle(zoom float32, themeName string) {
	fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
	s.Host.SetStyle(zoom, themeName)
}
