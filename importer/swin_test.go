package importer

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestImportSwin imports the Swin fixtures of
// scripts/make-transformer-fixtures.py --swin (torchvision's
// SwinTransformer, small: two stages of two blocks, the second of each
// shifted, a PatchMerging between) at opset 13 (LayerNorm op by op, a
// dynamic batch) and 17, and checks them against PyTorch's output
// within 1e-4.
func TestImportSwin(t *testing.T) {
	for _, name := range []string{"swin-opset17", "swin-opset13"} {
		t.Run(name, func(t *testing.T) {
			m, err := ImportFile(filepath.Join("testdata", name+".onnx"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, l := range m.Arch().Layers {
				got[l.Kind]++
				if l.Kind == engine.WindowAttention {
					t.Logf("%s: heads %d, window %v, shift %v, scale %v", l.Name, l.Heads, l.Window, l.Shift, l.Alpha)
				}
			}
			for k, n := range map[string]int{engine.WindowAttention: 4, engine.PatchMerge: 1, engine.LayerNorm: 11, engine.GELU: 4} {
				if got[k] != n {
					t.Errorf("%d layers of kind %s, want %d", got[k], k, n)
				}
			}
			ref := readReference(t, name)
			p, err := m.Predict(ref.Input)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i := range p.Logits {
				worst = max(worst, math.Abs(float64(p.Logits[i]-ref.Output[i])))
			}
			t.Logf("largest difference from PyTorch: %.2g", worst)
			if worst > 1e-4 {
				t.Errorf("outputs %v, PyTorch %v", p.Logits, ref.Output)
			}
		})
	}
}
