package live

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	_ "github.com/artlens/artlens/internal/clocale" // before Fyne reads the locale

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/brightmodel"
	"github.com/artlens/artlens/picture"
)

// fakeHost records what the view asks of the window.
type fakeHost struct {
	win   fyne.Window
	model *engine.Model
	shown []string
	tops  int
}

func (h *fakeHost) Window() fyne.Window  { return h.win }
func (h *fakeHost) Model() *engine.Model { return h.model }
func (h *fakeHost) Show(view, name string, img image.Image) {
	h.shown = append(h.shown, view+": "+name)
}
func (h *fakeHost) TopPictures(layer, filter, k int) []image.Image {
	h.tops++
	return []image.Image{image.NewRGBA(image.Rect(0, 0, 8, 8))}
}

// video writes a GIF alternating a dark and a bright red frame, 20 ms each.
func video(t *testing.T) string {
	t.Helper()
	g := &gif.GIF{}
	for _, red := range []uint8{30, 230} {
		g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 64, 48), color.Palette{color.RGBA{red, 0, 0, 255}}))
		g.Delay = append(g.Delay, 2)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.gif")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFor polls cond on the UI goroutine until it holds or 30 s pass (a
// loaded machine takes its time building the graphs).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(20 * time.Millisecond) {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestView(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1200, 800))
	h := &fakeHost{win: w, model: m}
	var v *View
	framesShown := false
	fyne.DoAndWait(func() {
		v = New(h, Options{Source: video(t), Frames: 3, OnFrames: func() { framesShown = true }})
		w.SetContent(v.Content())
	})
	defer fyne.DoAndWait(v.Stop)
	waitFor(t, "three frames", func() bool { return framesShown })

	fyne.DoAndWait(func() {
		if v.frameImg.Image == nil || v.camImg.Image == nil {
			t.Error("the frame or its Grad-CAM is not shown")
		}
		if a := v.answer.Text; !strings.Contains(a, "dark") && !strings.Contains(a, "bright") {
			t.Errorf("answer %q", a)
		}
		if !v.bars[0].Visible() || v.bars[2].Visible() {
			t.Error("want one bar per class of the two")
		}
		// The value beside its bar, in the label's colour; none on the bar.
		if v.bars[0].TextFormatter() != "" || !strings.HasSuffix(v.barValues[0].Text, "%") {
			t.Errorf("bar text %q, value beside it %q", v.bars[0].TextFormatter(), v.barValues[0].Text)
		}
		if len(v.grids) != 3 || v.grids[0].img.Image == nil {
			t.Errorf("%d layers' grids, want the 3 default ones drawn", len(v.grids))
		}
	})
	waitFor(t, "the frame rate", func() bool { return strings.Contains(v.fps.Text, "frames/s") })

	// A click on the first grid's first tile follows filter 1 of layer 1.
	fyne.DoAndWait(func() {
		g := v.grids[0]
		test.TapAt(g, fyne.NewPos(2, 2)) // the first tile
		if v.followed.layer != 1 || v.followed.filter != 0 || !v.follow.Visible() {
			t.Errorf("after a click: following layer %d, panel shown %v", v.followed.layer, v.follow.Visible())
		}
		if h.tops != 1 || len(v.followTop.Objects) != 2 {
			t.Errorf("top pictures asked %d times, %d objects", h.tops, len(v.followTop.Objects))
		}
	})
	waitFor(t, "the followed map", func() bool { return v.followMap.Image != nil })

	// Space freezes a frame, which is sent and saved; nothing moves after.
	var frozen *image.Image
	fyne.DoAndWait(func() {
		if !v.Key(fyne.KeySpace) || !v.Paused() {
			t.Fatal("space did not pause")
		}
		img := v.last.Image
		frozen = &img
		if v.saveBtn.Disabled() {
			t.Error("Save is disabled on a frozen frame")
		}
		v.sendBtns[1].OnTapped()
	})
	time.Sleep(200 * time.Millisecond)
	out := filepath.Join(t.TempDir(), "frame.png")
	fyne.DoAndWait(func() {
		if v.last.Image != *frozen {
			t.Error("the frame changed while paused")
		}
		if len(h.shown) != 1 || !strings.HasPrefix(h.shown[0], "explain: live frame") {
			t.Errorf("sent %v", h.shown)
		}
		if err := v.Save(out); err != nil {
			t.Error(err)
		}
	})
	if img, _, err := picture.Open(out); err != nil || img.Bounds().Dx() != 64 {
		t.Errorf("saved frame: %v", err)
	}
	fyne.DoAndWait(func() { v.Key(fyne.KeySpace) })
	waitFor(t, "frames after resuming", func() bool { return v.last.Image != *frozen || v.last.Frame > 100 })
}

// TestViewBadSource: a source that cannot be opened is a line at the
// bottom, and the view stays usable.
func TestViewBadSource(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	h := &fakeHost{win: w, model: m}
	bad := filepath.Join(t.TempDir(), "bad.avi")
	os.WriteFile(bad, []byte("RIFF\x04\x00\x00\x00AVI "), 0o644)
	var v *View
	fyne.DoAndWait(func() {
		v = New(h, Options{Source: bad})
		w.SetContent(v.Content())
	})
	waitFor(t, "the error line", func() bool { return strings.Contains(v.status.Text, "no video frames") })
	fyne.DoAndWait(func() {
		if v.startBtn.Text != "Start" {
			t.Errorf("button %q after a failed start, want Start", v.startBtn.Text)
		}
	})
}
