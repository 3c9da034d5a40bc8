package engine

import (
	"fmt"
	"slices"
)

// stepOutput is some steps' outputs for one picture, as the graph that
// predicts computed them.
type stepOutput struct {
	steps   []int
	version uint64    // the weights' version they were computed with
	input   []float32 // the picture (a copy)
	out     []shape
	data    [][]float32 // CHW
}

// stepValue returns the output of step i (its shape and values in CHW
// order) for input, a picture as Predict takes it, as Predict's graph
// computes it: so the values that a conv layer reads there are the ones
// whose products give its maps (Cell's window when it reads neither the
// picture nor a place). A conv layer whose batch norm is folded into it
// gives the batch norm's output, as the batch norm (and a Clip folded
// with it) does; nothing but that batch norm reads such a conv layer.
//
// It runs the graph on every call but one for the step and picture of
// the call before, the weights unchanged: the value view steps from cell
// to cell of one map. The values returned are kept for that: the caller
// does not change them.
func (m *Model) stepValue(input []float32, i int) (shape, []float32, error) {
	out, data, err := m.stepValues(input, i)
	if err != nil {
		return shape{}, nil, err
	}
	return out[0], data[0], nil
}

// stepValues is stepValue for several steps from one run of the graph
// (a LayerNorm's input and output), kept together for the next call
// with the same steps.
func (m *Model) stepValues(input []float32, is ...int) ([]shape, [][]float32, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return nil, nil, fmt.Errorf("engine: input has %d values, want %d (%dx%dx%d)", len(input), in.Len(), in.Channels, in.Height, in.Width)
	}
	for _, i := range is {
		if i < 0 || i >= len(m.steps) {
			return nil, nil, fmt.Errorf("engine: there is no layer %d; the layers are 0 to %d", i, len(m.steps)-1)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	version := m.kernels.Version()
	if c := m.stepOut; c != nil && slices.Equal(c.steps, is) && c.version == version && slices.Equal(c.input, input) {
		return c.out, c.data, nil
	}
	if m.infer == nil {
		n, err := m.buildInference(1)
		if err != nil {
			return nil, nil, err
		}
		m.infer = n
	}
	n := m.infer
	if err := n.run(input, nil, nil); err != nil {
		return nil, nil, fmt.Errorf("engine: forward pass: %w", err)
	}
	c := &stepOutput{steps: slices.Clone(is), version: version, input: slices.Clone(input)}
	for _, i := range is {
		c.out = append(c.out, m.steps[i].out)
		c.data = append(c.data, slices.Clone(values(n.outs[i])))
	}
	m.stepOut = c
	return c.out, c.data, nil
}
