package engine

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// TrainingGraph computes the loss and the gradients of a model for a batch
// of labelled images, with dropout active. Each Forward starts from the
// model's current weights, so an optimizer that updates Params().Data in
// place trains the model.
//
// The graph runs on its own copy of the weights: gorgonia transposes
// operands in place during matrix products, so two graphs bound to the same
// tensors cannot run at the same time.
type TrainingGraph struct {
	m      *Model
	own    []*tensor.Dense // the graph's copy of the weights
	net    *network
	masks  [][]float32
	onehot []float32
	zeros  map[int][]float32 // the gradients of frozen tensors
}

// NewTrainingGraph builds the training graph of m for batches of batch images.
func (m *Model) NewTrainingGraph(batch int) (*TrainingGraph, error) {
	own := make([]*tensor.Dense, len(m.weights))
	for i, w := range m.weights {
		own[i] = w.Clone().(*tensor.Dense)
	}
	n, err := m.build(own, batch, true)
	if err != nil {
		return nil, err
	}
	t := &TrainingGraph{m: m, own: own, net: n, onehot: make([]float32, batch*len(m.Meta.Classes))}
	for _, mk := range n.masks {
		t.masks = append(t.masks, make([]float32, mk.Shape().TotalSize()))
	}
	return t, nil
}

// Batch returns the number of images per step.
func (t *TrainingGraph) Batch() int { return t.net.batch }

// Forward runs one batch (batch images concatenated in CHW order, their
// class indices in labels) and computes the gradients. Dropout masks are
// drawn from rng; with rng nil dropout is off (for checking gradients). It
// returns the mean cross-entropy and how many images were classified right.
func (t *TrainingGraph) Forward(input []float32, labels []int, rng *rand.PCG) (loss float64, correct int, err error) {
	classes := len(t.m.Meta.Classes)
	if len(labels) != t.net.batch {
		return 0, 0, fmt.Errorf("engine: %d labels for a batch of %d", len(labels), t.net.batch)
	}
	clear(t.onehot)
	for i, l := range labels {
		if l < 0 || l >= classes {
			return 0, 0, fmt.Errorf("engine: label %d out of range", l)
		}
		t.onehot[i*classes+l] = 1
	}
	for i, mask := range t.masks {
		fillMask(mask, t.net.rates[i], rng)
	}
	for i, w := range t.m.weights {
		copy(t.own[i].Data().([]float32), w.Data().([]float32))
	}
	if err := t.net.run(input, t.onehot, t.masks); err != nil {
		return 0, 0, fmt.Errorf("engine: training step: %w", err)
	}
	loss = float64(t.net.loss.Value().Data().(float32))
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, 0, fmt.Errorf("engine: loss is %v", loss)
	}
	logits := values(t.net.logits)
	for i, l := range labels {
		if Argmax(logits[i*classes:(i+1)*classes]) == l {
			correct++
		}
	}
	return loss, correct, nil
}

// Gradients returns the gradient of the loss with respect to each weight
// tensor, in Params order, as computed by the last Forward. The slices are
// the graph's memory: read them before the next Forward.
func (t *TrainingGraph) Gradients() ([][]float32, error) {
	out := make([][]float32, len(t.net.params))
	for i, p := range t.net.params {
		if t.net.frozen[i] {
			if t.zeros == nil {
				t.zeros = map[int][]float32{}
			}
			if t.zeros[i] == nil {
				t.zeros[i] = make([]float32, p.Shape().TotalSize())
			}
			out[i] = t.zeros[i]
			continue
		}
		g, err := p.Grad()
		if err != nil {
			return nil, fmt.Errorf("engine: gradient of %s: %w", p.Name(), err)
		}
		out[i] = g.Data().([]float32)
	}
	return out, nil
}
