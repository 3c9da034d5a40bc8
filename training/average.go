package training

import "math"

// average is an exponential moving average of the weights, taken after
// every optimizer step (Polyak averaging). Late in a run the weights hop
// around a minimum from batch to batch; their average sits nearer its
// middle and validates higher and steadier than any single step's weights.
type average struct {
	decay   float64
	weights [][]float32
}

// newAverage starts an average of weights with the given decay (0 < decay < 1).
func newAverage(decay float64, weights [][]float32) *average {
	a := &average{decay: decay}
	for _, w := range weights {
		a.weights = append(a.weights, append([]float32(nil), w...))
	}
	return a
}

// rate returns the decay used after optimizer step t (1-based). Early on
// the weights change fast and the start values mean nothing, so the decay
// grows from 0.2 towards its set value as (1+t)/(10+t), as TensorFlow's
// ExponentialMovingAverage does with num_updates.
func (a *average) rate(t int) float64 {
	return math.Min(a.decay, float64(1+t)/float64(10+t))
}

// update folds weights, as they are after optimizer step t, into the average.
func (a *average) update(weights [][]float32, t int) {
	k := float32(1 - a.rate(t))
	for i, w := range weights {
		avg := a.weights[i]
		for j := range avg {
			avg[j] += k * (w[j] - avg[j])
		}
	}
}
