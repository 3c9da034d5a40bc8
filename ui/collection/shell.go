package collection

import (
	"image"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
)

// What the shell (package ui) asks of the Collection view: the menus, the
// command line's options, dropped folders, and the links from the other
// views (the Confusion view's cells, Explore's enlarged feature map, the
// Live view's followed filter), which the shell routes here.

// Open makes the pictures of paths (folders with their subfolders, or
// files) the collection and analyses them in the background.
func (c *View) Open(paths []string) { c.open(paths) }

// OpenDialog asks for a folder and opens it as the collection.
func (c *View) OpenDialog() { c.openDialog() }

// OpenCatalogue reads the catalogue file at path (--catalogue) for the
// collections opened.
func (c *View) OpenCatalogue(path string) { c.cat.open(path, false) }

// OpenCatalogueDialog shows the Catalogue tab and asks for a catalogue
// file (File › Open catalogue…).
func (c *View) OpenCatalogueDialog() {
	c.side.Select(c.catTab)
	c.cat.openDialog()
}

// ShowFilter shows the Filter tab with the pictures that excite filter
// (from 1) of layer (from 1) most.
func (c *View) ShowFilter(layer, filter int) { c.showFilter(layer, filter) }

// IsOpenTestSet reports whether the collection is the data set's test set
// (opened or being analysed).
func (c *View) IsOpenTestSet() bool { return c.isOpenTestSet() }

// ShowTestCell shows the open test set's pictures of true class truth
// predicted as pred (class names).
func (c *View) ShowTestCell(truth, pred string) { c.showTestCell(truth, pred) }

// OpenTestSet opens dir, a validation_set folder, as the collection and
// shows the pictures of true class truth predicted as pred once analysed.
func (c *View) OpenTestSet(dir, truth, pred string) { c.openTestSet(dir, truth, pred) }

// TestResults is what the open test set's analysis says of the model's
// stored test results (see View.TestResults).
type TestResults struct {
	Root     string // the test set's folder
	Complete bool   // every picture is analysed; the figures below are set only then
	// Total counts the pictures with a class, Accuracy the share answered
	// right, Differing the confusion cells whose counts differ from the
	// model's stored matrix.
	Total     int
	Accuracy  float64
	Differing int
}

// TestResults returns the figures of the open test set analysed with m;
// false when the collection is not the test set, or was analysed with
// another model.
func (c *View) TestResults(m *engine.Model) (TestResults, bool) {
	if !c.isOpenTestSet() || c.cells == nil || c.model != m {
		return TestResults{}, false
	}
	r := TestResults{Root: c.roots[0], Complete: c.complete}
	if c.complete {
		r.Total, r.Accuracy, r.Differing = c.ev.Total, c.ev.Accuracy, c.cellsDiffering()
	}
	return r, true
}

// TopPictures are the thumbnails of the k pictures of the open collection
// that excite filter (from 0) of layer (from 1) most, when it was
// analysed with m; none otherwise.
func (c *View) TopPictures(m *engine.Model, layer, filter, k int) []image.Image {
	if m == nil || c.model != m || len(c.items) == 0 || c.layout.Check(layer, filter+1) != nil {
		return nil
	}
	w, ht := collection.InputSide(m)
	var out []image.Image
	for _, hit := range collection.TopK(c.items, c.layout, collection.ModelFields(m), w, ht, layer, filter+1, k) {
		if img := hit.Item.Thumbnail(); img != nil {
			out = append(out, img)
		}
	}
	return out
}

// Running reports whether an analysis is under way.
func (c *View) Running() bool { return c.running }

// Roots are the folders and files open as the collection.
func (c *View) Roots() []string { return c.roots }

// Items are the pictures analysed so far (each content once in the test
// set).
func (c *View) Items() []*collection.Item { return c.items }

// Shown are the pictures the table shows, in its order.
func (c *View) Shown() []*collection.Item { return c.shown }

// Analyses counts the analyses started (a collection opened, or analysed
// again with another model).
func (c *View) Analyses() int { return c.gen }
