package importer

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestImportTorchvision imports torchvision's own networks (written by
// scripts/make-onnx-fixtures.py: random weights, batch norm statistics
// randomised, 64x64 pictures, 5 classes; at opset 13 with batch norms
// folded and at opset 17 with them kept and a dynamic batch) and the
// small graphs that ArtLens refused before it ran graphs, and checks
// each against PyTorch's output within 1e-4, through its weights file
// too, and that Grad-CAM's gradient reaches its last conv layer.
func TestImportTorchvision(t *testing.T) {
	cases := []struct {
		name  string
		convs int // conv layers (Grad-CAM's places)
	}{
		{"resnet-opset17-bn", 12},
		{"mobilenet-v2-opset13", 52},
		{"mobilenet-v2-opset17-bn", 52},
		{"mobilenet-v3-small-opset13", 52},
		{"mobilenet-v3-small-opset17-bn", 52},
		{"efficientnet-b0-opset13", 51},
		{"efficientnet-b0-opset17-bn", 51},
		{"squeezenet1-1-opset13", 26},
		{"squeezenet1-1-opset17-bn", 26},
		{"densenet-opset13", 15},
		{"densenet-opset17-bn", 15},
		{"googlenet-opset13", 57},
		{"regnet-y-opset13", 23},
		{"regnet-y-opset17-bn", 23},
		{"refuse-residual", 2},
		{"refuse-sigmoid", 1},
		{"refuse-grouped", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && c.name == "googlenet-opset13" {
				t.Skip("22 MB")
			}
			m, err := ImportFile(filepath.Join("testdata", c.name+".onnx"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(m.ConvLayers()); got != c.convs {
				t.Errorf("%d conv layers, want %d", got, c.convs)
			}
			ref := readReference(t, c.name)
			p, err := m.Predict(ref.Input)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Logits) != len(ref.Output) {
				t.Fatalf("%d outputs, PyTorch %d", len(p.Logits), len(ref.Output))
			}
			worst := 0.0
			for i := range p.Logits {
				worst = max(worst, math.Abs(float64(p.Logits[i]-ref.Output[i])))
			}
			t.Logf("largest difference from PyTorch: %.2g", worst)
			if worst > 1e-4 {
				t.Errorf("outputs %v, PyTorch %v", p.Logits, ref.Output)
			}
			data, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := engine.Load(data)
			if err != nil {
				t.Fatal(err)
			}
			q, err := back.Predict(ref.Input)
			if err != nil {
				t.Fatal(err)
			}
			for i := range q.Logits {
				if q.Logits[i] != p.Logits[i] {
					t.Fatalf("logits change through the weights file: %v vs %v", q.Logits, p.Logits)
				}
			}
			act, grad, _, err := m.LayerGradient(ref.Input, c.convs, engine.Argmax(p.Probabilities))
			if err != nil {
				t.Fatal(err)
			}
			if len(grad) != len(act.Data) {
				t.Fatalf("%d gradients for %d activations", len(grad), len(act.Data))
			}
		})
	}
}
