package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/tensor"
)

// nearScale fails unless got and want agree within tol of want's largest
// magnitude (at least 1): folding a batch norm rounds differently, and
// fifty layers of MobileNetV2 carry that to about 1e-5.
func nearScale(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 1.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= tol*scale) {
			t.Fatalf("%s[%d] = %.8g, the unfolded graph gives %.8g", what, i, got[i], want[i])
		}
	}
}

// TestFoldedInferenceMatchesUnfolded checks the inference graphs (batch
// norms folded into the conv layers before them, kernels packed once)
// against the graph that runs every layer as it is, on networks with
// batch norms after convolutions with and without bias and ReLU, grouped
// and strided, and a small ResNet-18; and that a change of the weights
// made through Params, or announced with WeightsChanged, is seen by the
// next prediction.
func TestFoldedInferenceMatchesUnfolded(t *testing.T) {
	archs := opArchs()
	archs["graph"] = graphArch()
	archs["resnet18"] = resNet18Arch(32)
	archs["mobilenetv2"] = mobileNetV2Arch(32)
	for name, arch := range archs {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, classNames(5), 9)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 5))
			params := m.Params()
			shift := func() {
				for _, p := range params { // biases and batch norm statistics away from their start
					for i := range p.Data {
						if len(p.Shape) == 1 {
							p.Data[i] += 0.4 * rng.Float32()
						}
					}
				}
			}
			shift()
			x := make([]float32, 2*arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			check := func(when string) {
				t.Helper()
				var own []*tensor.Dense
				for _, w := range m.weights {
					own = append(own, w.Clone().(*tensor.Dense))
				}
				ref, err := m.build(own, 2, false)
				if err != nil {
					t.Fatal(err)
				}
				if err := ref.run(x, nil, nil); err != nil {
					t.Fatal(err)
				}
				batch, err := m.PredictBatch(x, 2)
				if err != nil {
					t.Fatal(err)
				}
				for b := range 2 {
					img := x[b*arch.Input.Len() : (b+1)*arch.Input.Len()]
					p, err := m.Predict(img)
					if err != nil {
						t.Fatal(err)
					}
					what := fmt.Sprintf("%s, image %d: ", when, b)
					nearScale(t, what+"logits", p.Logits, values(ref.logits)[b*5:(b+1)*5], 1e-4)
					nearScale(t, what+"PredictBatch", batch[b], values(ref.probs)[b*5:(b+1)*5], 1e-4)
					for i, a := range p.Activations {
						n := len(a.Data)
						nearScale(t, what+fmt.Sprintf("place %d", i+1), a.Data, values(ref.places[i])[b*n:(b+1)*n], 1e-4)
					}
				}
			}
			check("first")
			for _, p := range params { // written after the graphs were made
				for i := range p.Data {
					if len(p.Shape) > 1 {
						p.Data[i] *= -1.5
					}
				}
			}
			shift()
			m.WeightsChanged()
			check("after WeightsChanged")
			for _, p := range m.Params() { // written after a fresh Params
				for i := range p.Data {
					p.Data[i] *= 0.75
				}
			}
			check("after Params")
		})
	}
}

// TestConvBands checks that convolutions large enough to be split over
// the cores (one picture) give the same bits as on one core: a depthwise
// one in bands of rows, and one with more filters than output cells in
// bands of filters (the second band from a block of 12, the last cut
// short).
func TestConvBands(t *testing.T) {
	depthwise := Arch{Input: Input{Channels: 3, Height: 64, Width: 64}, Layers: []Layer{
		{Kind: Conv2D, Filters: 32, Kernel: []int{3}, Padding: PaddingSame},
		{Kind: ReLU},
		{Kind: Conv2D, Filters: 32, Groups: 32, Kernel: []int{3}, Padding: PaddingSame, NoBias: true},
		{Kind: BatchNorm},
		{Kind: GlobalAvgPool},
		{Kind: Flatten},
		{Kind: Dense},
	}}
	filters := Arch{Input: Input{Channels: 3, Height: 12, Width: 12}, Layers: []Layer{
		{Kind: Conv2D, Filters: 64, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingSame},
		{Kind: ReLU},
		{Kind: Conv2D, Filters: 100, Kernel: []int{3}, Padding: PaddingSame, NoBias: true},
		{Kind: BatchNorm},
		{Kind: ReLU},
		{Kind: Conv2D, Filters: 100, Kernel: []int{3}, Padding: PaddingSame},
		{Kind: GlobalAvgPool},
		{Kind: Flatten},
		{Kind: Dense},
	}}
	for _, arch := range []Arch{depthwise, filters} {
		checkBands(t, arch)
	}
}

func checkBands(t *testing.T, arch Arch) {
	m, err := NewModelArch(arch, classNames(3), 4)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	x := make([]float32, arch.Input.Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	run := func(procs int) *Prediction {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m.WeightsChanged()
		m.infer = nil
		p, err := m.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	one, two := run(1), run(2)
	for i := range one.Activations {
		for j, v := range one.Activations[i].Data {
			if math.Float32bits(two.Activations[i].Data[j]) != math.Float32bits(v) {
				t.Fatalf("place %d, value %d: %g on two cores, %g on one", i+1, j, two.Activations[i].Data[j], v)
			}
		}
	}
}
