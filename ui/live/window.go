package live

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/software"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/internal/fynefile"
)

// WindowOptions set up RunWindow.
type WindowOptions struct {
	Options
	// Screenshot, when set, captures the window to this PNG file once
	// Options.Frames frames (5 when 0) have been shown, then quits.
	Screenshot string
	// Scale is the zoom (1 when 0); FullScreen starts full screen.
	Scale      float32
	FullScreen bool
	// Theme is the window's theme (the full window's, with --theme);
	// nil keeps Fyne's default.
	Theme fyne.Theme
}

// standalone is the Host of a view alone in its window: it has no other
// views, so Show says where the picture can be opened instead.
type standalone struct {
	win   fyne.Window
	model *engine.Model
}

func (h *standalone) Window() fyne.Window  { return h.win }
func (h *standalone) Model() *engine.Model { return h.model }
func (h *standalone) Show(view, name string, _ image.Image) {
	dialog.ShowInformation("Live view alone", fmt.Sprintf("The %s view is in the full window (artlens without --view live): save %s with Save… and open it there.", view, name), h.win)
}

// RunWindow opens the live view alone in a window on model m and returns
// the exit code once it closes: 0, or 1 when a screenshot asked for could
// not be written.
func RunWindow(m *engine.Model, opt WindowOptions) int {
	if opt.Scale > 0 && os.Getenv("FYNE_SCALE") == "" {
		os.Setenv("FYNE_SCALE", fmt.Sprint(opt.Scale))
	}
	a := fyneapp.NewWithID("io.github.artlens.artlens")
	fynefile.Install()
	if opt.Theme != nil {
		a.Settings().SetTheme(opt.Theme)
	}
	w := a.NewWindow("ArtLens — live")
	w.Resize(fyne.NewSize(1280, 800))
	w.SetFullScreen(opt.FullScreen)
	h := &standalone{win: w, model: m}
	code := 0
	if opt.Screenshot != "" {
		if opt.Frames <= 0 {
			opt.Frames = 5
		}
		opt.OnFrames = func() {
			// One more moment so the last frame is painted.
			go func() {
				time.Sleep(400 * time.Millisecond)
				fyne.Do(func() {
					if err := capture(w, opt.Screenshot); err != nil {
						fmt.Fprintln(os.Stderr, "artlens: screenshot:", err)
						code = 1
					}
					a.Quit()
				})
			}()
		}
	}
	v := New(h, opt.Options)
	w.SetContent(v.Content())
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyF11 {
			w.SetFullScreen(!w.FullScreen())
			return
		}
		v.Key(e.Name)
	})
	w.SetOnClosed(v.Stop)
	w.ShowAndRun()
	return code
}

// capture writes the window's content as a PNG, drawn in software when
// the OpenGL driver gives nothing back (Mesa under Xvfb); the same as the
// window's --screenshot.
func capture(w fyne.Window, path string) error {
	img := w.Canvas().Capture()
	if blank(img) {
		c := software.NewCanvas()
		c.SetScale(w.Canvas().Scale())
		c.SetPadded(false)
		content := w.Content()
		size := content.Size()
		w.SetContent(canvas.NewRectangle(color.Transparent))
		c.SetContent(content)
		c.Resize(size)
		img = c.Capture()
	}
	if img == nil || img.Bounds().Empty() {
		return fmt.Errorf("the window could not be captured")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return png.Encode(w, img) })
}

// blank reports whether img is missing or fully transparent.
func blank(img image.Image) bool {
	if img == nil || img.Bounds().Empty() {
		return true
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				return false
			}
		}
	}
	return true
}
