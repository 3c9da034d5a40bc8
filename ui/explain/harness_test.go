package explain

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/internal/brightmodel"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// testShell stands in for the window's shell and the Explore view: the
// host, the Explain view, the pictures opened (as the Explore view lists
// them) and the view the host was asked to show.
type testShell struct {
	*host.Host
	explain  *View
	pictures []*host.Picture
	view     string
}

// newHarness builds the Explain view on a test host (see newUIHarness),
// opens opts.Images as the Explore view would (the first one shown) and
// waits until it settles.
func newHarness(t testing.TB, opts harnessOptions) *harness {
	t.Helper()
	u, s := newUIHarness(t, opts)
	s.explain = New(u.Host, Options{Method: opts.Method, RunChecks: opts.RunChecks})
	u.Show(s.explain.Content())
	h := &harness{t: t, s: s, w: u.W, u: u}
	for _, p := range opts.Images {
		pic, err := host.LoadPicture(p, s.Model())
		if err != nil {
			t.Fatal(err)
		}
		s.pictures = append(s.pictures, pic)
	}
	if len(s.pictures) > 0 {
		s.SetPictures(s.pictures)
		s.SetPicture(s.pictures[0])
	}
	h.settle()
	return h
}

// selectPicture shows the i-th picture opened, as a click in the
// Explore view's list does.
func (s *testShell) selectPicture(i int) { s.SetPicture(s.pictures[i]) }

// showView selects the view named name, as the shell's tabs do.
func (s *testShell) showView(name string) {
	s.ShowView(name)
	if name == "explain" {
		s.explain.Shown()
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
