package engine

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestInputGradientFiniteDifferences checks InputGradient's value against
// Predict (a logit, the mean of a filter's map, one cell of it) and its
// gradient with respect to the input against central finite differences,
// on the test networks (padding, strides, pooling first, batch norm, the
// input's normalisation) and the study's.
func TestInputGradientFiniteDifferences(t *testing.T) {
	archs := opArchs()
	archs["study"] = StudyArch()
	for name, arch := range archs {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 7)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			x := make([]float32, arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			pred, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			last := len(m.ConvLayers())
			a1, aL := pred.Activations[0], pred.Activations[last-1]
			centre := make([]float32, a1.Height*a1.Width)
			centre[a1.Height/2*a1.Width+a1.Width/2] = 1
			mean := func(v []float32) (s float64) {
				for _, x := range v {
					s += float64(x)
				}
				return s / float64(len(v))
			}
			for _, c := range []struct {
				what   string
				target Target
				want   float64
			}{
				{"logit of class 2", Target{Class: 2}, float64(pred.Logits[2])},
				{"mean of the last layer's filter 1", Target{Layer: last, Filter: 1}, mean(aL.Map(1))},
				{"centre of conv 1's filter 0", Target{Layer: 1, Filter: 0, Weights: centre}, float64(a1.Map(0)[a1.Height/2*a1.Width+a1.Width/2])},
			} {
				v, grad, probs, err := m.InputGradient(x, c.target)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(float64(v)-c.want) > 1e-4+1e-4*math.Abs(c.want) {
					t.Errorf("%s: value %g, Predict gives %g", c.what, v, c.want)
				}
				if !closeTo(probs, pred.Probabilities, 1e-5) {
					t.Errorf("%s: probabilities %v, Predict gives %v", c.what, probs, pred.Probabilities)
				}
				loss := func() float64 {
					v, _, _, err := m.InputGradient(x, c.target)
					if err != nil {
						t.Fatal(err)
					}
					return float64(v)
				}
				p := Param{Name: c.what + ": input", Data: x}
				for _, j := range []int{argmaxAbs(grad), rng.IntN(len(x)), rng.IntN(len(x))} {
					checkFiniteDifference(t, loss, p, j, grad[j], 3e-4) // small: the first random picture has a max near its kink
				}
			}
		})
	}
}

// TestInputGradientRefusesBadTargets checks the one-line errors.
func TestInputGradientRefusesBadTargets(t *testing.T) {
	m, err := NewModelArch(smallArch(), []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, m.Input().Len())
	for _, tg := range []Target{{Layer: 9}, {Layer: 1, Filter: 99}, {Class: 5}, {Layer: 1, Weights: []float32{1}}} {
		if _, _, _, err := m.InputGradient(x, tg); err == nil {
			t.Errorf("%+v: no error", tg)
		}
	}
}

// TestInputGradientsAsInputGradient checks that InputGradients gives, for
// each input, InputGradient's gradient bit for bit, on one core and on
// three (workers take the inputs in any order), and that a cancelled
// context stops it.
func TestInputGradientsAsInputGradient(t *testing.T) {
	m, err := NewModelArch(StudyArch(), []string{"a", "b", "c"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	inputs := make([][]float32, 7)
	for i := range inputs {
		inputs[i] = make([]float32, m.Input().Len())
		for j := range inputs[i] {
			inputs[i][j] = rng.Float32()
		}
	}
	for _, target := range []Target{{Class: 1}, {Layer: 2, Filter: 3}} {
		want := make([][]float32, len(inputs))
		for i, x := range inputs {
			if _, want[i], _, err = m.InputGradient(x, target); err != nil {
				t.Fatal(err)
			}
		}
		for _, procs := range []int{1, 3} {
			old := runtime.GOMAXPROCS(procs)
			got, err := m.InputGradients(context.Background(), inputs, target)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("%+v on %d cores: input %d's gradient differs from InputGradient's", target, procs, i)
				}
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.InputGradients(ctx, inputs, Target{Class: 0}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
	if _, err := m.InputGradients(context.Background(), [][]float32{{1, 2}}, Target{Class: 0}); err == nil {
		t.Error("a short input: no error")
	}
}
