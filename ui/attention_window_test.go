package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/artlens/artlens/importer"
)

// A picture dropped onto the Attention tab is its picture (not Explore's).
func TestAttentionDrop(t *testing.T) {
	m, err := importer.ImportFile(filepath.Join("..", "importer", "testdata", "vit-opset17.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Model: m, ModelName: "vit", View: "attention"})
	path := writeJPEG(t, t.TempDir(), "dropped.jpg", 90, 70, 2)
	h.s.dropped([]fyne.URI{storage.NewFileURI(path)})
	h.settle()
	tab := h.s.tabs.Selected()
	if tab.Text != "Attention" || !hasText(tab.Content, "where the class token looks") || !hasText(tab.Content, "dropped.jpg") {
		t.Errorf("after a drop the %s tab shows %q", tab.Text, texts(tab.Content))
	}
}
