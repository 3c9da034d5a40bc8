package ui

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/atomicfile"
	liveview "github.com/artlens/artlens/ui/live"
)

// liveHost is what the Live view knows of the window (ui/live's Host).
// Its Show keeps a frozen frame as a PNG in the temporary folder first:
// the other views open pictures from files, so that a frame sent to
// Explore behaves like any picture there (its maps, Explain, Compare).
type liveHost struct{ s *shell }

func (h liveHost) Window() fyne.Window  { return h.s.Window() }
func (h liveHost) Model() *engine.Model { return h.s.Model() }

func (h liveHost) Show(view, name string, img image.Image) {
	path, err := keepFrame(name, img)
	if err != nil {
		h.s.ShowError("The frame could not be kept", err.Error())
		return
	}
	h.s.Show("explore", path, img)
	switch view {
	case "explain", "compare":
		h.s.ShowView(view)
	}
}

// TopPictures gives the Live view a followed filter's top pictures from
// the collection open in the Collection view, when it was analysed with
// the model the Live view runs (filter from 0, layer from 1); none
// otherwise. It runs on the UI goroutine, as the Collection view's items
// are read there.
func (h liveHost) TopPictures(layer, filter, k int) []image.Image {
	if h.s.collection == nil {
		return nil
	}
	return h.s.collection.TopPictures(h.s.Model(), layer, filter, k)
}

// keepFrame writes img as a PNG named after name in a new folder of its own
// under the temporary folder (no clash with another window's frames or a
// file of that name), atomically, and returns its path.
func keepFrame(name string, img image.Image) (string, error) {
	if img == nil {
		return "", fmt.Errorf("no frame to keep")
	}
	dir, err := os.MkdirTemp("", "artlens-frame-")
	if err != nil {
		return "", err
	}
	base := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '-'
		}
		return r
	}, name)
	if base == "" {
		base = "frame"
	}
	path := filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".png")
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error { return png.Encode(w, img) })
	return path, err
}

// newLiveTab builds the Live view on the shell: it hears of model changes,
// takes the space key while shown, and stops its source when the window
// closes or another view is chosen (a camera is not held behind the
// user's back).
func newLiveTab(s *shell) fyne.CanvasObject {
	s.live = liveview.New(liveHost{s}, liveview.Options{})
	s.OnModel(s.live.ModelChanged)
	s.OnClose(s.live.Stop)
	return s.live.Content()
}
