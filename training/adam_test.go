package training

import (
	"math"
	"testing"
)

// TestSGDWithMomentumAndDecay follows two steps of PyTorch's SGD (momentum
// 0.9, weight decay 0.1) by hand on a decayed tensor and a tensor without
// decay (a bias): m = 0.9 m + g + decay*p; p -= lr*m.
func TestSGDWithMomentumAndDecay(t *testing.T) {
	p := [][]float32{{2}, {2}}
	g := [][]float32{{0.5}, {0.5}}
	o := newSGD([]int{1, 1}, 0.9)
	o.decay = []float32{0.1, 0}
	const lr = 0.1
	// Decayed: m1 = 0.5 + 0.2 = 0.7, p1 = 2 - 0.07 = 1.93;
	// m2 = 0.63 + 0.5 + 0.193 = 1.323, p2 = 1.93 - 0.1323 = 1.7977.
	// Bias: m1 = 0.5, p1 = 1.95; m2 = 0.95, p2 = 1.855.
	o.update(p, g, lr)
	if math.Abs(float64(p[0][0])-1.93) > 1e-6 || math.Abs(float64(p[1][0])-1.95) > 1e-6 {
		t.Fatalf("after step 1: %v %v, want 1.93 1.95", p[0][0], p[1][0])
	}
	o.update(p, g, lr)
	if math.Abs(float64(p[0][0])-1.7977) > 1e-6 || math.Abs(float64(p[1][0])-1.855) > 1e-6 {
		t.Fatalf("after step 2: %v %v, want 1.7977 1.855", p[0][0], p[1][0])
	}
}

// TestAdamWeightDecay checks that Adam's L2 decay is the gradient plus
// decay*p: the same step as plain Adam on that gradient.
func TestAdamWeightDecay(t *testing.T) {
	p1 := [][]float32{{3}}
	p2 := [][]float32{{3}}
	a1, a2 := newAdam([]int{1}), newAdam([]int{1})
	a1.decay = []float32{0.2}
	a1.update(p1, [][]float32{{0.5}}, 0.01)
	a2.update(p2, [][]float32{{0.5 + 0.2*3}}, 0.01)
	if p1[0][0] != p2[0][0] {
		t.Fatalf("with decay %v, on the decayed gradient %v", p1[0][0], p2[0][0])
	}
}
