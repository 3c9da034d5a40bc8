package engine

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// tailLogits runs the network from conv layer layer's activations (after
// ReLU, CHW) to the logits in plain float64 Go, independently of gorgonia:
// the reference against which the gradient graph is checked.
func tailLogits(m *Model, layer int, act []float64, c, side int) []float64 {
	p := m.Params()
	x := act
	for i := layer - 1; i < len(ConvFilters); i++ {
		if i >= layer { // conv i+1: 3x3, valid, stride 1, then bias and ReLU
			w, b := p[2*i].Data, p[2*i+1].Data
			out := ConvFilters[i]
			ns := side - 2
			y := make([]float64, out*ns*ns)
			for o := 0; o < out; o++ {
				for r := 0; r < ns; r++ {
					for q := 0; q < ns; q++ {
						s := float64(b[o])
						for k := 0; k < c; k++ {
							for dy := 0; dy < 3; dy++ {
								for dx := 0; dx < 3; dx++ {
									s += float64(w[((o*c+k)*3+dy)*3+dx]) * x[(k*side+r+dy)*side+q+dx]
								}
							}
						}
						y[(o*ns+r)*ns+q] = math.Max(0, s)
					}
				}
			}
			x, c, side = y, out, ns
		}
		if poolAfter[i] {
			ns := side / 2
			y := make([]float64, c*ns*ns)
			for k := 0; k < c; k++ {
				for r := 0; r < ns; r++ {
					for q := 0; q < ns; q++ {
						v := math.Inf(-1)
						for dy := 0; dy < 2; dy++ {
							for dx := 0; dx < 2; dx++ {
								v = math.Max(v, x[(k*side+2*r+dy)*side+2*q+dx])
							}
						}
						y[(k*ns+r)*ns+q] = v
					}
				}
			}
			x, side = y, ns
		}
	}
	for d := 0; d < 3; d++ { // dense layers, (in, out) kernels
		w, b := p[10+2*d], p[11+2*d].Data
		in, out := w.Shape[0], w.Shape[1]
		y := make([]float64, out)
		for o := 0; o < out; o++ {
			s := float64(b[o])
			for i := 0; i < in; i++ {
				s += x[i] * float64(w.Data[i*out+o])
			}
			if d < 2 {
				s = math.Max(0, s)
			}
			y[o] = s
		}
		x = y
	}
	return x
}

func softmax(z []float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	out := make([]float64, len(z))
	sum := 0.0
	for i, v := range z {
		out[i] = math.Exp(v - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// TestLayerGradientMatchesFiniteDifferences checks d logit / d activation
// of every conv layer against central differences of an independent
// float64 forward pass of the rest of the network.
func TestLayerGradientMatchesFiniteDifferences(t *testing.T) {
	m, err := NewModel([]string{"a", "b", "c", "d"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := randomBatch(1, 4, 21)
	rng := rand.New(rand.NewPCG(9, 9))
	for layer := 1; layer <= 5; layer++ {
		class := layer % 4
		act, grad, probs, err := m.LayerGradient(x, layer, class)
		if err != nil {
			t.Fatal(err)
		}
		a := make([]float64, len(act.Data))
		for i, v := range act.Data {
			a[i] = float64(v)
		}
		// The reference agrees with the graph's forward pass...
		ref := softmax(tailLogits(m, layer, a, act.Channels, act.Height))
		for i := range ref {
			if math.Abs(ref[i]-float64(probs[i])) > 1e-4 {
				t.Fatalf("conv%d: reference probabilities %v, graph %v", layer, ref, probs)
			}
		}
		// ...and its differences agree with the gradient, at the largest
		// gradients and at random places, all with positive activations:
		// where max pooling takes the maximum of several zeros, gorgonia
		// sends the gradient to one of them, a one-sided derivative that
		// central differences halve.
		idx := make([]int, len(grad))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return math.Abs(float64(grad[idx[i]])) > math.Abs(float64(grad[idx[j]])) })
		var probe []int
		for _, j := range idx {
			if len(probe) < 3 && a[j] > 1e-3 {
				probe = append(probe, j)
			}
		}
		for len(probe) < 8 {
			if j := rng.IntN(len(a)); a[j] > 1e-3 {
				probe = append(probe, j)
			}
		}
		if grad[idx[0]] == 0 {
			t.Fatalf("conv%d: gradient is all zeros", layer)
		}
		for _, j := range probe {
			const h = 1e-4
			orig := a[j]
			a[j] = orig + h
			up := tailLogits(m, layer, a, act.Channels, act.Height)[class]
			a[j] = orig - h
			down := tailLogits(m, layer, a, act.Channels, act.Height)[class]
			a[j] = orig
			numeric := (up - down) / (2 * h)
			got := float64(grad[j])
			if math.Abs(numeric-got) > 1e-4+1e-3*math.Abs(numeric) {
				t.Errorf("conv%d[%d] (activation %.4g): gradient %.6g, finite difference %.6g", layer, j, orig, got, numeric)
			}
		}
	}
}

// TestLayerGradientRepeatsAndFollowsWeights checks that runs do not
// accumulate gradients and that a change of the model's weights is seen.
func TestLayerGradientRepeatsAndFollowsWeights(t *testing.T) {
	m, err := NewModel([]string{"a", "b", "c"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := randomBatch(1, 3, 4)
	_, g1, p1, err := m.LayerGradient(x, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, g2, _, err := m.LayerGradient(x, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatalf("second run differs at %d: %g then %g", i, g1[i], g2[i])
		}
	}
	pred, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p1 {
		if math.Abs(float64(p1[i]-pred.Probabilities[i])) > 1e-6 {
			t.Fatalf("probabilities %v, Predict says %v", p1, pred.Probabilities)
		}
	}
	bias := m.Params()[len(m.Params())-1].Data
	bias[1] += 3
	_, _, p3, err := m.LayerGradient(x, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p3[1] <= p1[1] {
		t.Errorf("raising class 1's bias left its probability at %g (was %g)", p3[1], p1[1])
	}
	for _, bad := range []struct{ layer, class int }{{0, 0}, {6, 0}, {1, -1}, {1, 3}} {
		if _, _, _, err := m.LayerGradient(x, bad.layer, bad.class); err == nil {
			t.Errorf("layer %d class %d: no error", bad.layer, bad.class)
		}
	}
}

// BenchmarkLayerGradient measures one Grad-CAM's network work (a forward
// and a backward pass), to compare with BenchmarkPredict.
func BenchmarkLayerGradient(b *testing.B) {
	m, err := NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	x, _ := randomBatch(1, 4, 1)
	if _, _, _, err := m.LayerGradient(x, 5, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, err := m.LayerGradient(x, 5, i%4); err != nil {
			b.Fatal(err)
		}
	}
}
