package importer

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
)

// TestImportSwin imports the Swin fixtures of
// scripts/make-transformer-fixtures.py --swin (torchvision's
// SwinTransformer, small: two stages of two blocks, the second of each
// shifted, a PatchMerging between) at opset 13 (LayerNorm op by op, a
// dynamic batch) and 17, and checks them against PyTorch's output within
// 1e-4, through the weights file too, and that Grad-CAM's gradient
// reaches its default place.
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
				if l.Kind != engine.WindowAttention {
					continue
				}
				shift := 0
				if l.Name == "features.1.1.attn" || l.Name == "features.3.1.attn" {
					shift = 2
				}
				heads := 2
				if l.Name[:10] == "features.3" {
					heads = 4
				}
				if l.Heads != heads || l.Window[0] != 4 || l.Window[1] != 4 || l.Shift[0] != shift || l.Shift[1] != shift ||
					math.Abs(l.Alpha-1/math.Sqrt(6)) > 1e-7 {
					t.Errorf("%s: heads %d, window %v, shift %v, scale %v", l.Name, l.Heads, l.Window, l.Shift, l.Alpha)
				}
			}
			for k, n := range map[string]int{engine.WindowAttention: 4, engine.PatchMerge: 1, engine.LayerNorm: 11, engine.GELU: 4, engine.Add: 8} {
				if got[k] != n {
					t.Errorf("%d layers of kind %s, want %d", got[k], k, n)
				}
			}
			ref := readReference(t, name)
			p, err := m.Predict(ref.Input)
			if err != nil {
				t.Fatal(err)
			}
			d := maxDiff(p.Logits, ref.Output)
			t.Logf("largest difference from PyTorch: %.2g", d)
			if d > 1e-4 {
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
			if maxDiff(q.Logits, p.Logits) != 0 {
				t.Fatalf("logits change through the weights file: %v vs %v", q.Logits, p.Logits)
			}
			act, grad, _, err := m.LayerGradient(ref.Input, m.CAMPlace(), engine.Argmax(p.Probabilities))
			if err != nil || len(grad) != len(act.Data) || len(grad) == 0 {
				t.Fatalf("Grad-CAM's gradient at place %d: %d values for %d, %v", m.CAMPlace(), len(grad), len(act.Data), err)
			}
		})
	}
}

// TestImportSwinPadded imports a Swin whose maps (18x18) torchvision pads
// to whole windows of 4x4 (its padding's tokens are keys and values too,
// the shifted block's mask is on the padded maps) and crops back, and
// checks it against PyTorch's output within 1e-4.
func TestImportSwinPadded(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "swin-pad-opset17.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	padded := 0
	for _, l := range m.Arch().Layers {
		if l.Kind == engine.WindowAttention && len(l.Pads) == 4 && l.Pads[2] == 2 && l.Pads[3] == 2 {
			padded++
		}
	}
	if padded != 2 {
		t.Errorf("%d window attentions padded by 2, want 2", padded)
	}
	ref := readReference(t, "swin-pad-opset17")
	p, err := m.Predict(ref.Input)
	if err != nil {
		t.Fatal(err)
	}
	d := maxDiff(p.Logits, ref.Output)
	t.Logf("largest difference from PyTorch: %.2g", d)
	if d > 1e-4 {
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
	if q, err := back.Predict(ref.Input); err != nil || maxDiff(q.Logits, p.Logits) != 0 {
		t.Fatalf("through the weights file: %v, %v", q, err)
	}
	if _, err := explain.GradCAM(m, ref.Input, 0, -1); err != nil {
		t.Errorf("Grad-CAM: %v", err)
	}
}

// TestSwinExplained checks the imported Swin's places against PyTorch's
// (each stage's blocks' outputs, maps on the patch grid) and Grad-CAM at
// its default place, the final norm before the pooling, computed by
// scripts/make-transformer-fixtures.py --swin for the fixture's picture.
func TestSwinExplained(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "swin-opset17.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, "swin-opset17")
	data, err := os.ReadFile(filepath.Join("testdata", "swin-opset17-explain.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Class       int
		GradCAM     []float32 `json:"gradcam"`
		Blocks      [][]float32
		BlockShapes [][]int `json:"block_shapes"`
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(ref.Input)
	if err != nil {
		t.Fatal(err)
	}
	if p.Class != want.Class {
		t.Fatalf("class %d, PyTorch %d", p.Class, want.Class)
	}
	for b, name := range []string{"features.1.0", "features.1.1", "features.3.0", "features.3.1"} {
		k, err := m.PlaceNumber(name)
		if err != nil {
			t.Fatal(err)
		}
		pl, a := m.Places()[k-1], p.Activations[k-1]
		s := want.BlockShapes[b]
		if pl.Channels != s[0] || pl.Height != s[1] || pl.Width != s[2] {
			t.Errorf("place %s: %dx%dx%d, PyTorch %v", name, pl.Channels, pl.Height, pl.Width, s)
		}
		if d := maxDiff(a.Data, want.Blocks[b]); d > 1e-4 {
			t.Errorf("place %s differs from PyTorch's block output by %.2g", name, d)
		}
	}
	if got := m.Places()[m.CAMPlace()-1].Name; got != "norm" {
		t.Errorf("Grad-CAM's default place %q, want the final norm", got)
	}
	cam, err := explain.GradCAM(m, ref.Input, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Grad-CAM: largest difference %.2g, correlation %.6f", maxDiff(cam.Values, want.GradCAM), correlation(cam.Values, want.GradCAM))
	if cam.Width != 8 || cam.Height != 8 || correlation(cam.Values, want.GradCAM) < 0.999 || maxDiff(cam.Values, want.GradCAM) > 1e-3 {
		t.Errorf("Grad-CAM %dx%d %v, PyTorch %v", cam.Width, cam.Height, cam.Values, want.GradCAM)
	}
}

// TestImportSwinT checks the full torchvision swin_t (random weights,
// 224x224, 1,000 classes) that scripts/check-swin-t.py writes, when
// ARTLENS_SWIN_ONNX names it (without .onnx): a check by hand, the file
// being 110 MB.
func TestImportSwinT(t *testing.T) {
	base := os.Getenv("ARTLENS_SWIN_ONNX")
	if base == "" {
		t.Skip("ARTLENS_SWIN_ONNX names no model")
	}
	start := time.Now()
	m, err := ImportFile(base+".onnx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported in %v", time.Since(start).Round(time.Millisecond))
	data, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(ref.Input)
	if err != nil {
		t.Fatal(err)
	}
	d := maxDiff(p.Logits, ref.Output)
	t.Logf("swin_t: %d layers, %d places; largest difference from PyTorch %.2g", len(m.Arch().Layers), len(m.Places()), d)
	if d > 1e-4 {
		t.Errorf("largest difference %.2g", d)
	}
}
