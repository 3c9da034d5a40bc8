package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/artlens/artlens/engine/nn"
)

// BatchNormMomentum is the weight of a training batch's statistics in a
// batch norm's running averages, PyTorch's default (Keras' 0.99 decay is
// 1 - 0.01).
const BatchNormMomentum = 0.1

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

	// Smoothing, in [0, 1), is the label smoothing of the loss: the target
	// of each image is 1-Smoothing+Smoothing/K for its class and
	// Smoothing/K for each of the K-1 others, instead of one and zeros.
	Smoothing float32
}

// BatchNormMode says how the batch norms of a training graph normalise.
type BatchNormMode int

const (
	// BatchStatistics normalises by the mean and variance of each batch,
	// as PyTorch's train mode does: the way to train a network from
	// scratch. Model.FoldBatchStatistics then updates the running
	// averages that inference uses.
	BatchStatistics BatchNormMode = iota
	// RunningStatistics normalises by the running averages, which stay
	// as they are (PyTorch's eval mode): fine-tuning the last layer of a
	// trained network keeps its features as they were.
	RunningStatistics
)

// NewTrainingGraph builds the training graph of m for batches of batch
// images, its batch norms in the given mode.
func (m *Model) NewTrainingGraph(batch int, bn BatchNormMode) (*TrainingGraph, error) {
	if m.Output() == OutputSigmoid {
		// The loss is the softmax's cross-entropy against one label a
		// picture, which would teach a multi-label model the wrong thing.
		return nil, errors.New("engine: this model gives independent (sigmoid) scores; ArtLens trains and fine-tunes only softmax classifiers")
	}
	own := make([]*tensor.Dense, len(m.weights))
	for i, w := range m.weights {
		own[i] = w.Clone().(*tensor.Dense)
	}
	n, err := buildNetwork(m.arch, m.steps, own, networkOptions{Classes: len(m.Meta.Classes), Batch: batch, Train: true, BatchStats: bn == BatchStatistics})
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
// returns the mean cross-entropy (against the smoothed targets, with
// Smoothing) and how many images were classified right.
func (t *TrainingGraph) Forward(input []float32, labels []int, rng *rand.PCG) (loss float64, correct int, err error) {
	classes := len(t.m.Meta.Classes)
	if len(labels) != t.net.batch {
		return 0, 0, fmt.Errorf("engine: %d labels for a batch of %d", len(labels), t.net.batch)
	}
	if t.Smoothing < 0 || t.Smoothing >= 1 {
		return 0, 0, fmt.Errorf("engine: label smoothing %v is outside [0, 1)", t.Smoothing)
	}
	off := t.Smoothing / float32(classes)
	for i := range t.onehot {
		t.onehot[i] = off
	}
	for i, l := range labels {
		if l < 0 || l >= classes {
			return 0, 0, fmt.Errorf("engine: label %d out of range", l)
		}
		t.onehot[i*classes+l] = 1 - t.Smoothing + off
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

// batchNormStats is a batch norm of a training graph that normalises by
// batch statistics: its op, which keeps them, and the indices (in Params
// order) of the layer's running mean and variance.
type batchNormStats struct {
	op             *nn.BatchNormOp
	mean, variance int
}

// FoldBatchStatistics folds the batch statistics of the last Forward of
// graphs (training graphs of m in BatchStatistics mode, of one batch size,
// which together ran one batch) into m's running averages, as PyTorch's
// train mode does: running = (1-momentum)·running + momentum·batch, with
// BatchNormMomentum and the batch's unbiased variance. Each graph
// normalised by its own share's statistics (as PyTorch's DataParallel
// does); the running averages get those of the whole batch: the mean of
// the shares' means, and the mean of their variances plus the variance of
// their means.
func (m *Model) FoldBatchStatistics(graphs []*TrainingGraph) error {
	m.own()            // it writes the running averages
	m.WeightsChanged() // called after every step: the step's new weights too
	if len(graphs) == 0 {
		return nil
	}
	first := graphs[0].net
	for _, g := range graphs {
		if g.m != m || len(g.net.norms) != len(first.norms) || g.net.batch != first.batch {
			return errors.New("engine: the graphs are not training graphs of this model with one batch size and mode")
		}
	}
	k := float64(len(graphs))
	mom := BatchNormMomentum
	for i, bn := range first.norms {
		mean, variance := m.weights[bn.mean].Float32s(), m.weights[bn.variance].Float32s()
		if len(bn.op.Mean()) != len(mean) {
			return errors.New("engine: batch statistics asked for before a Forward")
		}
		// Values per channel in the whole batch, for the unbiased variance.
		count := float64(len(graphs)*first.batch) * float64(bn.op.OutputShape().TotalSize()/(first.batch*len(mean)))
		for ch := range mean {
			var mu float64
			for _, g := range graphs {
				mu += g.net.norms[i].op.Mean()[ch]
			}
			mu /= k
			var v float64
			for _, g := range graphs {
				o := g.net.norms[i].op
				d := o.Mean()[ch] - mu
				v += o.Variance()[ch] + d*d
			}
			v = v / k * count / (count - 1)
			mean[ch] = float32((1-mom)*float64(mean[ch]) + mom*mu)
			variance[ch] = float32((1-mom)*float64(variance[ch]) + mom*v)
		}
	}
	return nil
}

// UsesBatchStatistics says whether the graph's batch norms normalise by
// batch statistics (it has some, in BatchStatistics mode).
func (t *TrainingGraph) UsesBatchStatistics() bool { return len(t.net.norms) > 0 }
