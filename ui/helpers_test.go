package ui

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// queue stands in for the UI goroutine in tests (see uitest.Queue).
type queue struct{ uitest.Queue }

func (q *queue) post(f func()) { q.Post(f) }

// drain runs what was posted, including what that posts, and reports
// whether anything ran.
func (q *queue) drain() bool { return q.Drain() }

// harness is an app shell in a headless test window.
type harness struct {
	t testing.TB
	s *shell
	w fyne.Window
	q *queue
}

var classes4 = uitest.Classes4

// newHarness opens the app headless with opts (the test model when
// opts has no model) in a 1280×800 window and waits until it settles.
func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	if opts.Model == nil && opts.LoadModel == nil {
		opts.Model = testModel(t)
		opts.ModelName = "test model"
	}
	q := &queue{}
	s := newShell(a, w, opts, q.post)
	w.Resize(fyne.NewSize(1280, 800))
	h := &harness{t: t, s: s, w: w, q: q}
	s.start()
	h.settle()
	return h
}

// waitFor runs posted work until cond holds, failing after 60 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	uitest.WaitFor(h.t, &h.q.Queue, what, cond)
}

// settle waits until no background work is pending: the images are open,
// their maps drawn and the charts rendered.
func (h *harness) settle() {
	h.t.Helper()
	uitest.Settle(h.t, &h.q.Queue, &h.s.Busy)
}

// open opens paths in the Explore view and waits for the result.
func (h *harness) open(paths ...string) {
	h.t.Helper()
	h.s.explore.Open(paths)
	h.settle()
}

// testModel returns the study's architecture with seeded random weights
// (see uitest.TestModel); each call returns a new Model.
func testModel(t testing.TB) *engine.Model { t.Helper(); return uitest.TestModel(t) }

// artImage draws a w×h test picture (see uitest.ArtImage).
func artImage(w, h int, seed int) *image.NRGBA { return uitest.ArtImage(w, h, seed) }

// writeJPEG writes artImage(w, h, seed) as a JPEG file in dir.
func writeJPEG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	return uitest.WriteJPEG(t, dir, name, w, h, seed)
}

// writePNG writes artImage(w, h, seed) as a PNG file in dir.
func writePNG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	return uitest.WritePNG(t, dir, name, w, h, seed)
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	return uitest.WriteFile(t, dir, name, data)
}

// truncatedJPEG writes the first half of a JPEG file.
func truncatedJPEG(t testing.TB, dir, name string) string {
	t.Helper()
	return uitest.TruncatedJPEG(t, dir, name)
}

// walk calls f for o and every visible object in its tree (uitest.Walk).
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) { uitest.Walk(o, f) }

// texts returns the texts of the visible labels, rich texts and canvas
// texts in the tree of o.
func texts(o fyne.CanvasObject) []string { return uitest.Texts(o) }

// hasText reports whether some text in the tree of o contains sub.
func hasText(o fyne.CanvasObject, sub string) bool { return uitest.HasText(o, sub) }

// topDialog returns the dialog on top of the window, or nil.
func (h *harness) topDialog() fyne.CanvasObject {
	return h.w.Canvas().Overlays().Top()
}

func storageURI(path string) fyne.URI { return storage.NewFileURI(path) }

// button finds the button labelled text in o, or fails the test.
func button(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	return uitest.Button(t, o, text)
}
