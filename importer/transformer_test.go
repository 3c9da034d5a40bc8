package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// TestImportTransformers imports the fixtures of
// scripts/make-transformer-fixtures.py (torchvision's ConvNeXt, small, at
// opset 13 with LayerNorm written op by op and a dynamic batch, and at
// opset 17 with LayerNormalization; a 1,000-class one; LayerNorm and
// GELU heads) and checks each against PyTorch's output within 1e-4,
// through its weights file too, and that Grad-CAM's gradient reaches its
// default place.
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
			act, grad, _, err := m.LayerGradient(ref.Input, m.CAMPlace(), engine.Argmax(p.Probabilities))
			if err != nil || len(grad) != len(act.Data) || len(grad) == 0 {
				t.Fatalf("Grad-CAM's gradient at place %d: %d values for %d, %v", m.CAMPlace(), len(grad), len(act.Data), err)
			}
		})
	}
}

// TestViTExplained checks the imported ViT's attention (every block and
// head), attention rollout and Grad-CAM at its default place (the last
// block's ln_1, patch tokens on their grid) against PyTorch's, computed
// by scripts/make-transformer-fixtures.py for the fixture's picture.
func TestViTExplained(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "vit-opset17.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, "vit-opset17")
	data, err := os.ReadFile(filepath.Join("testdata", "vit-opset17-explain.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Class     int
		Attention [][]float32
		Rollout   []float32
		GradCAM   []float32 `json:"gradcam"`
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	maps, p, err := m.Attention(ref.Input)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != len(want.Attention) || p.Class != want.Class {
		t.Fatalf("%d attention layers and class %d, PyTorch %d and %d", len(maps), p.Class, len(want.Attention), want.Class)
	}
	if maps[0].Name != "encoder.layers.encoder_layer_0.self_attention" {
		t.Errorf("the first attention is called %q", maps[0].Name)
	}
	for l, a := range maps {
		if a.Heads != 2 || a.Tokens != 17 || a.Extra != 1 || a.GridHeight != 4 || a.GridWidth != 4 {
			t.Errorf("layer %s: %d heads, %d tokens, %d before a %dx%d grid", a.Name, a.Heads, a.Tokens, a.Extra, a.GridHeight, a.GridWidth)
		}
		if d := maxDiff(a.Probs, want.Attention[l]); d > 1e-5 {
			t.Errorf("layer %s: attention differs from PyTorch's by %.2g", a.Name, d)
		}
	}
	roll, err := explain.RolloutOf(maps, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rollout: largest difference %.2g, correlation %.6f", maxDiff(roll, want.Rollout), correlation(roll, want.Rollout))
	if d := maxDiff(roll, want.Rollout); d > 1e-4 {
		t.Errorf("rollout %v, PyTorch %v", roll, want.Rollout)
	}
	if got := m.Places()[m.CAMPlace()-1].Name; got != "encoder.layers.encoder_layer_1.ln_1" {
		t.Errorf("Grad-CAM's default place %q, want the last block's ln_1", got)
	}
	cam, err := explain.GradCAM(m, ref.Input, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Grad-CAM: largest difference %.2g, correlation %.6f", maxDiff(cam.Values, want.GradCAM), correlation(cam.Values, want.GradCAM))
	if cam.Width != 4 || cam.Height != 4 || correlation(cam.Values, want.GradCAM) < 0.999 || maxDiff(cam.Values, want.GradCAM) > 1e-3 {
		t.Errorf("Grad-CAM %dx%d %v, PyTorch %v", cam.Width, cam.Height, cam.Values, want.GradCAM)
	}
	rm, err := explain.Rollout(m, ref.Input, -1)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Method != explain.MethodRollout || rm.Width != 4 || maxDiff(rm.Values, roll) != 0 {
		t.Errorf("Rollout's map %+v", rm)
	}
}

// maxDiff returns the largest difference between a and b (+Inf when their
// lengths differ).
func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// correlation returns Pearson's correlation of a and b.
func correlation(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var ma, mb float64
	for i := range a {
		ma += float64(a[i])
		mb += float64(b[i])
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		x, y := float64(a[i])-ma, float64(b[i])-mb
		sab += x * y
		saa += x * x
		sbb += y * y
	}
	return sab / math.Sqrt(saa*sbb)
}

// TestImportOpset18Forms reads the opset-13 ConvNeXt (LayerNorm written
// op by op) edited into opset 18's form, which Debian's torch 1.13 cannot
// write: ReduceMean's axes an input instead of an attribute. Its outputs
// must stay PyTorch's.
func TestImportOpset18Forms(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "convnext-opset13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		t.Fatal(err)
	}
	mp.OpsetImport[0].Version = proto.Int64(18)
	g := mp.GetGraph()
	edited := 0
	for k, n := range g.GetNode() {
		if n.GetOpType() != "ReduceMean" {
			continue
		}
		var kept []*onnxpb.AttributeProto
		var axes []int64
		for _, a := range n.GetAttribute() {
			if a.GetName() == "axes" {
				axes = a.GetInts()
				continue
			}
			kept = append(kept, a)
		}
		n.Attribute = kept
		name := fmt.Sprintf("reducemean_axes_%d", k)
		g.Initializer = append(g.Initializer, &onnxpb.TensorProto{Name: proto.String(name), Dims: []int64{int64(len(axes))},
			DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Int64Data: axes})
		n.Input = append(n.Input, name)
		edited++
	}
	if edited == 0 {
		t.Fatal("no ReduceMean to edit")
	}
	data, err = proto.Marshal(&mp)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Import(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, "convnext-opset13")
	p, err := m.Predict(ref.Input)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(p.Logits, ref.Output); d > 1e-4 {
		t.Errorf("%d ReduceMeans edited: outputs %v, PyTorch %v", edited, p.Logits, ref.Output)
	}
}
