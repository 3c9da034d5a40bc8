package engine

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestGraphLayersKnownValues checks the layers of graph networks (joins,
// activations, grouped convolutions, poolings that round up) on the 4x4
// ramp against values worked out by hand (in the comments).
func TestGraphLayersKnownValues(t *testing.T) {
	in1 := Input{Channels: 1, Height: 4, Width: 4}
	ramp16 := func(f func(v float64) float64) []float32 {
		out := make([]float32, 16)
		for i := range out {
			out[i] = float32(f(float64(i + 1)))
		}
		return out
	}
	cases := []struct {
		name    string
		layers  []Layer
		weights [][]float32
		want    []float32
	}{
		{"add: a residual connection, 2x + x",
			[]Layer{{Kind: Conv2D, Name: "c", Filters: 1, Kernel: []int{1}, NoBias: true}, {Kind: Add, Inputs: []string{"c", InputName}}, {Kind: Flatten}},
			[][]float32{{2}}, ramp16(func(v float64) float64 { return 3 * v })},
		{"mul: each map times its channel's mean (a squeeze-excitation's scale), 8.5x",
			[]Layer{{Kind: GlobalAvgPool, Name: "g", Inputs: []string{InputName}}, {Kind: Mul, Inputs: []string{"g", InputName}}, {Kind: Flatten}},
			nil, ramp16(func(v float64) float64 { return 8.5 * v })},
		{"mul of two maps of one shape: x·2x",
			[]Layer{{Kind: Conv2D, Name: "c", Filters: 1, Kernel: []int{1}, NoBias: true}, {Kind: Mul, Inputs: []string{InputName, "c"}}, {Kind: Flatten}},
			[][]float32{{2}}, ramp16(func(v float64) float64 { return 2 * v * v })},
		{"concat: the input's channel, then its double's",
			[]Layer{{Kind: Conv2D, Name: "c", Filters: 1, Kernel: []int{1}, NoBias: true}, {Kind: Concat, Inputs: []string{InputName, "c"}},
				{Kind: GlobalAvgPool}, {Kind: Flatten}},
			// means 8.5 and 17
			[][]float32{{2}}, []float32{8.5, 17}},
		{"clip to [2, 5]",
			[]Layer{{Kind: Clip, Min: 2, Max: 5}, {Kind: Flatten}},
			nil, []float32{2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}},
		{"sigmoid of x - 8.5",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{1}}, {Kind: Sigmoid}, {Kind: Flatten}},
			[][]float32{{1}, {-8.5}}, ramp16(func(v float64) float64 { return 1 / (1 + math.Exp(8.5-v)) })},
		{"hardsigmoid 0.1x + 0.2, bounded to [0, 1]",
			[]Layer{{Kind: HardSigmoid, Alpha: 0.1, Beta: 0.2}, {Kind: Flatten}},
			nil, []float32{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"hardswish of x - 8.5: 0 below -3, x above 3, x(x+3)/6 between",
			[]Layer{{Kind: Conv2D, Filters: 1, Kernel: []int{1}}, {Kind: HardSwish}, {Kind: Flatten}},
			[][]float32{{1}, {-8.5}},
			// -7.5 ... -3.5 give 0; -2.5·0.5/6, -1.5·1.5/6, -0.5·2.5/6, 0.5·3.5/6, 1.5·4.5/6, 2.5·5.5/6; then x
			[]float32{0, 0, 0, 0, 0, -1.25 / 6, -2.25 / 6, -1.25 / 6, 1.75 / 6, 6.75 / 6, 13.75 / 6, 3.5, 4.5, 5.5, 6.5, 7.5}},
		{"grouped 1x1: x and -x, then each channel by its own kernel (3 and 5)",
			[]Layer{{Kind: Conv2D, Filters: 2, Kernel: []int{1}, NoBias: true}, {Kind: Conv2D, Filters: 2, Groups: 2, Kernel: []int{1}, NoBias: true},
				{Kind: GlobalAvgPool}, {Kind: Flatten}},
			[][]float32{{1, -1}, {3, 5}}, []float32{25.5, -42.5}},
		{"depthwise 3x3: window sums of x, and twice those of -x",
			[]Layer{{Kind: Conv2D, Filters: 2, Kernel: []int{1}, NoBias: true}, {Kind: Conv2D, Filters: 2, Groups: 2, Kernel: []int{3}}, {Kind: Flatten}},
			// 54, 63, 90, 99 (+1); -108, -126, -180, -198 (-1)
			[][]float32{{1, -1}, append(fill(9, 1), fill(9, 2)...), {1, -1}}, []float32{55, 64, 91, 100, -109, -127, -181, -199}},
		{"max pool 3x3 stride 2 rounding up: the last windows stick out",
			[]Layer{{Kind: MaxPool, Kernel: []int{3}, Stride: []int{2}, CeilMode: true}, {Kind: Flatten}},
			nil, []float32{11, 12, 15, 16}},
		{"average pool 3x3 stride 2 rounding up, over the cells inside",
			[]Layer{{Kind: AvgPool, Kernel: []int{3}, Stride: []int{2}, CeilMode: true}, {Kind: Flatten}},
			// 54/9; (3+4+7+8+11+12)/6; (9+10+11+13+14+15)/6; (11+12+15+16)/4
			nil, []float32{6, 7.5, 12, 13.5}},
		{"ceil mode that changes nothing: 2x2 stride 2 on 4x4",
			[]Layer{{Kind: MaxPool, Kernel: []int{2}, CeilMode: true}, {Kind: Flatten}},
			nil, []float32{6, 8, 14, 16}},
		{"channel shuffle in 3 groups: channels kx (k = 1..6), as 3 rows of 2 read by columns, are x, 3x, 5x, 2x, 4x, 6x",
			[]Layer{{Kind: Conv2D, Filters: 6, Kernel: []int{1}, NoBias: true}, {Kind: ChannelShuffle, Groups: 3}, {Kind: GlobalAvgPool}, {Kind: Flatten}},
			[][]float32{{1, 2, 3, 4, 5, 6}}, []float32{8.5, 25.5, 42.5, 17, 34, 51}},
		{"slice of channels [1, 3) of x, 2x, 3x, 4x",
			[]Layer{{Kind: Conv2D, Filters: 4, Kernel: []int{1}, NoBias: true}, {Kind: Slice, Start: 1, End: 3}, {Kind: GlobalAvgPool}, {Kind: Flatten}},
			[][]float32{{1, 2, 3, 4}}, []float32{17, 25.5}},
		{"affine 2x + 1",
			[]Layer{{Kind: Affine}, {Kind: Flatten}},
			[][]float32{{2}, {1}}, ramp16(func(v float64) float64 { return 2*v + 1 })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := outputs(t, Arch{Input: in1, Layers: c.layers}, c.weights, ramp(1))
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

// TestGraphArchRefused checks that graphs that cannot be built are
// refused with a reason.
func TestGraphArchRefused(t *testing.T) {
	in := Input{Channels: 3, Height: 8, Width: 8}
	conv := func(name string, f int) Layer { return Layer{Kind: Conv2D, Name: name, Filters: f, Kernel: []int{1}} }
	cases := []struct {
		name   string
		layers []Layer
		want   string
	}{
		{"unknown input", []Layer{conv("a", 2), {Kind: Add, Inputs: []string{"a", "b"}}, {Kind: Flatten}}, `its input "b" is not the name of a layer before it`},
		{"input named later", []Layer{{Kind: Add, Inputs: []string{InputName, "a"}}, conv("a", 3), {Kind: Flatten}}, `its input "a" is not the name`},
		{"add of one", []Layer{{Kind: Add}, {Kind: Flatten}}, "a add reads 2 inputs, not 1"},
		{"relu of two", []Layer{conv("a", 3), {Kind: ReLU, Inputs: []string{"a", InputName}}, {Kind: Flatten}}, "a relu reads 1 inputs, not 2"},
		{"add of other shapes", []Layer{conv("a", 2), {Kind: Add, Inputs: []string{"a", InputName}}, {Kind: Flatten}}, "cannot combine (2, 8, 8) and (3, 8, 8)"},
		{"concat of other sizes", []Layer{{Kind: MaxPool, Name: "p", Kernel: []int{2}}, {Kind: Concat, Inputs: []string{"p", InputName}}, {Kind: Flatten}}, "cannot join maps"},
		{"unused layer", []Layer{conv("a", 2), {Kind: Flatten, Inputs: []string{InputName}}}, "layer 1 (a): no layer reads its output"},
		{"groups", []Layer{{Kind: Conv2D, Filters: 4, Groups: 2, Kernel: []int{1}}, {Kind: Flatten}}, "2 groups do not divide 3 input channels"},
		{"clip upside down", []Layer{{Kind: Clip, Min: 6}, {Kind: Flatten}}, "min 6 is above max 0"},
		{"hardsigmoid without slope", []Layer{{Kind: HardSigmoid}, {Kind: Flatten}}, "not a positive slope"},
		{"name input", []Layer{{Kind: Flatten, Name: InputName}}, "used twice"},
		{"shuffle groups", []Layer{{Kind: ChannelShuffle, Groups: 2}, {Kind: Flatten}}, "2 groups do not divide 3 channels"},
		{"shuffle without groups", []Layer{{Kind: ChannelShuffle}, {Kind: Flatten}}, "0 groups do not divide 3 channels"},
		{"slice past the channels", []Layer{{Kind: Slice, Start: 1, End: 4}, {Kind: Flatten}}, "channels [1, 4) are not a range of its input's 3"},
		{"empty slice", []Layer{{Kind: Slice, Start: 2, End: 2}, {Kind: Flatten}}, "channels [2, 2) are not a range"},
		{"slice of a vector", []Layer{{Kind: Flatten}, {Kind: Slice, End: 1}, {Kind: Dense}}, "needs feature maps"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Arch{Input: in, Layers: c.layers}.Validate(192)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// graphArch is a small network with every graph layer: a residual block
// with batch norms, a grouped and a depthwise convolution, ReLU6, a
// squeeze-excitation (pooling, two 1x1 convolutions, sigmoid, scale),
// hardswish, two poolings that round up joined by a concat, an affine
// layer and a hardsigmoid.
func graphArch() Arch {
	return Arch{Input: Input{Channels: 3, Height: 9, Width: 9}, Mean: []float32{0.4, 0.5, 0.6}, Std: []float32{0.2, 0.3, 0.25},
		Layers: []Layer{
			{Kind: Conv2D, Name: "stem", Filters: 4, Kernel: []int{3}, Padding: PaddingSame, NoBias: true},
			{Kind: BatchNorm, Name: "stem.bn"},
			{Kind: ReLU, Name: "stem.relu"},
			{Kind: Conv2D, Name: "block.conv", Filters: 4, Kernel: []int{3}, Padding: PaddingSame},
			{Kind: BatchNorm, Name: "block.bn"},
			{Kind: Add, Name: "block", Inputs: []string{"block.bn", "stem.relu"}},
			{Kind: ReLU, Name: "block.relu"},
			{Kind: Conv2D, Name: "grouped", Filters: 8, Groups: 2, Kernel: []int{1}},
			{Kind: Clip, Name: "relu6", Max: 6},
			{Kind: Conv2D, Name: "depthwise", Filters: 8, Groups: 8, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}},
			{Kind: GlobalAvgPool, Name: "se.pool"},
			{Kind: Conv2D, Name: "se.fc1", Filters: 2, Kernel: []int{1}},
			{Kind: ReLU},
			{Kind: Conv2D, Name: "se.fc2", Filters: 8, Kernel: []int{1}},
			{Kind: Sigmoid},
			{Kind: Mul, Name: "se", Inputs: []string{"depthwise", "sigmoid1"}},
			{Kind: HardSwish},
			{Kind: MaxPool, Name: "max", Kernel: []int{2}, Stride: []int{2}, CeilMode: true},
			{Kind: AvgPool, Name: "avg", Inputs: []string{"hardswish1"}, Kernel: []int{2}, Stride: []int{2}, CeilMode: true},
			{Kind: Concat, Name: "join", Inputs: []string{"max", "avg"}},
			{Kind: Affine},
			{Kind: HardSigmoid, Alpha: 0.2, Beta: 0.5},
			{Kind: GlobalAvgPool},
			{Kind: Flatten},
			{Kind: Dense},
		}}
}

// TestGraphGradients checks the backward pass of a graph network (every
// new layer kind) against finite differences of the loss.
func TestGraphGradients(t *testing.T) {
	checkGraphGradients(t, graphArch(), rand.New(rand.NewPCG(1, 2)), []int{0, 2})
}

// checkGraphGradients checks the gradients of arch's training loss (three
// classes, a batch of two random pictures labelled labels) against finite
// differences, for each trained tensor's largest gradient and one drawn at
// random, after moving the one-dimensional tensors (biases, affine layers,
// statistics) away from their start. It returns the model.
func checkGraphGradients(t *testing.T, arch Arch, rng *rand.Rand, labels []int) *Model {
	t.Helper()
	m, err := NewModelArch(arch, []string{"a", "b", "c"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		for i := range p.Data {
			if len(p.Shape) == 1 {
				p.Data[i] += 0.3 * (rng.Float32() - 0.3)
			}
		}
	}
	x := make([]float32, 2*m.Input().Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	loss, gs := trainingLoss(t, m, x, labels)
	for pi, p := range m.Params() {
		if p.Frozen {
			continue
		}
		for _, j := range []int{argmaxAbs(gs[pi]), rng.IntN(len(p.Data))} {
			checkFiniteDifference(t, loss, p, j, gs[pi][j], 2e-3)
		}
	}
	return m
}

// TestGraphPredictions checks that a graph network's batch predictions
// agree with its one-image ones, that its conv layers' activations are
// kept (after their batch norms and ReLUs), and that Grad-CAM's gradient
// reaches a conv layer inside it.
func TestGraphPredictions(t *testing.T) {
	m, err := NewModelArch(graphArch(), []string{"a", "b", "c"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.ConvLayers(); len(got) != 6 || got[2] != 8 || got[3] != 8 {
		t.Fatalf("conv layers %v, want 6 with 8 filters in the grouped and depthwise ones", got)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	x := make([]float32, 3*m.Input().Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	batch, err := m.PredictBatch(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		p, err := m.Predict(x[i*m.Input().Len() : (i+1)*m.Input().Len()])
		if err != nil {
			t.Fatal(err)
		}
		if !closeTo(p.Probabilities, batch[i], 1e-5) {
			t.Fatalf("image %d: Predict %v, PredictBatch %v", i, p.Probabilities, batch[i])
		}
		if a := p.Activations[0]; a.Channels != 4 || a.Height != 9 {
			t.Fatalf("stem activation %dx%dx%d", a.Channels, a.Height, a.Width)
		}
		for _, v := range p.Activations[0].Data {
			if v < 0 {
				t.Fatal("the stem's activation is not taken after its ReLU")
			}
		}
	}
	act, grad, _, err := m.LayerGradient(x[:m.Input().Len()], 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if act.Channels != 8 || act.Height != 5 || len(grad) != len(act.Data) {
		t.Fatalf("depthwise activation %dx%dx%d with %d gradients", act.Channels, act.Height, act.Width, len(grad))
	}
}

// TestGraphRoundTrip checks that a graph network survives its weights
// file (architecture in the metadata, names and inputs included) and
// reads from an --arch JSON file, and that it predicts alike.
func TestGraphRoundTrip(t *testing.T) {
	m, err := NewModelArch(graphArch(), []string{"a", "b", "c"}, 8)
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, m.Input().Len())
	for i := range x {
		x[i] = float32(i%5) / 4
	}
	p1, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := back.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if !closeTo(p1.Probabilities, p2.Probabilities, 0) {
		t.Fatalf("probabilities %v after the round trip, %v before", p2.Probabilities, p1.Probabilities)
	}
	path := filepath.Join(t.TempDir(), "arch.json")
	js, err := json.Marshal(graphArch())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, js, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := ReadArch(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, graphArch()) {
		t.Fatalf("read back %+v", a)
	}
}

// TestGraphPlaces checks a graph network's places: its conv layers first
// (so --layer 5 is the fifth conv), then its joins and the maps that enter
// the global pooling, Grad-CAM's default; and that a chain's places are
// its conv layers.
func TestGraphPlaces(t *testing.T) {
	m, err := NewModelArch(graphArch(), []string{"a", "b", "c"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m.Places() {
		names = append(names, p.Name)
	}
	want := []string{"stem", "block.conv", "grouped", "depthwise", "se.fc1", "se.fc2", "block", "join", "hardsigmoid1"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("places %v, want %v", names, want)
	}
	if got := m.CAMPlace(); got != 9 {
		t.Errorf("Grad-CAM's place %d, want 9 (the global pooling's input)", got)
	}
	if p := m.Places()[7]; p.Conv || p.Channels != 16 || p.Height != 3 {
		t.Errorf("the concat's place %+v", p)
	}
	if l, err := m.PlaceNumber("block"); err != nil || l != 7 {
		t.Errorf("PlaceNumber(block) = %d, %v", l, err)
	}
	if _, err := m.PlaceNumber("nowhere"); err == nil || !strings.Contains(err.Error(), `no layer "nowhere"; the layers are stem, block.conv`) {
		t.Errorf("PlaceNumber(nowhere): %v", err)
	}
	x := make([]float32, m.Input().Len())
	p, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Activations) != 9 || p.Activations[6].Channels != 4 || p.Activations[6].Layer != 7 {
		t.Fatalf("%d activations", len(p.Activations))
	}
	for _, v := range p.Activations[6].Data {
		if v < 0 {
			t.Fatal("the block's maps are not taken after the ReLU that follows it")
		}
	}
	if _, grad, _, err := m.LayerGradient(x, 9, 0); err != nil || len(grad) != 16*3*3 {
		t.Fatalf("gradient at the pooling's input: %d values, %v", len(grad), err)
	}
	study, err := NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(study.Places()); n != 5 || study.CAMPlace() != 5 {
		t.Errorf("the study's network has %d places, Grad-CAM at %d", n, study.CAMPlace())
	}
}

// shuffleArch is ShuffleNet's block in small: the stem's maps split into
// two halves, one kept and one through a branch, joined and shuffled;
// then a convolution and a shuffle in three groups.
func shuffleArch() Arch {
	return Arch{Input: Input{Channels: 3, Height: 6, Width: 6},
		Layers: []Layer{
			{Kind: Conv2D, Name: "stem", Filters: 4, Kernel: []int{3}, Padding: PaddingSame},
			{Kind: ReLU, Name: "stem.relu"},
			{Kind: Slice, Name: "half1", End: 2},
			{Kind: Slice, Name: "half2", Inputs: []string{"stem.relu"}, Start: 2, End: 4},
			{Kind: Conv2D, Name: "branch", Filters: 2, Kernel: []int{3}, Padding: PaddingSame},
			{Kind: ReLU, Name: "branch.relu"},
			{Kind: Concat, Name: "block.concat", Inputs: []string{"half1", "branch.relu"}},
			{Kind: ChannelShuffle, Name: "block", Groups: 2},
			{Kind: Conv2D, Name: "mix", Filters: 6, Kernel: []int{1}},
			{Kind: ChannelShuffle, Name: "shuffle3", Groups: 3},
			{Kind: GlobalAvgPool},
			{Kind: Flatten},
			{Kind: Dense},
		}}
}

// TestShuffleGradients checks the backward pass through channel shuffles
// and slices against finite differences of the loss, and that the block's
// place is the shuffle after its concat, under the block's name.
func TestShuffleGradients(t *testing.T) {
	m := checkGraphGradients(t, shuffleArch(), rand.New(rand.NewPCG(4, 5)), []int{1, 2})
	var names []string
	for _, p := range m.Places() {
		names = append(names, p.Name)
	}
	if want := []string{"stem", "branch", "mix", "block", "shuffle3"}; !reflect.DeepEqual(names, want) {
		t.Errorf("places %v, want %v", names, want)
	}
}
