package training

import "math"

// adam is the Adam optimizer with Keras' defaults (beta1 0.9, beta2 0.999,
// epsilon 1e-7). gorgonia has an Adam solver, but its moment estimates are
// private, so a run could not be checkpointed and resumed exactly, and its
// learning rate cannot be scheduled; this one keeps its state in plain
// slices that a checkpoint saves.
type adam struct {
	beta1, beta2, eps float64
	step              int
	m, v              [][]float32
}

func newAdam(sizes []int) *adam {
	a := &adam{beta1: 0.9, beta2: 0.999, eps: 1e-7}
	for _, n := range sizes {
		a.m = append(a.m, make([]float32, n))
		a.v = append(a.v, make([]float32, n))
	}
	return a
}

// update applies one step with learning rate lr: params[i] -= lr * mhat /
// (sqrt(vhat) + eps), where grads[i] is the gradient of params[i].
func (a *adam) update(params, grads [][]float32, lr float64) {
	a.step++
	c1 := 1 - math.Pow(a.beta1, float64(a.step))
	c2 := 1 - math.Pow(a.beta2, float64(a.step))
	// Keras (and the Adam paper's efficient form) folds the bias corrections into the step size.
	alpha := float32(lr * math.Sqrt(c2) / c1)
	b1, b2 := float32(a.beta1), float32(a.beta2)
	eps := float32(a.eps) // Keras adds epsilon to sqrt(v), not to sqrt(vhat)
	for i, p := range params {
		g, m, v := grads[i], a.m[i], a.v[i]
		for j := range p {
			gj := g[j]
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			p[j] -= alpha * m[j] / (float32(math.Sqrt(float64(v[j]))) + eps)
		}
	}
}
