package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gorgonia.org/tensor"
)

// Model is the study's network with its weights and metadata.
//
// Predict may be called from several goroutines; calls are serialised.
// Training (package training) changes the weights through Params.
type Model struct {
	// Meta describes the model; Meta.Classes fixes the number of outputs.
	Meta Metadata

	weights []*tensor.Dense // in paramSpecs order

	mu    sync.Mutex
	infer *network // batch-1 inference graph, built on first use
}

// Preprocessing is the input contract written into every weights file.
const Preprocessing = "RGB (alpha composited over white), resized to 64x64 with bilinear " +
	"interpolation (nfnt/resize) without keeping the aspect ratio, values scaled to [0,1], CHW order"

// NewModel returns a model for the given classes (at least two) with
// Glorot-uniform kernels and zero biases drawn from seed, as Keras
// initialises the study's layers.
func NewModel(classes []string, seed uint64) (*Model, error) {
	if len(classes) < 2 {
		return nil, fmt.Errorf("engine: a model needs at least 2 classes, got %d", len(classes))
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	m := &Model{Meta: Metadata{Classes: append([]string(nil), classes...), InputSize: InputSize, Preprocessing: Preprocessing}}
	for _, s := range paramSpecs(len(classes)) {
		data := make([]float32, s.Shape.TotalSize())
		if s.FanIn > 0 {
			limit := math.Sqrt(6 / float64(s.FanIn+s.FanOut))
			for i := range data {
				data[i] = float32((rng.Float64()*2 - 1) * limit)
			}
		}
		m.weights = append(m.weights, tensor.New(tensor.WithShape(s.Shape.Clone()...), tensor.WithBacking(data)))
	}
	return m, nil
}

// Param is one weight tensor of a model.
type Param struct {
	Name  string
	Shape []int
	// Data is the model's own storage: writing to it changes the model.
	Data []float32
}

// Params returns the model's weight tensors in a fixed order (conv1.weight,
// conv1.bias, ..., dense3.bias).
func (m *Model) Params() []Param {
	specs := paramSpecs(len(m.Meta.Classes))
	out := make([]Param, len(specs))
	for i, s := range specs {
		out[i] = Param{Name: s.Name, Shape: []int(s.Shape.Clone()), Data: m.weights[i].Data().([]float32)}
	}
	return out
}

// ParamCount returns the number of weights and biases.
func (m *Model) ParamCount() int {
	t := 0
	for _, w := range m.weights {
		t += w.Shape().TotalSize()
	}
	return t
}

// Predict runs one image through the network. input is the image as
// picture.ToInput returns it: 3*64*64 values in CHW order, in [0,1].
func (m *Model) Predict(input []float32) (*Prediction, error) {
	if len(input) != 3*InputSize*InputSize {
		return nil, fmt.Errorf("engine: input has %d values, want %d (3x%dx%d)", len(input), 3*InputSize*InputSize, InputSize, InputSize)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.infer == nil {
		n, err := buildNetwork(m.weights, len(m.Meta.Classes), 1, false)
		if err != nil {
			return nil, err
		}
		m.infer = n
	}
	n := m.infer
	if err := n.run(append([]float32(nil), input...), nil, nil); err != nil {
		return nil, fmt.Errorf("engine: forward pass: %w", err)
	}
	p := &Prediction{Probabilities: append([]float32(nil), values(n.probs)...)}
	p.Class = Argmax(p.Probabilities)
	for i, c := range n.convs {
		s := c.Shape()
		p.Activations = append(p.Activations, Activation{Layer: i + 1, Channels: s[1], Height: s[2], Width: s[3],
			Data: append([]float32(nil), values(c)...)})
	}
	return p, nil
}

// PredictBatch returns the class probabilities of many images at once
// (inputs concatenated, 3*64*64 values each), batch images per graph run.
// It is the fast path for evaluation; it does not keep activations.
func (m *Model) PredictBatch(inputs []float32, batch int) ([][]float32, error) {
	size := 3 * InputSize * InputSize
	if len(inputs)%size != 0 {
		return nil, errors.New("engine: inputs are not a whole number of images")
	}
	if batch < 1 {
		batch = 1
	}
	count := len(inputs) / size
	if count < batch {
		batch = max(count, 1)
	}
	n, err := buildNetwork(m.weights, len(m.Meta.Classes), batch, false)
	if err != nil {
		return nil, err
	}
	out := make([][]float32, 0, count)
	buf := make([]float32, batch*size)
	for start := 0; start < count; start += batch {
		k := min(batch, count-start)
		clear(buf)
		copy(buf, inputs[start*size:(start+k)*size])
		if err := n.run(buf, nil, nil); err != nil {
			return nil, fmt.Errorf("engine: forward pass: %w", err)
		}
		probs := values(n.probs)
		classes := len(m.Meta.Classes)
		for i := 0; i < k; i++ {
			out = append(out, append([]float32(nil), probs[i*classes:(i+1)*classes]...))
		}
	}
	return out, nil
}

// Argmax returns the index of the largest value (the first one on ties).
func Argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
