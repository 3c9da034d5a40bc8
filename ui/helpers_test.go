package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
)

// queue stands in for the UI goroutine in tests: background work posts to
// it, and the test goroutine runs what was posted while it waits. So all
// widget changes happen on the test goroutine, as they would on Fyne's.
type queue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *queue) post(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

// drain runs what was posted, including what that posts, and reports
// whether anything ran.
func (q *queue) drain() bool {
	ran := false
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return ran
		}
		for _, f := range fns {
			f()
		}
		ran = true
	}
}

// harness is an app shell in a headless test window.
type harness struct {
	t testing.TB
	s *shell
	w fyne.Window
	q *queue
}

var classes4 = []string{"drawings", "iconography", "painting", "sculpture"}

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
	deadline := time.Now().Add(60 * time.Second)
	for {
		h.q.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits until no background work is pending: the images are open,
// their maps drawn and the charts rendered.
func (h *harness) settle() {
	h.t.Helper()
	quiet := 0
	h.waitFor("the window to settle", func() bool {
		if h.s.Busy.Load() == 0 && !h.q.drain() {
			quiet++
		} else {
			quiet = 0
		}
		return quiet >= 3
	})
}

// open opens paths in the Explore view and waits for the result.
func (h *harness) open(paths ...string) {
	h.t.Helper()
	h.s.explore.open(paths)
	h.settle()
}

var (
	modelOnce sync.Once
	modelData []byte
)

// testModel returns a model of the study's architecture with seeded random
// weights and a made-up training history and test evaluation. Each call
// returns a new Model.
func testModel(t testing.TB) *engine.Model {
	t.Helper()
	modelOnce.Do(func() {
		m, err := engine.NewModel(classes4, 7)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 12; i++ {
			f := float64(i)
			m.Meta.History = append(m.Meta.History, engine.Epoch{Epoch: i,
				TrainLoss: 1.3 * math.Exp(-f/5), ValLoss: 1.2*math.Exp(-f/6) + 0.1,
				TrainAccuracy: 0.9 - 0.6*math.Exp(-f/4), ValAccuracy: 0.85 - 0.55*math.Exp(-f/4),
				LearningRate: 0.001, Seconds: 30})
		}
		m.Meta.BestEpoch = 10
		var truth, pred []int
		for c := range classes4 {
			for k := 0; k < 25; k++ {
				truth = append(truth, c)
				if k < 21 {
					pred = append(pred, c)
				} else {
					pred = append(pred, (c+k)%4)
				}
			}
		}
		ev, err := engine.NewEvaluation(classes4, truth, pred)
		if err != nil {
			t.Fatal(err)
		}
		m.Meta.Test = &ev
		m.Meta.Training = map[string]string{"optimizer": "adam", "batch": "64"}
		m.Meta.Created = "2026-01-02T03:04:05Z"
		if modelData, err = m.Marshal(); err != nil {
			t.Fatal(err)
		}
	})
	m, err := engine.Load(modelData)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// artImage draws a w×h test picture: a dark frame, a coloured gradient and
// a bright disc, so that the feature maps have edges to respond to.
func artImage(w, h int, seed int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := float64(w)*0.5, float64(h)*0.4, float64(min(w, h))*0.25
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{uint8((x*255/w + seed*40) % 256), uint8(y * 255 / h), uint8((x + y + seed*30) % 256), 255}
			if dx, dy := float64(x)-cx, float64(y)-cy; dx*dx+dy*dy < r*r {
				c = color.NRGBA{240, 220, 180, 255}
			}
			if x < w/12 || y < h/12 || x > w-w/12 || y > h-h/12 {
				c = color.NRGBA{40, 25, 10, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// writeJPEG writes artImage(w, h, seed) as a JPEG file in dir.
func writeJPEG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, artImage(w, h, seed), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, buf.Bytes())
}

// writePNG writes artImage(w, h, seed) as a PNG file in dir.
func writePNG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, artImage(w, h, seed)); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, buf.Bytes())
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// truncatedJPEG writes the first half of a JPEG file.
func truncatedJPEG(t testing.TB, dir, name string) string {
	t.Helper()
	full, err := os.ReadFile(writeJPEG(t, t.TempDir(), "full.jpg", 120, 90, 3))
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, full[:len(full)/2])
}

// walk calls f for o and every object in its tree that is visible,
// without laying anything out.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, f)
		}
	}
}

// texts returns the texts of the visible labels, rich texts and canvas
// texts in the tree of o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(c fyne.CanvasObject) {
		switch c := c.(type) {
		case *widget.Label:
			out = append(out, c.Text)
		case *widget.RichText:
			out = append(out, c.String())
		case *canvas.Text:
			out = append(out, c.Text)
		}
	})
	return out
}

// hasText reports whether some text in the tree of o contains sub.
func hasText(o fyne.CanvasObject, sub string) bool {
	for _, s := range texts(o) {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// topDialog returns the dialog on top of the window, or nil.
func (h *harness) topDialog() fyne.CanvasObject {
	return h.w.Canvas().Overlays().Top()
}

func storageURI(path string) fyne.URI { return storage.NewFileURI(path) }
