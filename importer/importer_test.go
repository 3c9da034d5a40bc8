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
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// reference is what scripts/make-onnx-fixtures.py wrote beside a fixture:
// one input and PyTorch's output for it.
type reference struct {
	InputShape []int     `json:"input_shape"`
	Input      []float32 `json:"input"`
	Output     []float32 `json:"output"`
}

func readReference(t *testing.T, name string) reference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// nhwcToNCHW reorders a channels-last picture (h, w, c) to ArtLens' CHW.
func nhwcToNCHW(x []float32, h, w, c int) []float32 {
	out := make([]float32, len(x))
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			for ch := 0; ch < c; ch++ {
				out[(ch*h+y)*w+i] = x[(y*w+i)*c+ch]
			}
		}
	}
	return out
}

// TestImportMatchesPyTorch imports each fixture exported by PyTorch and
// checks its output for the stored input against PyTorch's within 1e-4.
func TestImportMatchesPyTorch(t *testing.T) {
	cases := []struct {
		name         string
		input        engine.Input
		channelsLast bool
		softmax      bool // the graph ends with a softmax: compare probabilities
		convs        []int
		log          bool // the graph ends with a log-softmax: compare log-probabilities
	}{
		{"tiny-opset11", engine.Input{Channels: 1, Height: 12, Width: 10}, false, true, []int{4, 6, 5}, false},
		{"tiny-opset17", engine.Input{Channels: 1, Height: 12, Width: 10}, false, true, []int{4, 6, 5}, false},
		{"tiny-view-opset11", engine.Input{Channels: 1, Height: 12, Width: 10}, false, true, []int{4, 6, 5}, false},
		{"tiny-view-opset17", engine.Input{Channels: 1, Height: 12, Width: 10}, false, true, []int{4, 6, 5}, false},
		{"channels-last-opset11", engine.Input{Channels: 3, Height: 8, Width: 10}, true, false, []int{4, 6}, false},
		{"channels-last-opset17", engine.Input{Channels: 3, Height: 8, Width: 10}, true, false, []int{4, 6}, false},
		{"study-opset13", engine.Input{Channels: 3, Height: 64, Width: 64}, false, true, engine.ConvFilters[:], false},
		{"log-softmax-opset13", engine.Input{Channels: 1, Height: 14, Width: 14}, false, true, []int{4, 8}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ImportFile(filepath.Join("testdata", c.name+".onnx"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Input() != c.input {
				t.Errorf("input %+v, want %+v", m.Input(), c.input)
			}
			if !slices.Equal(m.ConvLayers(), c.convs) {
				t.Errorf("conv layers %v, want %v", m.ConvLayers(), c.convs)
			}
			ref := readReference(t, c.name)
			x := ref.Input
			if c.channelsLast {
				x = nhwcToNCHW(x, c.input.Height, c.input.Width, c.input.Channels)
			}
			p, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Logits
			if c.softmax {
				got = p.Probabilities
			}
			if c.log {
				got = make([]float32, len(p.Probabilities))
				for i, v := range p.Probabilities {
					got[i] = float32(math.Log(float64(v)))
				}
			}
			if len(got) != len(ref.Output) {
				t.Fatalf("%d outputs, PyTorch %d", len(got), len(ref.Output))
			}
			worst := 0.0
			for i := range got {
				worst = max(worst, math.Abs(float64(got[i]-ref.Output[i])))
			}
			t.Logf("largest difference from PyTorch: %.2g", worst)
			if worst > 1e-4 {
				t.Errorf("outputs %v, PyTorch %v", got, ref.Output)
			}
			if engine.Argmax(p.Probabilities) != engine.Argmax(ref.Output) {
				t.Errorf("predicted class %d, PyTorch %d", engine.Argmax(p.Probabilities), engine.Argmax(ref.Output))
			}
			// The imported model is an ordinary ArtLens model: it
			// survives its weights file.
			data, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := engine.Load(data)
			if err != nil {
				t.Fatal(err)
			}
			q, err := back.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(q.Probabilities, p.Probabilities) {
				t.Errorf("predictions change through the weights file: %v vs %v", q.Probabilities, p.Probabilities)
			}
		})
	}
}

// TestImportRefuses checks that graphs ArtLens cannot run are refused with
// a message naming the op and the node.
func TestImportRefuses(t *testing.T) {
	cases := []struct {
		name string
		want []string
	}{
		{"refuse-two-inputs", []string{"2 inputs", `"input", "extra"`}},
		{"refuse-lstm", []string{"LSTM node", "recurrent networks"}},
		{"refuse-maxvit", []string{"Einsum node", "MaxViT"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ImportFile(filepath.Join("testdata", c.name+".onnx"), Options{})
			if err == nil {
				t.Fatal("imported")
			}
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("error %v does not wrap ErrUnsupported", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestImportOptions checks class names, normalisation and damaged files.
func TestImportOptions(t *testing.T) {
	path := filepath.Join("testdata", "tiny-opset17.onnx")
	m, err := ImportFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Meta.Classes, []string{"class 1", "class 2", "class 3"}) {
		t.Errorf("generic classes %v", m.Meta.Classes)
	}
	if got := m.Meta.Training["imported_from"]; got != "ONNX, opset 17, written by pytorch 1.13.0" {
		t.Errorf("imported_from %q", got)
	}
	m, err = ImportFile(path, Options{Classes: []string{"a", "b", "c"}, Mean: []float32{0.5}, Std: []float32{0.25}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Meta.Classes, []string{"a", "b", "c"}) || !slices.Equal(m.Arch().Mean, []float32{0.5}) {
		t.Errorf("classes %v, mean %v", m.Meta.Classes, m.Arch().Mean)
	}
	if !strings.Contains(m.Meta.Preprocessing, "grayscale") || !strings.Contains(m.Meta.Preprocessing, "10x12") {
		t.Errorf("preprocessing %q", m.Meta.Preprocessing)
	}
	bad := []struct {
		name string
		opt  Options
		data []byte
		want string
	}{
		{"two classes for three scores", Options{Classes: []string{"a", "b"}}, nil, "3 scores but 2 class names"},
		{"mean for three channels", Options{Mean: []float32{0.5, 0.5, 0.5}, Std: []float32{1, 1, 1}}, nil, "one value per input channel"},
		{"empty", Options{}, []byte{}, "empty"},
		{"text", Options{}, []byte("<html>not a model</html>"), "damaged or of another format"},
	}
	good, _ := os.ReadFile(path)
	bad = append(bad, struct {
		name string
		opt  Options
		data []byte
		want string
	}{"truncated", Options{}, good[:len(good)/2], "not an ONNX model"})
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			data := c.data
			if data == nil {
				data = good
			}
			_, err := Import(data, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestImportRefusesEdits edits a good fixture in ways ArtLens cannot run
// or that break ONNX's rules: each is refused with a reason, none panics.
func TestImportRefusesEdits(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "tiny-opset17.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	find := func(m *onnxpb.ModelProto, op string) *onnxpb.NodeProto {
		for _, n := range m.GetGraph().GetNode() {
			if n.GetOpType() == op {
				return n
			}
		}
		t.Fatalf("no %s node", op)
		return nil
	}
	setInt := func(n *onnxpb.NodeProto, name string, v ...int64) {
		for _, a := range n.GetAttribute() {
			if a.GetName() == name {
				if len(v) == 1 && a.GetType() == onnxpb.AttributeProto_INT {
					a.I = proto.Int64(v[0])
				} else {
					a.Ints = v
				}
				return
			}
		}
		t.Fatalf("no attribute %s", name)
	}
	cases := []struct {
		name string
		edit func(*onnxpb.ModelProto)
		want string
	}{
		{"old opset", func(m *onnxpb.ModelProto) { m.OpsetImport[0].Version = proto.Int64(7) }, "opset 7"},
		{"conv without weights", func(m *onnxpb.ModelProto) { c := find(m, "Conv"); c.Input = c.Input[:1] }, "has 1 inputs"},
		{"dilated conv", func(m *onnxpb.ModelProto) { setInt(find(m, "Conv"), "dilations", 2, 2) }, "dilated"},
		{"output cut", func(m *onnxpb.ModelProto) {
			g := m.GetGraph()
			g.Node = g.Node[:len(g.Node)-1]
		}, "is not the end of its chain"},
		{"missing bias tensor", func(m *onnxpb.ModelProto) { find(m, "Gemm").Input[2] = "nowhere" }, `reads "nowhere", which no node before it makes`},
		{"half precision", func(m *onnxpb.ModelProto) {
			m.GetGraph().GetInitializer()[0].DataType = proto.Int32(int32(onnxpb.TensorProto_FLOAT16))
		}, "float32 weights"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m onnxpb.ModelProto
			if err := proto.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			c.edit(&m)
			data, err := proto.Marshal(&m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Import(data, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}
