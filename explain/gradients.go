package explain

import (
	"context"
	"fmt"
	"math"

	"github.com/artlens/artlens/engine"
)

// Method names of the gradient methods, which read the input and the
// output only.
const (
	MethodIntegratedGradients = "integrated-gradients"
	MethodSmoothGrad          = "smoothgrad"
)

// Defaults of the gradient methods: Captum's IntegratedGradients (n_steps
// 50, Gauss-Legendre) and the SmoothGrad (50 noisy copies, sigma
// 0.15 of the input's range).
const (
	IGSteps           = 50
	SmoothGradSamples = 50
	SmoothGradSigma   = 0.15
)

// GaussLegendre returns the n nodes (ascending, in [-1, 1]) and weights of
// Gauss-Legendre quadrature, as numpy.polynomial.legendre.leggauss(n)
// does: Newton's method on the Legendre polynomial P_n from Chebyshev
// guesses.
func GaussLegendre(n int) (nodes, weights []float64) {
	nodes, weights = make([]float64, n), make([]float64, n)
	for i := 0; i < (n+1)/2; i++ {
		x := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for iter := 0; iter < 100; iter++ {
			p0, p1 := 1.0, x
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*x*p1-(float64(k)-1)*p0)/float64(k)
			}
			dp = float64(n) * (x*p1 - p0) / (x*x - 1)
			dx := p1 / dp
			x -= dx
			if math.Abs(dx) < 1e-16 {
				break
			}
		}
		// Recompute the derivative at the converged node for the weight.
		p0, p1 := 1.0, x
		for k := 2; k <= n; k++ {
			p0, p1 = p1, ((2*float64(k)-1)*x*p1-(float64(k)-1)*p0)/float64(k)
		}
		dp = float64(n) * (x*p1 - p0) / (x*x - 1)
		w := 2 / ((1 - x*x) * dp * dp)
		nodes[i], nodes[n-1-i] = -x, x
		weights[i], weights[n-1-i] = w, w
	}
	return nodes, weights
}

// resolveClass returns class, or the class the network predicts for input
// when class is -1, with the input's probabilities.
func resolveClass(m *engine.Model, input []float32, class int) (int, []float32, error) {
	p, err := m.Predict(input)
	if err != nil {
		return 0, nil, err
	}
	if class < 0 {
		class = engine.Argmax(p.Probabilities)
	}
	if class >= len(p.Probabilities) {
		return 0, nil, fmt.Errorf("explain: class %d out of range 0..%d", class, len(p.Probabilities)-1)
	}
	return class, p.Probabilities, nil
}

// IntegratedGradients explains input for class (-1: the predicted one) as
// Captum's IntegratedGradients does with its defaults (Sundararajan et
// al., 2017): baseline the zero input, n_steps 50, method
// "gausslegendre", target the class's logit. With Gauss-Legendre nodes
// x_i and weights w_i on [-1, 1], alpha_i = (1 + x_i)/2 and step
// s_i = w_i/2, the attribution of input value j is
// input_j * sum_i s_i * d logit / d input_j at alpha_i * input. The map
// holds, for each input pixel (row-major, the input's width and height),
// the sum of its colour channels' attributions, signed: positive where
// the pixel raised the logit. The attributions of all pixels sum to about
// logit(input) - logit(0) (completeness). 50 backward passes; it stops
// with ctx's error when ctx is cancelled.
func IntegratedGradients(ctx context.Context, m *engine.Model, input []float32, class int) (Map, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return Map{}, fmt.Errorf("explain: input has %d values, want %d", len(input), in.Len())
	}
	c, probs, err := resolveClass(m, input, class)
	if err != nil {
		return Map{}, err
	}
	nodes, weights := GaussLegendre(IGSteps)
	scaled := make([][]float32, len(nodes))
	for i := range nodes {
		alpha := (1 + nodes[i]) / 2
		scaled[i] = make([]float32, len(input))
		for j, v := range input {
			scaled[i][j] = float32(alpha * float64(v))
		}
	}
	grads, err := m.InputGradients(ctx, scaled, engine.Target{Class: c})
	if err != nil {
		return Map{}, err
	}
	// Summed in the nodes' order, whichever core computed each.
	total := make([]float64, len(input))
	for i, grad := range grads {
		step := weights[i] / 2
		for j, g := range grad {
			total[j] += step * float64(g)
		}
	}
	for j, v := range input {
		total[j] *= float64(v)
	}
	return Map{Method: MethodIntegratedGradients, Class: c, Width: in.Width, Height: in.Height,
		Values: sumChannels(total, in), Probabilities: probs}, nil
}

// sumChannels sums a CHW array over its channels into a row-major map.
func sumChannels(v []float64, in engine.Input) []float32 {
	plane := in.Width * in.Height
	out := make([]float32, plane)
	for i := range out {
		var s float64
		for ch := 0; ch < in.Channels; ch++ {
			s += v[ch*plane+i]
		}
		out[i] = float32(s)
	}
	return out
}

// SmoothGradNoise returns the noise SmoothGrad adds to copy k (from 0) of
// an input of n values: n standard normal numbers, normal draws k*n to
// (k+1)*n-1 of seed's stream (see random.go), times sigma.
func SmoothGradNoise(seed uint64, k, n int, sigma float64) []float32 {
	out := make([]float32, n)
	for j := range out {
		out[j] = float32(sigma * normal(seed, uint64(k*n+j)))
	}
	return out
}

// SmoothGrad explains input for class (-1: the predicted one, on the input
// without noise) as Captum's NoiseTunnel(Saliency) does with
// nt_type "smoothgrad" (Smilkov et al., 2017): 50 copies of the input,
// each with Gaussian noise of standard deviation sigma = 0.15 * (max - min
// of the input's values) added to every value (SmoothGradNoise, seeded by
// seed; not clipped), and the map is the mean over the copies of the
// absolute value of the gradient of the class's logit (Saliency's default
// abs=True), summed over the colour channels, per input pixel: never
// negative. 50 backward passes; it stops with ctx's error when ctx is
// cancelled.
func SmoothGrad(ctx context.Context, m *engine.Model, input []float32, class int, seed uint64) (Map, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return Map{}, fmt.Errorf("explain: input has %d values, want %d", len(input), in.Len())
	}
	c, probs, err := resolveClass(m, input, class)
	if err != nil {
		return Map{}, err
	}
	lo, hi := input[0], input[0]
	for _, v := range input {
		lo, hi = min(lo, v), max(hi, v)
	}
	sigma := SmoothGradSigma * float64(hi-lo)
	noisy := make([][]float32, SmoothGradSamples)
	for k := range noisy {
		noise := SmoothGradNoise(seed, k, len(input), sigma)
		noisy[k] = make([]float32, len(input))
		for j, v := range input {
			noisy[k][j] = v + noise[j]
		}
	}
	grads, err := m.InputGradients(ctx, noisy, engine.Target{Class: c})
	if err != nil {
		return Map{}, err
	}
	total := make([]float64, len(input))
	for _, grad := range grads {
		for j, g := range grad {
			total[j] += math.Abs(float64(g))
		}
	}
	for j := range total {
		total[j] /= SmoothGradSamples
	}
	return Map{Method: MethodSmoothGrad, Class: c, Width: in.Width, Height: in.Height,
		Values: sumChannels(total, in), Probabilities: probs}, nil
}
