package training

import (
	"math/rand/v2"
	"sync"

	"github.com/artlens/artlens/engine"
)

// stepper performs optimizer steps: it runs a batch split over several
// training graphs side by side (gorgonia runs one graph on one core), takes
// the mean of their gradients and applies Adam to the model's weights.
type stepper struct {
	m       *engine.Model
	graphs  []*engine.TrainingGraph
	opt     *optimizer
	weights [][]float32 // the model's weights, updated in place
	grads   [][]float32 // the batch's gradient
	// frozen[i] keeps tensor i as it is (fine-tuning): its gradient stays
	// zero, so Adam leaves it alone. nil: every tensor trains.
	frozen []bool
	// inputs[w] and labels[w] are worker w's share of the next batch, to
	// be filled by the caller before step.
	inputs [][]float32
	labels [][]int
}

// newStepper prepares steps of batch images over workers graphs of m
// (workers must divide batch), their batch norms in mode bn.
func newStepper(m *engine.Model, batch, workers int, opt *optimizer, bn engine.BatchNormMode) (*stepper, error) {
	st := &stepper{m: m, opt: opt}
	sub := batch / workers
	for w := 0; w < workers; w++ {
		g, err := m.NewTrainingGraph(sub, bn)
		if err != nil {
			return nil, err
		}
		st.graphs = append(st.graphs, g)
		st.inputs = append(st.inputs, make([]float32, sub*m.Input().Len()))
		st.labels = append(st.labels, make([]int, sub))
	}
	for _, p := range m.Params() {
		st.weights = append(st.weights, p.Data)
		st.grads = append(st.grads, make([]float32, len(p.Data)))
	}
	return st, nil
}

// step runs the batch in inputs and labels with dropout drawn from rngs
// (one per worker), updates the weights with learning rate lr, and returns
// the batch's mean loss and how many images were classified right.
func (st *stepper) step(lr float64, rngs []*rand.PCG) (loss float64, correct int, err error) {
	n := len(st.graphs)
	losses := make([]float64, n)
	rights := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w, g := range st.graphs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			losses[w], rights[w], errs[w] = g.Forward(st.inputs[w], st.labels[w], rngs[w])
		}()
	}
	wg.Wait()
	for w := range st.graphs {
		if errs[w] != nil {
			return 0, 0, errs[w]
		}
		loss += losses[w] / float64(n)
		correct += rights[w]
	}
	// Each graph's loss is a mean over its share of the batch, so the
	// batch's gradient is the mean of the graphs' gradients.
	scale := float32(1) / float32(n)
	for w, g := range st.graphs {
		gs, err := g.Gradients()
		if err != nil {
			return 0, 0, err
		}
		for i, src := range gs {
			if st.frozen != nil && st.frozen[i] {
				continue
			}
			dst := st.grads[i]
			if w == 0 {
				for j := range dst {
					dst[j] = src[j] * scale
				}
			} else {
				for j := range dst {
					dst[j] += src[j] * scale
				}
			}
		}
	}
	st.opt.update(st.weights, st.grads, lr)
	// The running averages of batch norms, which get no gradient (Adam
	// leaves them as they are), take in this batch's statistics.
	if err := st.m.FoldBatchStatistics(st.graphs); err != nil {
		return 0, 0, err
	}
	return loss, correct, nil
}
