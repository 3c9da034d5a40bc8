package engine

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// opArchs are networks that exercise the engine's own ops in every form:
// kernels of other sizes, strides, "same" and asymmetric padding, 1x1
// convolutions, layers without bias or ReLU, max and average pooling with
// and without counted padding, global pooling, batch norm, and a pooling
// before the first layer with weights, and batch norms after a dense layer
// and after convolutions, with and without a ReLU after them.
func opArchs() map[string]Arch {
	return map[string]Arch{
		"small": smallArch(),
		"strided": {Input: Input{Channels: 3, Height: 13, Width: 11},
			Layers: []Layer{
				{Kind: Conv2D, Filters: 5, Kernel: []int{5, 3}, Stride: []int{2, 3}, Padding: PaddingSame},
				{Kind: ReLU},
				{Kind: MaxPool, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingExplicit, Pads: []int{1, 0, 0, 1}},
				{Kind: Conv2D, Filters: 4, Kernel: []int{1}, NoBias: true},
				{Kind: AvgPool, Kernel: []int{2, 3}, Stride: []int{1, 2}, Padding: PaddingExplicit, Pads: []int{1, 1, 0, 1}, CountPad: true},
				{Kind: Flatten},
				{Kind: Dense, Units: 6, NoBias: true},
				{Kind: BatchNorm},
				{Kind: ReLU},
				{Kind: Dense},
			}},
		"pool-first": {Input: Input{Channels: 3, Height: 9, Width: 9}, Mean: []float32{0.4, 0.6, 0.5}, Std: []float32{0.3, 0.2, 0.25},
			Layers: []Layer{
				{Kind: AvgPool, Kernel: []int{3}, Stride: []int{1}, Padding: PaddingSame},
				{Kind: MaxPool, Kernel: []int{2}},
				{Kind: Conv2D, Filters: 3, Kernel: []int{2}, Padding: PaddingExplicit, Pads: []int{0, 1, 1, 0}},
				{Kind: BatchNorm}, // no ReLU to fuse
				{Kind: MaxPool, Kernel: []int{2}, Padding: PaddingSame},
				{Kind: Conv2D, Filters: 4, Kernel: []int{3}, Padding: PaddingSame},
				{Kind: ReLU},
				{Kind: GlobalAvgPool},
				{Kind: Flatten},
				{Kind: Dense},
				{Kind: Softmax},
			}},
	}
}

// twinNetworks builds the graph of m with the engine's ops and with
// gorgonia's own (reference_test.go), each on its own copy of the weights.
func twinNetworks(t *testing.T, m *Model, batch int, train bool) (ours, ref *network) {
	t.Helper()
	clone := func() []*tensor.Dense {
		var ws []*tensor.Dense
		for _, w := range m.weights {
			ws = append(ws, w.Clone().(*tensor.Dense))
		}
		return ws
	}
	ours, err := buildNetwork(m.arch, m.steps, clone(), networkOptions{Classes: len(m.Meta.Classes), Batch: batch, Train: train})
	if err != nil {
		t.Fatal(err)
	}
	ref, err = buildGorgonia(m.arch, m.steps, clone(), len(m.Meta.Classes), batch, train)
	if err != nil {
		t.Fatal(err)
	}
	return ours, ref
}

// near fails unless got and want agree within 1e-5 (absolute, or relative
// for values above 1).
func near(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*math.Max(1, math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %.8g, gorgonia's ops give %.8g", what, i, got[i], want[i])
		}
	}
}

// TestOpsMatchGorgonia runs each test network built with the engine's ops
// and with gorgonia's, from the same weights and inputs, and checks the
// outputs, every conv layer's activations and every gradient within 1e-5.
func TestOpsMatchGorgonia(t *testing.T) {
	archs := opArchs()
	archs["study"] = StudyArch()
	for name, arch := range archs {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 9)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			for _, p := range m.Params() { // biases and batch norm statistics away from their start
				for i := range p.Data {
					if p.Frozen || len(p.Shape) == 1 {
						p.Data[i] += 0.2 * rng.Float32()
					}
				}
			}
			const batch = 3
			x := make([]float32, batch*arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			// Batches of one image take another path (bands of rows
			// over the cores, one-row products).
			for _, b := range []int{1, batch} {
				ours, ref := twinNetworks(t, m, b, false)
				for _, n := range []*network{ours, ref} {
					if err := n.run(x[:b*arch.Input.Len()], nil, nil); err != nil {
						t.Fatal(err)
					}
				}
				near(t, "logits", values(ours.logits), values(ref.logits))
				near(t, "probabilities", values(ours.probs), values(ref.probs))
				for i := range ours.places {
					near(t, "conv activation", values(ours.places[i]), values(ref.places[i]))
				}
			}

			ours, ref := twinNetworks(t, m, batch, true)
			labels := make([]float32, batch*3)
			for b := 0; b < batch; b++ {
				labels[b*3+rng.IntN(3)] = 1
			}
			var masks [][]float32
			for _, mk := range ours.masks {
				mask := make([]float32, mk.Shape().TotalSize())
				fillMaskLoop(mask, 0.3, rng)
				masks = append(masks, mask)
			}
			for _, n := range []*network{ours, ref} {
				if err := n.run(x, labels, masks); err != nil {
					t.Fatal(err)
				}
			}
			near(t, "loss", []float32{ours.loss.Value().Data().(float32)}, []float32{ref.loss.Value().Data().(float32)})
			for i, p := range ours.params {
				if ours.frozen[i] {
					continue
				}
				g1, err := p.Grad()
				if err != nil {
					t.Fatal(err)
				}
				g2, err := ref.params[i].Grad()
				if err != nil {
					t.Fatal(err)
				}
				near(t, "gradient of "+p.Name(), g1.Data().([]float32), g2.Data().([]float32))
			}
		})
	}
}

// TestOpGradientsFiniteDifferences checks the gradients of the test
// networks' losses with respect to their weights against central finite differences (the tolerance allows
// for float32 rounding and for steps across a ReLU's or a max's kink).
func TestOpGradientsFiniteDifferences(t *testing.T) {
	for name, arch := range opArchs() {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 5)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			x := make([]float32, 2*arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			loss, gs := trainingLoss(t, m, x, []int{0, 2})
			for pi, p := range m.Params() {
				if p.Frozen {
					continue
				}
				for _, j := range []int{argmaxAbs(gs[pi]), rng.IntN(len(p.Data)), rng.IntN(len(p.Data))} {
					checkFiniteDifference(t, loss, p, j, gs[pi][j], 2e-3)
				}
			}
		})
	}
}

// TestActivationGradients checks gorgonia's Backpropagate through the
// engine's ops to a conv layer's activations (as the explain view uses
// it) against gorgonia's own ops.
func TestActivationGradients(t *testing.T) {
	for name, arch := range opArchs() {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 6)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float32, arch.Input.Len())
			for i := range x {
				x[i] = float32(i%7) / 6
			}
			ours, ref := twinNetworks(t, m, 1, false)
			var grads [2][]float32
			for k, n := range []*network{ours, ref} {
				target, err := G.Sum(n.logits)
				if err != nil {
					t.Fatal(err)
				}
				one := n.g.AddNode(G.NewConstant(float32(1)))
				last := n.places[len(n.places)-1]
				gs, err := G.Backpropagate(G.Nodes{target}, G.Nodes{one}, G.Nodes{last})
				if err != nil {
					t.Fatal(err)
				}
				n.vm = G.NewTapeMachine(n.g)
				if err := n.run(x, nil, nil); err != nil {
					t.Fatal(err)
				}
				grads[k] = values(gs[0])
			}
			near(t, "activation gradient", grads[0], grads[1])
		})
	}
}

// TestPredictBatchSameAsPredict checks that PredictBatch, whatever its
// batch and number of cores, gives each image what Predict does (within
// float32 rounding: a one-image dense layer sums in another order).
func TestPredictBatchSameAsPredict(t *testing.T) {
	m, err := NewModelArch(smallArch(), []string{"a", "b", "c"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	const count = 7
	rng := rand.New(rand.NewPCG(8, 8))
	x := make([]float32, count*m.Input().Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, batch := range []int{1, 3, 64} {
			got, err := m.PredictBatch(x, batch)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < count; i++ {
				p, err := m.Predict(x[i*m.Input().Len() : (i+1)*m.Input().Len()])
				if err != nil {
					t.Fatal(err)
				}
				if !closeTo(got[i], p.Probabilities, 1e-6) {
					t.Fatalf("GOMAXPROCS %d, batch %d, image %d: %v, Predict gives %v", procs, batch, i, got[i], p.Probabilities)
				}
			}
		}
	}
}

// TestPredictEachSameAsPredict checks that PredictEach, whatever its batch
// and number of cores, gives each image exactly once what Predict does:
// probabilities, logits, features and every conv layer's activations
// (within float32 rounding).
func TestPredictEachSameAsPredict(t *testing.T) {
	m, err := NewModelArch(smallArch(), []string{"a", "b", "c"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	const count = 7
	size := m.Input().Len()
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float32, count*size)
	for i := range x {
		x[i] = rng.Float32()
	}
	want := make([]*Prediction, count)
	for i := range want {
		if want[i], err = m.Predict(x[i*size : (i+1)*size]); err != nil {
			t.Fatal(err)
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, batch := range []int{1, 3, 64} {
			var mu sync.Mutex
			seen := make([]int, count)
			err := m.PredictEach(x, batch, func(i int, p *Prediction) {
				mu.Lock()
				defer mu.Unlock()
				seen[i]++
				w := want[i]
				ok := closeTo(p.Probabilities, w.Probabilities, 1e-6) && closeTo(p.Logits, w.Logits, 1e-5) &&
					closeTo(p.Features, w.Features, 1e-5) && p.Class == w.Class && len(p.Activations) == len(w.Activations)
				for j := 0; ok && j < len(w.Activations); j++ {
					a, b := p.Activations[j], w.Activations[j]
					ok = a.Layer == b.Layer && a.Channels == b.Channels && a.Height == b.Height && a.Width == b.Width && closeTo(a.Data, b.Data, 1e-5)
				}
				if !ok {
					t.Errorf("GOMAXPROCS %d, batch %d, image %d: PredictEach differs from Predict", procs, batch, i)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, n := range seen {
				if n != 1 {
					t.Errorf("GOMAXPROCS %d, batch %d: image %d seen %d times", procs, batch, i, n)
				}
			}
		}
	}
	if err := m.PredictEach(x[:size+1], 4, func(int, *Prediction) {}); err == nil {
		t.Error("PredictEach took a partial image")
	}
}

// closeTo says whether a and b have the same length and differ by at most
// tol in each value.
func closeTo(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}
