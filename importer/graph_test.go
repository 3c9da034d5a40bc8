package importer

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/importer/internal/onnxpb"
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
		{"shufflenet-v2-x0-5-opset13", 56},
		{"shufflenet-v2-x0-5-opset17-bn", 56},
		{"refuse-residual", 2},
		{"refuse-sigmoid", 1},
		{"refuse-grouped", 2},
		{"transform-input-opset13", 1},
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

// TestImportPlaceNames checks that an imported ResNet's layers carry the
// names of its modules, that its blocks are places after its conv
// layers, and that Grad-CAM's default place is layer4's output, as
// pytorch-grad-cam's documentation chooses.
func TestImportPlaceNames(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "resnet-opset17-bn.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	places := m.Places()
	var names []string
	for _, p := range places[12:] {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"layer1.0", "layer2.0", "layer3.0", "layer4.0"}) || places[0].Name != "conv1" || places[11].Name != "layer4.0.downsample.0" {
		t.Errorf("places %v", places)
	}
	if cam := m.CAMPlace(); cam != 16 || places[15].Channels != 512 || places[15].Height != 2 {
		t.Errorf("Grad-CAM's place %d (%+v)", cam, places[cam-1])
	}
	if !slices.Contains(m.Summary()[9].Inputs, "maxpool") {
		t.Errorf("layer1.0's inputs %v", m.Summary()[9])
	}
}

// TestGradCAMMatchesPyTorch checks Grad-CAM on the imported ResNet at
// layer4 (Grad-CAM's default place) against PyTorch autograd's
// (scripts/make-onnx-fixtures.py --gradcam): the activation, the gradient
// of the predicted class's score with respect to it, and the map.
func TestGradCAMMatchesPyTorch(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "resnet-opset17-bn.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, "resnet-opset17-bn")
	data, err := os.ReadFile(filepath.Join("testdata", "resnet-opset17-bn-gradcam.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Class                     int
		Activation, Gradient, CAM []float32
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	layer := m.CAMPlace()
	act, grad, _, err := m.LayerGradient(ref.Input, layer, want.Class)
	if err != nil {
		t.Fatal(err)
	}
	close := func(what string, got, want []float32, tol float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, PyTorch %d", what, len(got), len(want))
		}
		worst := 0.0
		for i := range got {
			worst = max(worst, math.Abs(float64(got[i]-want[i])))
		}
		t.Logf("%s: largest difference from PyTorch %.2g", what, worst)
		if worst > tol {
			t.Errorf("%s differs from PyTorch's by %.3g", what, worst)
		}
	}
	close("activation", act.Data, want.Activation, 1e-4)
	close("gradient", grad, want.Gradient, 1e-5)
	cam, err := explain.CAM(act, grad)
	if err != nil {
		t.Fatal(err)
	}
	top := slices.Max(want.CAM) // ArtLens' map is divided by its maximum
	for i := range want.CAM {
		want.CAM[i] /= top
	}
	close("map", cam, want.CAM, 1e-4)
}

// TestImportOpset18ReduceMean rewrites an exported MobileNetV2 as
// PyTorch's newer exporter writes it (opset 18: its global pooling a
// ReduceMean over height and width, the axes an input) and checks that
// it still matches PyTorch's output; over other axes it is refused.
func TestImportOpset18ReduceMean(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mobilenet-v2-opset13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, "mobilenet-v2-opset13")
	for _, c := range []struct {
		axes []int64
		want string // "" for a match with PyTorch
	}{{[]int64{2, 3}, ""}, {[]int64{-1, -2}, ""}, {[]int64{1, 2}, "averages over axes [1 2]"}} {
		var m onnxpb.ModelProto
		if err := proto.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		m.OpsetImport[0].Version = proto.Int64(18)
		g := m.GetGraph()
		for _, n := range g.GetNode() {
			if n.GetOpType() == "GlobalAveragePool" {
				n.OpType = proto.String("ReduceMean")
				n.Input = append(n.Input, "mean_axes")
			}
		}
		g.Initializer = append(g.Initializer, &onnxpb.TensorProto{Name: proto.String("mean_axes"), Dims: []int64{2},
			DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Int64Data: c.axes})
		edited, err := proto.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		model, err := Import(edited, Options{})
		if c.want != "" {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("axes %v: error %v, want one saying %q", c.axes, err, c.want)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := model.Predict(ref.Input)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Logits {
			if math.Abs(float64(p.Logits[i]-ref.Output[i])) > 1e-4 {
				t.Fatalf("axes %v: logits %v, PyTorch %v", c.axes, p.Logits, ref.Output)
			}
		}
	}
}

// TestImportFoldsTransformInput checks that GoogLeNet's transform_input
// (torchvision's own code: each channel gathered, scaled, shifted and
// concatenated again) folds into the input's normalisation: with
// ImageNet's mean and std given, it turns them into (x-0.5)/0.5, which is
// what the transform is for.
func TestImportFoldsTransformInput(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "transform-input-opset13.onnx"),
		Options{Mean: []float32{0.485, 0.456, 0.406}, Std: []float32{0.229, 0.224, 0.225}})
	if err != nil {
		t.Fatal(err)
	}
	a := m.Arch()
	for k := range 3 {
		if math.Abs(float64(a.Mean[k]-0.5)) > 1e-6 || math.Abs(float64(a.Std[k]-0.5)) > 1e-6 {
			t.Fatalf("mean %v, std %v, want 0.5 each", a.Mean, a.Std)
		}
	}
	if len(a.Layers) != 5 {
		t.Errorf("%d layers: the transform is not folded away", len(a.Layers))
	}
}

// TestImportShuffleNet checks the imported ShuffleNet's places (each
// block's output is its channel shuffle, under the block's name), that
// torch.chunk's halves rewritten as one Split (as other exporters write
// them) still match PyTorch, and that a channel shuffle written otherwise
// is refused with the node named.
func TestImportShuffleNet(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "shufflenet-v2-x0-5-opset13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, "shufflenet-v2-x0-5-opset13")
	m, err := Import(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	places := m.Places()
	if p := places[56]; p.Name != "stage2.0" || p.Channels != 48 || p.Height != 8 {
		t.Errorf("the first block's place %+v", p)
	}
	if p := places[len(places)-1]; p.Name != "stage4.3" || m.CAMPlace() != 56 {
		t.Errorf("last place %+v, Grad-CAM's %d (conv5's maps, the pooling's input)", p, m.CAMPlace())
	}
	edit := func(f func(g *onnxpb.GraphProto)) []byte {
		var mp onnxpb.ModelProto
		if err := proto.Unmarshal(data, &mp); err != nil {
			t.Fatal(err)
		}
		f(mp.GetGraph())
		out, err := proto.Marshal(&mp)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Every pair of Slices of one tensor becomes one Split with sizes.
	split := edit(func(g *onnxpb.GraphProto) {
		var nodes []*onnxpb.NodeProto
		first := map[string]*onnxpb.NodeProto{}
		for _, n := range g.GetNode() {
			if n.GetOpType() != "Slice" || strings.Contains(n.GetInput()[0], "Shape") {
				nodes = append(nodes, n)
				continue
			}
			in := n.GetInput()[0]
			if a, ok := first[in]; ok {
				a.OpType = proto.String("Split")
				a.Output = append(a.Output, n.GetOutput()[0])
				continue
			}
			first[in] = n
			sizes := "split_" + n.GetName()
			half := int64(24) // of stage2's 48 channels
			switch {
			case strings.Contains(n.GetName(), "stage3"):
				half = 48
			case strings.Contains(n.GetName(), "stage4"):
				half = 96
			}
			n.Input = []string{in, sizes}
			n.Attribute = []*onnxpb.AttributeProto{{Name: proto.String("axis"), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(1)}}
			nodes = append(nodes, n)
			g.Initializer = append(g.Initializer, &onnxpb.TensorProto{Name: proto.String(sizes), Dims: []int64{2},
				DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Int64Data: []int64{half, half}})
		}
		if len(first) != 13 {
			t.Fatalf("%d tensors sliced in two, want 13 (ShuffleNet's stride-1 blocks)", len(first))
		}
		g.Node = nodes
	})
	sm, err := Import(split, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := sm.Predict(ref.Input)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Logits {
		if math.Abs(float64(p.Logits[i]-ref.Output[i])) > 1e-4 {
			t.Fatalf("with Split: logits %v, PyTorch %v", p.Logits, ref.Output)
		}
	}
	for _, c := range []struct {
		name string
		edit func(g *onnxpb.GraphProto)
		want string
	}{
		{"another transpose", func(g *onnxpb.GraphProto) {
			for _, n := range g.GetNode() {
				if n.GetOpType() == "Transpose" {
					n.GetAttribute()[0].Ints = []int64{0, 1, 2, 4, 3}
					return
				}
			}
		}, `Transpose node "/stage2/stage2.0/Transpose": it permutes the axes by [0 1 2 4 3]`},
		{"the 5-D view read by a ReLU", func(g *onnxpb.GraphProto) {
			for _, n := range g.GetNode() {
				if n.GetOpType() == "Transpose" {
					n.OpType = proto.String("Relu")
					n.Attribute = nil
					return
				}
			}
		}, `Relu node "/stage2/stage2.0/Transpose": it reads the 5-D view of a channel shuffle`},
	} {
		_, err := Import(edit(c.edit), Options{})
		if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
