package explain

import (
	"math"
	"testing"

	"github.com/artlens/artlens/engine"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestCAMByHand checks CAM's arithmetic on two 2x2 channels worked out on
// paper.
func TestCAMByHand(t *testing.T) {
	act := engine.Activation{Layer: 1, Channels: 2, Height: 2, Width: 2, Data: []float32{
		1, 0, 2, 1, // channel 0
		0, 3, 1, 0, // channel 1
	}}
	tests := []struct {
		name string
		grad []float32
		want []float32
	}{
		// alpha = (1, 0.5): A0 + A1/2 = (1, 1.5, 2.5, 1), divided by 2.5.
		{"positive weights", []float32{1, 1, 1, 1, 0.5, -0.5, 1, 1}, []float32{0.4, 0.6, 1, 0.4}},
		// alpha = (1, -1): A0 - A1 = (1, -3, 1, 1); the ReLU cuts -3.
		{"negative weight", []float32{2, 0, 1, 1, -1, -1, -1, -1}, []float32{1, 0, 1, 1}},
		// alpha = (-1, 0): every sum is <= 0, so the map is all zeros.
		{"nothing positive", []float32{-1, -1, -1, -1, 3, -3, 0, 0}, []float32{0, 0, 0, 0}},
		// A zero gradient gives zeros, not NaN.
		{"zero gradient", make([]float32, 8), []float32{0, 0, 0, 0}},
	}
	for _, tc := range tests {
		got, err := CAM(act, tc.grad)
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want {
			if !near(float64(got[i]), float64(tc.want[i]), 1e-6) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	if _, err := CAM(act, make([]float32, 7)); err == nil {
		t.Error("a gradient of the wrong length gave no error")
	}
}

// handModel returns a 2-class model whose Grad-CAM at conv layer 5 can be
// worked out by hand. Every weight is zero except:
//   - centre taps of 1 that copy the input's red channel along filter 1 and
//     its green channel along filter 2 of every conv layer (each conv
//     crops one pixel per side, each pooling halves);
//   - dense1 unit 1 sums the 16 pooled values of conv5's filter 1, unit 2
//     those of filter 2; dense2 passes both on;
//   - class 2's logit is unit 1 minus unit 2.
//
// So class 2's logit is the sum of the pooled red copy minus that of the
// green copy: its gradient is +1 at the maximum of each of conv5's 16
// pooling windows in filter 1 and -1 in filter 2, giving the Grad-CAM
// weights +16/81 and -16/81 (conv5 is 9x9).
func handModel(t *testing.T) *engine.Model {
	t.Helper()
	m, err := engine.NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ps := map[string]engine.Param{}
	for _, p := range m.Params() {
		clear(p.Data)
		ps[p.Name] = p
	}
	in := 3
	for l := 1; l <= 5; l++ {
		w := ps["conv"+string(rune('0'+l))+".weight"].Data
		for o := 0; o < 2; o++ {
			w[((o*in+o)*3+1)*3+1] = 1
		}
		in = engine.ConvFilters[l-1]
	}
	d1 := ps["dense1.weight"]
	for i := 0; i < 32; i++ {
		d1.Data[i*d1.Shape[1]+i/16] = 1
	}
	d2 := ps["dense2.weight"]
	d2.Data[0*d2.Shape[1]+0], d2.Data[1*d2.Shape[1]+1] = 1, 1
	d3 := ps["dense3.weight"]
	d3.Data[0*2+1], d3.Data[1*2+1] = 1, -1
	return m
}

// TestGradCAMByHand runs the real engine on handModel with an input whose
// left half is red (R = 1, x < 32) over a uniform green of 0.5. Conv5's
// column x sees input columns 4x+13..4x+16, so its red copy is 1 in columns
// 0..4 and 0 in 5..8, and the green copy is 0.5 everywhere. Grad-CAM is
// ReLU(16/81 * (red - 0.5)) / max: 1 in columns 0..4, 0 in 5..8.
func TestGradCAMByHand(t *testing.T) {
	m := handModel(t)
	n := engine.InputSize
	in := make([]float32, 3*n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if x < 32 {
				in[y*n+x] = 1
			}
			in[n*n+y*n+x] = 0.5
		}
	}
	act, grad, _, err := m.LayerGradient(in, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	var s0, s1 float64
	for i, g := range grad {
		switch i / 81 {
		case 0:
			s0 += float64(g)
		case 1:
			s1 += float64(g)
		default:
			if g != 0 {
				t.Fatalf("gradient %g in filter %d, which the logit does not use", g, i/81+1)
			}
		}
	}
	if !near(s0, 16, 1e-5) || !near(s1, -16, 1e-5) {
		t.Errorf("gradient sums %g and %g, want 16 and -16", s0, s1)
	}
	for x := 0; x < 9; x++ {
		want := float32(0)
		if x <= 4 {
			want = 1
		}
		if got := act.Map(0)[4*9+x]; got != want {
			t.Errorf("conv5 red copy at column %d is %g, want %g", x, got, want)
		}
	}

	cam, err := GradCAM(m, in, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if cam.Layer != 5 || cam.Class != 1 || cam.Width != 9 || cam.Height != 9 || cam.Method != MethodGradCAM {
		t.Fatalf("map %+v", cam)
	}
	for y, row := range cam.Rows() {
		for x, v := range row {
			want := float32(0)
			if x <= 4 {
				want = 1
			}
			if !near(float64(v), float64(want), 1e-6) {
				t.Fatalf("Grad-CAM row %d: %v", y, row)
			}
		}
	}
	// Class 2's logit is 12 - 8 = 4 and class 1's is 0, so the default
	// class is class 2 as well.
	def, err := GradCAM(m, in, 5, -1)
	if err != nil {
		t.Fatal(err)
	}
	if def.Class != 1 || !near(float64(def.Probabilities[1]), 1/(1+math.Exp(-4)), 1e-5) {
		t.Errorf("default class %d, probabilities %v", def.Class, def.Probabilities)
	}
}
