package importer

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestImportTransformers imports the fixtures of
// scripts/make-transformer-fixtures.py (torchvision's ConvNeXt, small, at
// opset 13 with LayerNorm written op by op and a dynamic batch, and at
// opset 17 with LayerNormalization; a 1,000-class one; LayerNorm and
// GELU heads) and checks each against PyTorch's output within 1e-4,
// through its weights file too.
func TestImportTransformers(t *testing.T) {
	cases := []struct {
		name   string
		layers map[string]int // how many layers of these kinds
	}{
		{"convnext-opset13", map[string]int{engine.LayerNorm: 5, engine.GELU: 2}},
		{"convnext-opset17", map[string]int{engine.LayerNorm: 5, engine.GELU: 2}},
		{"convnext-1000-opset17", map[string]int{engine.LayerNorm: 5, engine.GELU: 2}},
		{"layernorm-head-opset13", map[string]int{engine.LayerNorm: 1}},
		{"layernorm-head-opset17", map[string]int{engine.LayerNorm: 1}},
		{"gelu-head-opset17", map[string]int{engine.GELU: 1}},
		{"vit-opset13", map[string]int{engine.LayerNorm: 5, engine.GELU: 2, engine.Attention: 2, engine.ClassToken: 1, engine.Token: 1}},
		{"vit-opset17", map[string]int{engine.LayerNorm: 5, engine.GELU: 2, engine.Attention: 2, engine.ClassToken: 1, engine.Token: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ImportFile(filepath.Join("testdata", c.name+".onnx"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, l := range m.Arch().Layers {
				got[l.Kind]++
			}
			for k, n := range c.layers {
				if got[k] != n {
					t.Errorf("%d layers of kind %s, want %d", got[k], k, n)
				}
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
		})
	}
}
