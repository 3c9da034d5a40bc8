package training

import "math"

// optimizer is Adam with Keras' defaults (beta1 0.9, beta2 0.999, epsilon
// 1e-7), or SGD with momentum when momentum is positive, with an optional
// L2 weight decay. gorgonia has solvers, but their moment estimates are
// private, so a run could not be checkpointed and resumed exactly, and
// their learning rate cannot be scheduled; this one keeps its state in
// plain slices that a checkpoint saves.
type optimizer struct {
	beta1, beta2, eps float64
	// momentum, when positive, makes this SGD with momentum (PyTorch's
	// form: m = momentum*m + g; p -= lr*m), m holding the velocity.
	momentum float64
	// decay[i] is the L2 weight decay of tensor i, added to its gradient
	// as decay*p (nil: none).
	decay []float32
	step  int
	m, v  [][]float32
}

// newAdam returns Adam for tensors of the given sizes.
func newAdam(sizes []int) *optimizer {
	a := &optimizer{beta1: 0.9, beta2: 0.999, eps: 1e-7}
	for _, n := range sizes {
		a.m = append(a.m, make([]float32, n))
		a.v = append(a.v, make([]float32, n))
	}
	return a
}

// newSGD returns SGD with the given momentum for tensors of the given
// sizes (v stays allocated, empty of meaning, so that checkpoints of both
// optimizers have one form).
func newSGD(sizes []int, momentum float64) *optimizer {
	o := newAdam(sizes)
	o.momentum = momentum
	return o
}

// update applies one step with learning rate lr, where grads[i] is the
// gradient of params[i]: for Adam, params[i] -= lr * mhat / (sqrt(vhat) +
// eps); for SGD, params[i] -= lr * m.
func (a *optimizer) update(params, grads [][]float32, lr float64) {
	a.step++
	if a.momentum > 0 {
		mu, step := float32(a.momentum), float32(lr)
		for i, p := range params {
			g, m := grads[i], a.m[i]
			var d float32
			if a.decay != nil {
				d = a.decay[i]
			}
			for j := range p {
				m[j] = mu*m[j] + g[j] + d*p[j]
				p[j] -= step * m[j]
			}
		}
		return
	}
	c1 := 1 - math.Pow(a.beta1, float64(a.step))
	c2 := 1 - math.Pow(a.beta2, float64(a.step))
	// Keras (and the Adam paper's efficient form) folds the bias corrections into the step size.
	alpha := float32(lr * math.Sqrt(c2) / c1)
	b1, b2 := float32(a.beta1), float32(a.beta2)
	eps := float32(a.eps) // Keras adds epsilon to sqrt(v), not to sqrt(vhat)
	for i, p := range params {
		g, m, v := grads[i], a.m[i], a.v[i]
		var d float32
		if a.decay != nil {
			d = a.decay[i]
		}
		for j := range p {
			gj := g[j]
			if d != 0 {
				gj += d * p[j]
			}
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			p[j] -= alpha * m[j] / (float32(math.Sqrt(float64(v[j]))) + eps)
		}
	}
}
