package collection

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// start is what a test opens the view with, as the window's options
// (--view collection FOLDER, --show, --catalogue, --second) did.
type start struct {
	Model     *engine.Model // the test model when nil
	ModelName string
	Images    []string // opened at once
	Show      string
	Catalogue string
	// Second and SecondName are the second opinion.
	Second     *engine.Model
	SecondName string
}

// newHarness builds the Collection view alone on a host in a test window
// (see uitest.New) as the shell builds it, and opens o.Images.
func newHarness(t testing.TB, o start) (*uitest.Harness, *View) {
	t.Helper()
	h := uitest.New(t)
	if o.Model != nil {
		h.Host.SetModel(o.Model, o.ModelName)
	}
	c := New(h.Host, Options{Show: o.Show})
	setSecond(c, o.Second, o.SecondName)
	h.Show(c.Content())
	if len(o.Images) > 0 {
		if o.Catalogue != "" {
			c.OpenCatalogue(o.Catalogue)
		}
		c.Open(o.Images)
	}
	h.Settle()
	return h, c
}

// setSecond makes m (named name; nil for none) the second opinion, as
// File › Second opinion does through the shell.
func setSecond(c *View, m *engine.Model, name string) {
	c.h.SetSecond(m, name)
	c.SecondChanged()
}

// explored records the pictures the view asks Explore to show (Host.Show).
func explored(h *uitest.Harness) *[]string {
	var paths []string
	h.Host.Serve("explore", func(path string, _ image.Image) { paths = append(paths, path) })
	return &paths
}

// lastShown is the view the host was last asked to show, "" for none.
func lastShown(h *uitest.Harness) string {
	if len(h.Shown) == 0 {
		return ""
	}
	return h.Shown[len(h.Shown)-1]
}

var classes4 = uitest.Classes4

func brightModel(t testing.TB) *engine.Model { t.Helper(); return uitest.BrightModel(t) }

func curatedFolder(t testing.TB) (string, map[string]uint8) {
	t.Helper()
	return uitest.CuratedFolder(t)
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	return uitest.WriteFile(t, dir, name, data)
}

func writePNG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	return uitest.WritePNG(t, dir, name, w, h, seed)
}

func writeJPEG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	return uitest.WriteJPEG(t, dir, name, w, h, seed)
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) { uitest.Walk(o, f) }

func texts(o fyne.CanvasObject) []string { return uitest.Texts(o) }

func hasText(o fyne.CanvasObject, sub string) bool { return uitest.HasText(o, sub) }
