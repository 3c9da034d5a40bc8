package ui

import (
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/weights"
)

// modelFamilies are a model of each family ArtLens opens: the shipped ones
// and one torchvision fixture of each imported family (importer/testdata).
var modelFamilies = []string{
	"study", "resnet",
	"densenet-opset13.onnx", "efficientnet-b0-opset13.onnx", "googlenet-opset13.onnx",
	"mobilenet-v2-opset13.onnx", "mobilenet-v3-small-opset13.onnx", "regnet-y-opset13.onnx",
	"resnet-opset17-bn.onnx", "shufflenet-v2-x0-5-opset13.onnx", "squeezenet1-1-opset13.onnx", "vit-opset17.onnx",
}

// TestEveryViewFits builds the window with a model of each family and a
// picture open, and checks that no view asks for more than 1280x800 at
// zoom 1 (an imported DenseNet's made the window 2,032 px wide).
func TestEveryViewFits(t *testing.T) {
	if testing.Short() {
		t.Skip("imports eleven models")
	}
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 80, 1)
	for _, family := range modelFamilies {
		t.Run(family, func(t *testing.T) {
			var opts Options
			if filepath.Ext(family) == ".onnx" {
				m, err := importer.ImportFile(filepath.Join("..", "importer", "testdata", family), importer.Options{})
				if err != nil {
					t.Fatal(err)
				}
				opts.Model, opts.ModelName = m, family
			} else {
				m, err := weights.Load(family)
				if err != nil {
					t.Fatal(err)
				}
				opts.Model, opts.ModelName = m, family
			}
			opts.Images = []string{img}
			h := newHarness(t, opts)
			for _, name := range Views {
				h.s.showView(name)
				h.settle()
				view := h.s.tabs.Selected().Content.MinSize()
				if view.Width > 1280 || view.Height > 800 {
					t.Errorf("%s view: needs %v, more than 1280x800", name, view)
				}
				// The window is as large as its largest view needs, and
				// the header and tabs besides.
				if got := h.w.Content().MinSize(); got.Width > 1280 || got.Height > 800 {
					t.Errorf("%s view: the window needs %v, more than 1280x800", name, got)
				}
			}
		})
	}
}
