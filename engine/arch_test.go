package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ramp is the 1x4x4 test picture, values 1..16 row by row:
//
//	 1  2  3  4
//	 5  6  7  8
//	 9 10 11 12
//	13 14 15 16
func ramp(sign float32) []float32 {
	x := make([]float32, 16)
	for i := range x {
		x[i] = sign * float32(i+1)
	}
	return x
}

// classNames returns n generic class names.
func classNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint("c", i)
	}
	return out
}

// outputs runs input through a model of layers on a 1x4x4 input, ending
// with a flatten whose values are the model's logits, and returns them.
func outputs(t *testing.T, arch Arch, weights [][]float32, input []float32) []float32 {
	t.Helper()
	n := 0 // the output size: the class count that the architecture fits
	for c := 2; c <= 64 && n == 0; c++ {
		if arch.Validate(c) == nil {
			n = c
		}
	}
	if n == 0 {
		t.Fatalf("the architecture fits no class count: %v", arch.Validate(2))
	}
	m, err := NewModelWeights(arch, classNames(n), weights)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(input)
	if err != nil {
		t.Fatal(err)
	}
	return p.Logits
}

// TestLayersKnownValues checks each layer kind on the 4x4 ramp against
// values worked out by hand (in the comments).
func TestLayersKnownValues(t *testing.T) {
	ones := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	in1 := Input{Channels: 1, Height: 4, Width: 4}
	cases := []struct {
		name    string
		layers  []Layer
		mean    []float32
		std     []float32
		weights [][]float32
		sign    float32 // the ramp, or its negative
		want    []float32
	}{
		{"conv 3x3 valid, bias 1: window sums + 1",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{3}}, {Kind: Flatten}},
			nil, nil, [][]float32{ones(9), {1}}, 1,
			// 1+2+3+5+6+7+9+10+11 = 54, then 63, 90, 99
			[]float32{55, 64, 91, 100}},
		{"conv 3x3 same, stride 2: extra pad at bottom and right",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingSame, NoBias: true}, {Kind: Flatten}},
			nil, nil, [][]float32{ones(9)}, 1,
			// windows at (0,0), (0,2), (2,0), (2,2); row 4 and column 4 are padding:
			// 54; 3+4+7+8+11+12 = 45; 9+10+11+13+14+15 = 72; 11+12+15+16 = 54
			[]float32{54, 45, 72, 54}},
		{"conv 2x2 explicit pads 1, stride 2",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{2}, Stride: []int{2}, Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}, NoBias: true}, {Kind: Flatten}},
			nil, nil, [][]float32{ones(4)}, 1,
			// windows start at rows and columns -1, 1, 3:
			// 1, 2+3, 4 / 5+9, 6+7+10+11, 8+12 / 13, 14+15, 16
			[]float32{1, 5, 4, 14, 34, 20, 13, 29, 16}},
		{"conv 1x2 asymmetric pad: one column on the left",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{1, 2}, Padding: PaddingExplicit, Pads: []int{0, 1, 0, 0}, NoBias: true}, {Kind: Flatten}},
			nil, nil, [][]float32{{1, 10}}, 1,
			// x[y][x-1] + 10 x[y][x]: row 0: 10, 1+20, 2+30, 3+40 ... row 3: 130, 153, 164, 175
			[]float32{10, 21, 32, 43, 50, 65, 76, 87, 90, 109, 120, 131, 130, 153, 164, 175}},
		{"relu after conv 1x1 with bias -8.5",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{1}}, {Kind: ReLU}, {Kind: Flatten}},
			nil, nil, [][]float32{{1}, {-8.5}}, 1,
			[]float32{0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5}},
		{"max pool 2x2",
			[]Layer{{Kind: MaxPool, Kernel: []int{2}}, {Kind: Flatten}},
			nil, nil, nil, 1,
			[]float32{6, 8, 14, 16}},
		{"max pool 3x3 stride 1 pad 1 on negative values: padding never wins",
			[]Layer{{Kind: MaxPool, Kernel: []int{3}, Stride: []int{1}, Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}}, {Kind: Flatten}},
			nil, nil, nil, -1,
			// max of -x over the neighbourhood = -x at the up-left neighbour
			[]float32{-1, -1, -2, -3, -1, -1, -2, -3, -5, -5, -6, -7, -9, -9, -10, -11}},
		{"max pool 3x3 same stride 2 (asymmetric) on negative values",
			[]Layer{{Kind: MaxPool, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingSame}, {Kind: Flatten}},
			nil, nil, nil, -1,
			[]float32{-1, -3, -9, -11}},
		{"average pool 2x2",
			[]Layer{{Kind: AvgPool, Kernel: []int{2}}, {Kind: Flatten}},
			nil, nil, nil, 1,
			// (1+2+5+6)/4, (3+4+7+8)/4, (9+10+13+14)/4, (11+12+15+16)/4
			[]float32{3.5, 5.5, 11.5, 13.5}},
		{"average pool 3x3 stride 1 pad 1, padding counted",
			[]Layer{{Kind: AvgPool, Kernel: []int{3}, Stride: []int{1}, Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}, CountPad: true}, {Kind: Flatten}},
			nil, nil, nil, 1,
			// corner (1+2+5+6)/9; edge (1+2+3+5+6+7)/9; inside 54/9 = 6
			[]float32{14. / 9, 24. / 9, 30. / 9, 22. / 9, 33. / 9, 6, 7, 45. / 9, 57. / 9, 10, 11, 69. / 9, 46. / 9, 72. / 9, 78. / 9, 54. / 9}},
		{"average pool 3x3 stride 1 pad 1, padding not counted",
			[]Layer{{Kind: AvgPool, Kernel: []int{3}, Stride: []int{1}, Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}}, {Kind: Flatten}},
			nil, nil, nil, 1,
			// corner 14/4; edge 24/6; inside 54/9
			[]float32{3.5, 4, 5, 5.5, 5.5, 6, 7, 7.5, 9.5, 10, 11, 11.5, 11.5, 12, 13, 13.5}},
		{"global average pool",
			[]Layer{{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense, Units: 2}},
			nil, nil, [][]float32{{1, -1}, {0, 0.5}}, 1,
			// mean 136/16 = 8.5, then a dense layer: (8.5, -8.5+0.5)
			[]float32{8.5, -8}},
		{"batch norm: (x-3)/sqrt(4)*2 + 1 = x-2",
			[]Layer{{Kind: BatchNorm, Epsilon: 1e-3}, {Kind: Flatten}},
			nil, nil, [][]float32{{2}, {1}, {3}, {4 - 1e-3}}, 1,
			[]float32{-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		{"batch norm on a flat vector, one statistic per unit",
			[]Layer{{Kind: Flatten}, {Kind: BatchNorm, Epsilon: 1e-3}},
			nil, nil, [][]float32{fill(16, 2), fill(16, 1), fill(16, 3), fill(16, 4-1e-3)}, 1,
			[]float32{-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		{"dense with alternating weights and bias",
			[]Layer{{Kind: Flatten}, {Kind: Dense, Units: 2}},
			nil, nil, [][]float32{denseAlternating(16), {0.5, 0}}, 1,
			// column 0 sums 1..16 = 136; column 1 is 1-2+3-4... = -8
			[]float32{136.5, -8}},
		{"dense without bias, dropout is nothing at inference",
			[]Layer{{Kind: Flatten}, {Kind: Dropout, Rate: 0.5}, {Kind: Dense, Units: 2, NoBias: true}},
			nil, nil, [][]float32{denseAlternating(16)}, 1,
			[]float32{136, -8}},
		{"input mean 1 std 2, then global pool",
			[]Layer{{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense, Units: 2}},
			[]float32{1}, []float32{2}, [][]float32{{1, 0}, {0, 0}}, 1,
			// (8.5-1)/2
			[]float32{3.75, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			arch := Arch{Input: in1, Mean: c.mean, Std: c.std, Layers: c.layers}
			got := outputs(t, arch, c.weights, ramp(c.sign))
			if len(got) != len(c.want) {
				t.Fatalf("got %d values %v, want %v", len(got), got, c.want)
			}
			for i := range got {
				if math.Abs(float64(got[i]-c.want[i])) > 1e-4 {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

// fill returns n copies of v.
func fill(n int, v float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// denseAlternating returns a (n, 2) dense kernel: column 0 all ones,
// column 1 alternating 1, -1.
func denseAlternating(n int) []float32 {
	w := make([]float32, 2*n)
	for i := 0; i < n; i++ {
		w[2*i] = 1
		w[2*i+1] = float32(1 - 2*(i%2))
	}
	return w
}

// TestArchRefused checks that descriptions that cannot be built are
// refused with a reason.
func TestArchRefused(t *testing.T) {
	in := Input{Channels: 3, Height: 8, Width: 8}
	cases := []struct {
		name string
		arch Arch
		want string
	}{
		{"two channels", Arch{Input: Input{2, 8, 8}, Layers: []Layer{{Kind: Flatten}}}, "2 channels"},
		{"unknown kind", Arch{Input: in, Layers: []Layer{{Kind: "lstm"}}}, `unknown kind "lstm"`},
		{"dense on maps", Arch{Input: in, Layers: []Layer{{Kind: Dense, Units: 2}}}, "needs a flat input"},
		{"conv on flat", Arch{Input: in, Layers: []Layer{{Kind: Flatten}, {Kind: Conv2D, Filters: 2, Kernel: []int{3}}}}, "needs feature maps"},
		{"window too large", Arch{Input: in, Layers: []Layer{{Kind: Conv2D, Filters: 2, Kernel: []int{9}}}}, "does not fit"},
		{"softmax not last", Arch{Input: in, Layers: []Layer{{Kind: Flatten}, {Kind: Softmax}, {Kind: Dense, Units: 2}}}, "only be the last"},
		{"wrong class count", Arch{Input: in, Layers: []Layer{{Kind: Flatten}, {Kind: Dense, Units: 3}}}, "3 units but there are 2 classes"},
		{"ends with maps", Arch{Input: in, Layers: []Layer{{Kind: Conv2D, Filters: 2, Kernel: []int{8}}}}, "ends with feature maps"},
		{"mean without std", Arch{Input: in, Mean: []float32{0.5, 0.5, 0.5}, Layers: []Layer{{Kind: Flatten}}}, "one value per input channel"},
		{"bad padding", Arch{Input: in, Layers: []Layer{{Kind: MaxPool, Kernel: []int{2}, Padding: "full"}}}, `unknown padding "full"`},
		{"same name twice", Arch{Input: in, Layers: []Layer{{Kind: Flatten, Name: "x"}, {Kind: Dense, Name: "x"}}}, "used twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.arch.Validate(2)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// smallArch is a 1-channel network with every kind of layer, for the
// round-trip and gradient tests.
func smallArch() Arch {
	return Arch{Input: Input{Channels: 1, Height: 10, Width: 8}, Mean: []float32{0.5}, Std: []float32{0.25},
		Layers: []Layer{
			{Kind: Conv2D, Filters: 4, Kernel: []int{3}, Padding: PaddingSame, NoBias: true},
			{Kind: BatchNorm},
			{Kind: ReLU},
			{Kind: AvgPool, Kernel: []int{2}},
			{Kind: Conv2D, Filters: 6, Kernel: []int{3, 2}, Stride: []int{2, 1}, Padding: PaddingExplicit, Pads: []int{1, 0, 1, 1}},
			{Kind: ReLU},
			{Kind: MaxPool, Kernel: []int{2}, Stride: []int{1}},
			{Kind: Conv2D, Filters: 5, Kernel: []int{1}},
			{Kind: GlobalAvgPool},
			{Kind: Flatten},
			{Kind: Dropout, Rate: 0.2},
			{Kind: Dense, Units: 7},
			{Kind: BatchNorm},
			{Kind: ReLU},
			{Kind: Dense},
			{Kind: Softmax},
		}}
}

// TestArchRoundTrip writes a model of another architecture and reads it
// back: same architecture, same predictions; its summary and conv layers
// are its own.
func TestArchRoundTrip(t *testing.T) {
	m, err := NewModelArch(smallArch(), []string{"a", "b", "c"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Batch norm statistics that are not the identity.
	for _, p := range m.Params() {
		if strings.HasPrefix(p.Name, "bn") {
			for i := range p.Data {
				p.Data[i] += 0.1 * float32(i+1)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "small.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(m.Arch())
	b, _ := json.Marshal(got.Arch())
	if string(a) != string(b) {
		t.Fatalf("architecture changed:\n%s\n%s", a, b)
	}
	x := make([]float32, 80)
	for i := range x {
		x[i] = float32(i%9) / 8
	}
	p1, _ := m.Predict(x)
	p2, err := got.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p1.Probabilities, p2.Probabilities) {
		t.Errorf("predictions differ: %v vs %v", p1.Probabilities, p2.Probabilities)
	}
	if !slices.Equal(got.ConvLayers(), []int{4, 6, 5}) {
		t.Errorf("conv layers %v, want [4 6 5]", got.ConvLayers())
	}
	// Activations: conv 1 has no ReLU right after it (batch norm comes
	// first), so it is taken after its conv; conv 2 after its ReLU.
	wantAct := [][3]int{{4, 10, 8}, {6, 3, 4}, {5, 2, 3}}
	for i, w := range wantAct {
		a := p2.Activations[i]
		if a.Layer != i+1 || a.Channels != w[0] || a.Height != w[1] || a.Width != w[2] {
			t.Errorf("activation %d: layer %d %dx%dx%d, want %v", i, a.Layer, a.Channels, a.Height, a.Width, w)
		}
	}
	for _, v := range p2.Activations[1].Data {
		if v < 0 {
			t.Fatal("conv2's activation is taken before its ReLU")
		}
	}
	var sb strings.Builder
	if err := WriteSummary(&sb, got.Summary()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"conv1 (Conv2D)", "(None, 10, 8, 4)", "bn1 (BatchNormalization)", "relu1 (ReLU)",
		"pool1 (AveragePooling2D)", "(None, 5, 4, 4)", "conv2 (Conv2D)", "(None, 3, 4, 6)", "global_pool1 (GlobalAveragePooling2D)",
		"dense2 (Dense)", "(None, 3)"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sb.String())
		}
	}
	if strings.Contains(sb.String(), "Softmax") {
		t.Errorf("the softmax after the last dense layer has its own row:\n%s", sb.String())
	}
}

// TestArchGradients checks the backward pass through every kind of layer
// against finite differences, and that batch norm statistics get none.
func TestArchGradients(t *testing.T) {
	m, err := NewModelArch(smallArch(), []string{"a", "b", "c"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 2*80)
	for i := range x {
		x[i] = rng.Float32()
	}
	loss, gs := trainingLoss(t, m, x, []int{0, 2})
	for pi, p := range m.Params() {
		g := gs[pi]
		if p.Frozen {
			for _, v := range g {
				if v != 0 {
					t.Fatalf("%s is frozen but has gradient %v", p.Name, g)
				}
			}
			continue
		}
		for _, j := range []int{argmaxAbs(g), rng.IntN(len(p.Data))} {
			checkFiniteDifference(t, loss, p, j, g[j], 1e-2)
		}
	}
}

// TestStudyArchIsDefault checks that the study's network is written
// without an architecture (older versions read it) and read back as the
// study's.
func TestStudyArchIsDefault(t *testing.T) {
	m := testModel(t)
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data[:4096]), `"architecture"`) {
		t.Error("the study's network is written with an architecture")
	}
	got, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if !isStudy(got.Arch()) || got.Input() != (Input{3, 64, 64}) || !slices.Equal(got.ConvLayers(), ConvFilters[:]) {
		t.Errorf("read back as %+v", got.Arch())
	}
}

// TestReadArch reads descriptions from JSON: the last dense layer may leave
// its units to the class count; unknown fields are typing mistakes.
func TestReadArch(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, json, want string
	}{
		{"good", `{"input": {"channels": 3, "height": 8, "width": 6}, "mean": [0.5, 0.5, 0.5], "std": [0.2, 0.2, 0.2],
			"layers": [{"kind": "conv2d", "filters": 2, "kernel": [3, 2]}, {"kind": "flatten"}, {"kind": "dense"}]}`, ""},
		{"unknown field", `{"input": {"channels": 3, "height": 8, "width": 8}, "layers": [{"kind": "flatten", "unit": 3}]}`, `unknown field "unit"`},
		{"not json", `input: 3`, "not an architecture"},
		{"bad layers", `{"input": {"channels": 3, "height": 8, "width": 8}, "layers": [{"kind": "dense"}]}`, "needs a flat input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".json")
			if err := os.WriteFile(path, []byte(c.json), 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := ReadArch(path, 4)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				m, err := NewModelArch(a, classNames(4), 1)
				if err != nil {
					t.Fatal(err)
				}
				if p, err := m.Predict(make([]float32, 3*8*6)); err != nil || len(p.Probabilities) != 4 {
					t.Errorf("predict: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}
