package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// The Collection view's own tests are in its package (ui/collection);
// these are of the window around it: --view collection FOLDER, dropped
// folders, and the links from the other views.

// brightModel returns the hand-set model of package brightmodel (see
// uitest.BrightModel).
func brightModel(t testing.TB) *engine.Model { t.Helper(); return uitest.BrightModel(t) }

// curatedFolder writes a collection sorted into dark/ and bright/ folders,
// with mistakes (see uitest.CuratedFolder).
func curatedFolder(t testing.TB) (string, map[string]uint8) {
	t.Helper()
	return uitest.CuratedFolder(t)
}

// openCollection opens root with --view collection and brightModel and
// waits until it is analysed.
func openCollection(t testing.TB, root string) (*harness, *collectionView) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h := newHarness(t, Options{Model: brightModel(t), ModelName: "bright model", View: "collection", Images: []string{root}})
	c := h.s.collection
	h.waitFor("the collection", func() bool { return !c.Running() && len(c.Items()) > 0 })
	h.settle()
	return h, c
}

// shownNames are the file names of the table's rows, in order.
func shownNames(c *collectionView) []string {
	var out []string
	for _, it := range c.Shown() {
		out = append(out, filepath.Base(it.Path))
	}
	return out
}

// TestCollectionWindow opens a folder tree with --view collection: the
// Collection tab shows it, as the golden image has it.
func TestCollectionWindow(t *testing.T) {
	root, reds := curatedFolder(t)
	h, c := openCollection(t, root)
	if tab := h.s.tabs.Selected(); tab.Text != "Collection" {
		t.Fatalf("tab %q selected", tab.Text)
	}
	if len(c.Items()) != len(reds) || !hasText(c.Content(), "10 pictures in") || !hasText(c.Content(), "6 of 9 labelled pictures right (66.7%)") {
		t.Errorf("%d pictures; texts %q", len(c.Items()), texts(c.Content()))
	}
	test.AssertImageMatches(t, "collection.png", h.w.Canvas().Capture())
}

// A folder dropped onto the Collection view becomes the collection.
func TestCollectionDrop(t *testing.T) {
	root, reds := curatedFolder(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h := newHarness(t, Options{Model: brightModel(t), View: "collection"})
	c := h.s.collection
	h.s.dropped([]fyne.URI{storageURI(root)})
	h.waitFor("the dropped folder", func() bool { return !c.Running() && len(c.Items()) > 0 })
	h.settle()
	if len(c.Items()) != len(reds) || h.s.tabs.Selected().Text != "Collection" || h.s.Picture() != nil {
		t.Errorf("%d pictures in the collection, tab %q", len(c.Items()), h.s.tabs.Selected().Text)
	}
}

// From an enlarged feature map in Explore, "Pictures that excite this
// filter" shows that filter's top pictures of the open collection.
func TestFilterFromExplore(t *testing.T) {
	root, _ := curatedFolder(t)
	h, c := openCollection(t, root)
	h.open(filepath.Join(root, "bright", "day.png"))
	h.s.showView("explore") // the maps are clicked where they show
	h.settle()
	tiles := mapTiles(h.s.explore.Content())
	tiles[1].Tapped(&fyne.PointEvent{}) // layer 1, filter 2
	if h.topDialog() == nil {
		t.Fatal("no dialog after clicking a map")
	}
	var excite *widget.Button
	walk(h.topDialog(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Pictures that excite this filter" {
			excite = b
		}
	})
	if excite == nil {
		t.Fatal("no button to the filter's pictures in the dialog")
	}
	test.Tap(excite)
	h.settle()
	// Only the selected side tab's texts are visible.
	if h.s.tabs.Selected().Text != "Collection" || !hasText(c.Content(), "Layer 1, filter 2: the 9 of 10 pictures") {
		t.Errorf("tab %q, texts %q", h.s.tabs.Selected().Text, texts(c.Content()))
	}
}
