package engine

import (
	"math"
	"testing"
)

// zeroModel returns a 2-class model with every weight zero, for setting
// chosen weights by hand.
func zeroModel(t *testing.T) (*Model, map[string]Param) {
	t.Helper()
	m, err := NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ps := map[string]Param{}
	for _, p := range m.Params() {
		clear(p.Data)
		ps[p.Name] = p
	}
	return m, ps
}

// at indexes a CHW tensor of side n.
func at(d []float32, n, c, y, x int) float32 { return d[(c*n+y)*n+x] }

// TestConvPoolReLUKnownValues sets filters by hand and checks conv layers 1
// and 2 against values computed by hand and by direct loops: a centre-tap
// filter copies its input, a 3x3 filter with weights 1..9 sums a
// neighbourhood, a negative bias is cut by the ReLU, and conv2's centre tap
// reveals the 2x2 max pooling between them.
func TestConvPoolReLUKnownValues(t *testing.T) {
	m, ps := zeroModel(t)
	w1, b1 := ps["conv1.weight"].Data, ps["conv1.bias"].Data // (32,3,3,3)
	w1idx := func(o, i, y, x int) int { return ((o*3+i)*3+y)*3 + x }
	w1[w1idx(0, 0, 1, 1)] = 1 // filter 0: centre of red
	for y := 0; y < 3; y++ {  // filter 1: weights 1..9 on green, bias -2
		for x := 0; x < 3; x++ {
			w1[w1idx(1, 1, y, x)] = float32(y*3 + x + 1)
		}
	}
	b1[1] = -2
	w1[w1idx(2, 2, 1, 1)] = 1 // filter 2: centre of blue, bias -0.5
	b1[2] = -0.5
	w2 := ps["conv2.weight"].Data // (64,32,3,3)
	w2[((0*32+0)*3+1)*3+1] = 1    // conv2 filter 0: centre of conv1 filter 0 after pooling

	const n = InputSize
	in := make([]float32, 3*n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			in[(0*n+y)*n+x] = float32(y*n+x) / float32(n*n)         // red: ramp
			in[(1*n+y)*n+x] = float32((x+2*y)%5) / 10               // green: small pattern
			in[(2*n+y)*n+x] = float32(math.Abs(float64(x-32))) / 32 // blue: V shape
		}
	}
	p, err := m.Predict(in)
	if err != nil {
		t.Fatal(err)
	}
	a1 := p.Activations[0]
	if a1.Channels != 32 || a1.Height != 62 || a1.Width != 62 {
		t.Fatalf("conv1 shape %dx%dx%d, want 32x62x62", a1.Channels, a1.Height, a1.Width)
	}
	// Literal values, computed by hand.
	cases := []struct {
		name    string
		c, y, x int
		want    float32
	}{
		{"centre tap copies red (0,0)", 0, 0, 0, float32(1*64+1) / 4096},
		{"centre tap copies red (10,20)", 0, 10, 20, float32(11*64+21) / 4096},
		// green at rows 0..2, cols 0..2: (x+2y)%5/10 = [0 .1 .2; .2 .3 .4; .4 .0 .1]
		// weighted by 1..9: 0+.2+.6 + .8+1.5+2.4 + 2.8+0+.9 = 9.2; minus 2 = 7.2
		{"weighted sum with bias", 1, 0, 0, 7.2},
		{"relu cuts negative", 2, 5, 31, 0}, // blue at x=32 is 0, minus 0.5 < 0
		{"relu passes positive", 2, 5, 0, float32(31)/32 - 0.5},
		{"untouched filter is zero", 7, 3, 3, 0},
	}
	for _, c := range cases {
		if got := at(a1.Data, 62, c.c, c.y, c.x); math.Abs(float64(got-c.want)) > 1e-5 {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// Filter 1 everywhere, by direct loops.
	for y := 0; y < 62; y++ {
		for x := 0; x < 62; x++ {
			var s float32 = -2
			for ky := 0; ky < 3; ky++ {
				for kx := 0; kx < 3; kx++ {
					s += float32(ky*3+kx+1) * in[(1*n+y+ky)*n+x+kx]
				}
			}
			s = max(s, 0)
			if got := at(a1.Data, 62, 1, y, x); math.Abs(float64(got-s)) > 1e-4 {
				t.Fatalf("conv1 filter 1 at (%d,%d): got %v, want %v", y, x, got, s)
			}
		}
	}
	// conv2 filter 0 = pooled conv1 filter 0, shifted by the centre tap.
	a2 := p.Activations[1]
	if a2.Height != 29 {
		t.Fatalf("conv2 is %d high, want 29", a2.Height)
	}
	for y := 0; y < 29; y++ {
		for x := 0; x < 29; x++ {
			py, px := 2*(y+1), 2*(x+1)
			want := max(at(a1.Data, 62, 0, py, px), at(a1.Data, 62, 0, py, px+1),
				at(a1.Data, 62, 0, py+1, px), at(a1.Data, 62, 0, py+1, px+1))
			if got := at(a2.Data, 29, 0, y, x); math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("conv2 filter 0 at (%d,%d): got %v, want max-pooled %v", y, x, got, want)
			}
		}
	}
	// With all later weights zero, the logits are zero: equal probabilities.
	for _, v := range p.Probabilities {
		if math.Abs(float64(v)-0.5) > 1e-6 {
			t.Fatalf("probabilities %v, want [0.5 0.5]", p.Probabilities)
		}
	}
	shapes := [][3]int{{32, 62, 62}, {64, 29, 29}, {64, 27, 27}, {128, 11, 11}, {128, 9, 9}}
	for i, s := range shapes {
		a := p.Activations[i]
		if a.Layer != i+1 || a.Channels != s[0] || a.Height != s[1] || a.Width != s[2] || len(a.Data) != s[0]*s[1]*s[2] {
			t.Errorf("activation %d: layer %d %dx%dx%d, want layer %d %v", i, a.Layer, a.Channels, a.Height, a.Width, i+1, s)
		}
	}
}

// TestDenseSoftmaxKnownValues checks the dense path: with only output
// biases set, the probabilities are the softmax of those biases.
func TestDenseSoftmaxKnownValues(t *testing.T) {
	m, ps := zeroModel(t)
	ps["dense3.bias"].Data[0] = 1
	ps["dense3.bias"].Data[1] = 2
	p, err := m.Predict(make([]float32, 3*InputSize*InputSize))
	if err != nil {
		t.Fatal(err)
	}
	e := math.Exp(1)
	want := []float64{1 / (1 + e), e / (1 + e)}
	for i := range want {
		if math.Abs(float64(p.Probabilities[i])-want[i]) > 1e-6 {
			t.Fatalf("probabilities %v, want %v", p.Probabilities, want)
		}
	}
	if p.Class != 1 {
		t.Errorf("class %d, want 1", p.Class)
	}
}

func TestSummaryMatchesStudy(t *testing.T) {
	m, _ := NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	layers := m.Summary()
	if got := TotalParams(layers); got != 1459204 {
		t.Errorf("total params %d, want 1,459,204", got)
	}
	if got := m.ParamCount(); got != 1459204 {
		t.Errorf("ParamCount %d, want 1,459,204", got)
	}
	want := map[string]int{"conv1": 896, "conv2": 18496, "conv3": 36928, "conv4": 73856, "conv5": 147584,
		"dense1": 1049088, "dense2": 131328, "dense3": 1028}
	for _, l := range layers {
		if w, ok := want[l.Name]; ok && l.Params != w {
			t.Errorf("%s: %d params, want %d", l.Name, l.Params, w)
		}
	}
	if len(layers) != 16 {
		t.Errorf("%d rows, want the study's 16", len(layers))
	}
}
