package engine

import (
	"fmt"
	"math"
)

// LayerNormStep is how one output of a LayerNorm comes about: the
// LayerNorm takes one position's values over all its channels (a token's,
// in a transformer), subtracts their mean, divides by the square root of
// their variance plus a small epsilon, then scales and shifts each
// channel by its own learned weight and bias.
type LayerNormStep struct {
	// Name is the LayerNorm's name; Position the token (or the map's
	// position, row by row) and Channel the channel shown, 0-based.
	Name              string
	Position, Channel int
	// Inputs are the position's values over the Channels channels, as the
	// engine computed them for the picture.
	Channels int
	Inputs   []float32
	// Mean and Variance are the inputs' mean and variance (divided by
	// the number of channels, as PyTorch's LayerNorm); Epsilon is added
	// to the variance before its square root, Std = sqrt(Variance +
	// Epsilon).
	Mean, Variance, Epsilon, Std float64
	// Input is the channel's value, Normalised = (Input − Mean)/Std;
	// Scale and Shift the channel's weight and bias.
	Input, Normalised, Scale, Shift float32
	// Value = Normalised·Scale + Shift, by this arithmetic; Engine is the
	// LayerNorm's output at the position and channel as the network
	// computed it (they agree to float32 rounding).
	Value, Engine float32
}

// LayerNorms returns the names of the model's LayerNorm layers, in order.
func (m *Model) LayerNorms() []string {
	var names []string
	for _, s := range m.steps {
		if s.Kind == LayerNorm {
			names = append(names, s.Name)
		}
	}
	return names
}

// AttentionNorm returns the name of the LayerNorm that attention layer
// block (0-based, as Model.Attention lists them) reads through its
// in-projection (a ViT block's ln_1), or "" when it reads none.
func (m *Model) AttentionNorm(block int) string {
	layers := m.attentionSteps()
	if block < 0 || block >= len(layers) {
		return ""
	}
	j := m.steps[layers[block]].ins[0]
	if j < 0 || m.steps[j].Kind != Conv2D {
		return ""
	}
	if k := m.steps[j].ins[0]; k >= 0 && m.steps[k].Kind == LayerNorm {
		return m.steps[k].Name
	}
	return ""
}

// LayerNormStep returns how channel channel of the LayerNorm named name
// comes about at position pos (a token; for a LayerNorm on maps, y·W +
// x) for the picture input (as Predict takes it).
func (m *Model) LayerNormStep(input []float32, name string, pos, channel int) (*LayerNormStep, error) {
	at, first := -1, 0
	for i, s := range m.steps {
		if s.Kind == LayerNorm && s.Name == name {
			at = i
			break
		}
		first += len(s.params)
	}
	if at < 0 {
		return nil, fmt.Errorf("engine: the model has no LayerNorm %q", name)
	}
	s := m.steps[at]
	if s.out.flat || len(s.ins) != 1 {
		return nil, fmt.Errorf("engine: %s normalises a flat vector; the arithmetic is shown for tokens and maps", s.Name)
	}
	c, n := s.out.c, s.out.h*s.out.w
	if pos < 0 || pos >= n || channel < 0 || channel >= c {
		return nil, fmt.Errorf("engine: %s has positions 0 to %d and channels 0 to %d; there is no (%d, %d)", s.Name, n-1, c-1, pos, channel)
	}
	j := s.ins[0]
	if j < 0 {
		return nil, fmt.Errorf("engine: %s reads the picture; the arithmetic is shown for a layer's output", s.Name)
	}
	// The input and the output from one run of the graph.
	_, data, err := m.stepValues(input, j, at)
	if err != nil {
		return nil, err
	}
	in, outData := data[0], data[1]
	st := &LayerNormStep{Name: s.Name, Position: pos, Channel: channel, Channels: c, Epsilon: s.Epsilon,
		Inputs: make([]float32, c), Engine: outData[channel*n+pos]}
	var sum float64
	for ch := range c {
		st.Inputs[ch] = in[ch*n+pos]
		sum += float64(st.Inputs[ch])
	}
	st.Mean = sum / float64(c)
	for _, v := range st.Inputs {
		d := float64(v) - st.Mean
		st.Variance += d * d
	}
	st.Variance /= float64(c)
	st.Std = math.Sqrt(st.Variance + st.Epsilon)
	st.Input = st.Inputs[channel]
	st.Normalised = float32((float64(st.Input) - st.Mean) / st.Std)
	st.Scale = m.weights[first].Float32s()[channel]
	st.Shift = m.weights[first+1].Float32s()[channel]
	st.Value = st.Normalised*st.Scale + st.Shift
	return st, nil
}
