package importer

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// outputReference is sigmoid-resnet.json: two pictures' 8-bit pixels (CHW)
// and PyTorch's outputs for them (scripts/make-output-fixtures.py).
type outputReference struct {
	Pixels  [][]int     `json:"pixels"`
	Outputs [][]float64 `json:"outputs"`
}

// TestImportSigmoidOutput imports a residual network that ends in
// torch.sigmoid: it gives the file's own scores (within 1e-4), never a
// softmax over them, knows its output kind, and keeps both through the
// weights file.
func TestImportSigmoidOutput(t *testing.T) {
	m, err := ImportFile(filepath.Join("testdata", "sigmoid-resnet.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Output() != engine.OutputSigmoid {
		t.Fatalf("output %q, want sigmoid", m.Output())
	}
	data, err := os.ReadFile(filepath.Join("testdata", "sigmoid-resnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref outputReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	blob, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := engine.Load(blob)
	if err != nil {
		t.Fatal(err)
	}
	if back.Output() != engine.OutputSigmoid {
		t.Fatalf("read back, output %q", back.Output())
	}
	for k, px := range ref.Pixels {
		in := make([]float32, len(px))
		for i, v := range px {
			in[i] = float32(v) / 255
		}
		for name, model := range map[string]*engine.Model{"imported": m, "read back": back} {
			p, err := model.Predict(in)
			if err != nil {
				t.Fatal(err)
			}
			batch, err := model.PredictBatch(in, 1)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0.0
			for c, want := range ref.Outputs[k] {
				sum += float64(p.Probabilities[c])
				if d := math.Abs(float64(p.Probabilities[c]) - want); d > 1e-4 {
					t.Errorf("%s, picture %d, class %d: %v, PyTorch %v", name, k+1, c, p.Probabilities[c], want)
				}
				if batch[0][c] != p.Probabilities[c] {
					t.Errorf("%s, picture %d: PredictBatch %v, Predict %v", name, k+1, batch[0], p.Probabilities)
				}
				// The logits are the values before the sigmoid.
				if d := math.Abs(1/(1+math.Exp(-float64(p.Logits[c]))) - want); d > 1e-4 {
					t.Errorf("%s, picture %d, class %d: logit %v is not the sigmoid's input", name, k+1, c, p.Logits[c])
				}
			}
			if math.Abs(sum-1) < 0.05 {
				t.Errorf("%s, picture %d: the scores sum to %v, as a softmax's would", name, k+1, sum)
			}
		}
	}
}

// TestImportOutputKinds reads the output kind from the last step of a
// graph: the tiny fixture as exported (Softmax), and with its last node
// made a Sigmoid, a Relu or a Clip; the committed Tanh fixture is refused
// naming Tanh, and nothing is made of a refused model.
func TestImportOutputKinds(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "tiny-opset17.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	tanh, err := os.ReadFile(filepath.Join("testdata", "refuse-tanh.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	lastAs := func(op string) []byte {
		var m onnxpb.ModelProto
		if err := proto.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		nodes := m.GetGraph().GetNode()
		last := nodes[len(nodes)-1]
		if last.GetOpType() != "Softmax" {
			t.Fatalf("the tiny fixture ends in %s", last.GetOpType())
		}
		last.OpType, last.Attribute = proto.String(op), nil
		data, err := proto.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cases := []struct {
		name   string
		data   []byte
		output string // the kind, or "" for a refusal
		want   string // in the refusal
	}{
		{"softmax", good, engine.OutputSoftmax, ""},
		{"sigmoid", lastAs("Sigmoid"), engine.OutputSigmoid, ""},
		{"relu", lastAs("Relu"), "", "Relu node"},
		{"clip", lastAs("Clip"), "", "Clip node"},
		{"tanh", tanh, "", `Tanh node "/Tanh", which is not a classifier's output`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Import(c.data, Options{})
			if c.output == "" {
				if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), c.want) || m != nil {
					t.Fatalf("error %v (model %v), want a refusal saying %q", err, m != nil, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Output() != c.output {
				t.Errorf("output %q, want %q", m.Output(), c.output)
			}
			if a := m.Arch(); a.Layers[len(a.Layers)-1].Kind == engine.Sigmoid {
				t.Errorf("the final Sigmoid is still a layer: the engine applies it as the output")
			}
		})
	}
}
