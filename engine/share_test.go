package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/artlens/artlens/engine/nn"
)

// packedOf returns the packed kernels each conv layer of n last ran with,
// by step.
func packedOf(n *network) map[int]*nn.PackedKernels {
	out := map[int]*nn.PackedKernels{}
	for _, node := range n.g.AllNodes() {
		if layer, p, ok := nn.ConvKernels(node.Op()); ok {
			out[layer] = p
		}
	}
	return out
}

// sameBits fails unless got and want hold the same float32 bits.
func sameBits(t *testing.T, what string, got, want [][]float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d images, want %d", what, len(got), len(want))
	}
	for i := range got {
		for j := range got[i] {
			if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
				t.Fatalf("%s: image %d, value %d is %g, want %g", what, i, j, got[i][j], want[i][j])
			}
		}
	}
}

// TestShareSharesWeightsAndKernels checks that a model's shares predict
// what it does with one copy of the packed kernels for all their graphs
// (Predict's and PredictBatch's), kept when the weights are only read
// (Weights, Marshal), that they follow a change of its weights
// (WeightsChanged), and that writing a share's weights (Params)
// gives the share its own and leaves the model as it was.
func TestShareSharesWeightsAndKernels(t *testing.T) {
	for name, arch := range map[string]Arch{"graph": graphArch(), "resnet18": resNet18Arch(32)} {
		t.Run(name, func(t *testing.T) {
			if name == "resnet18" && testing.Short() {
				t.Skip("minutes under the race detector; the graph has folded batch norms too")
			}
			m, err := NewModelArch(arch, classNames(5), 9)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(4, 6))
			for _, p := range m.Params() { // batch norm statistics and biases away from their start
				if len(p.Shape) == 1 {
					for i := range p.Data {
						p.Data[i] += 0.4 * rng.Float32()
					}
				}
			}
			x := make([]float32, 4*arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			// fresh predicts x with a model loaded from mo's weights,
			// which shares nothing.
			fresh := func(mo *Model) [][]float32 {
				t.Helper()
				data, err := mo.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				f, err := Load(data)
				if err != nil {
					t.Fatal(err)
				}
				out, err := f.PredictBatch(x, 4)
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			predict := func(what string, mo *Model) [][]float32 {
				t.Helper()
				out, err := mo.PredictBatch(x, 4)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if _, err := mo.Predict(x[:arch.Input.Len()]); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				return out
			}
			want := fresh(m)
			s := m.Share()
			sameBits(t, "the model", predict("the model", m), want)
			sameBits(t, "its share", predict("its share", s), want)
			if s.kernels != m.kernels || &s.weights[0].Float32s()[0] != &m.weights[0].Float32s()[0] {
				t.Fatal("the share has its own weights or kernels")
			}
			mine := packedOf(m.infer)
			if len(mine) == 0 {
				t.Fatal("no conv layers found")
			}
			for _, n := range append([]*network{s.infer}, append(m.batchNets, s.batchNets...)...) {
				for layer, p := range packedOf(n) {
					// nil: a batch graph that ran nothing (the other
					// worker took every picture).
					if p != nil && p != mine[layer] {
						t.Fatalf("step %d: a graph packed its own kernels", layer)
					}
				}
			}
			_ = m.Weights() // read: no change, nothing packed again
			if _, err := m.Marshal(); err != nil {
				t.Fatal(err)
			}
			predict("its share", s)
			for layer, p := range packedOf(s.infer) {
				if p != mine[layer] {
					t.Fatalf("step %d: packed again after Weights and Marshal", layer)
				}
			}

			for _, p := range m.Params() { // the model trained: its share follows
				if len(p.Shape) > 1 {
					for i := range p.Data {
						p.Data[i] *= -1.5
					}
				}
			}
			m.WeightsChanged()
			want = fresh(m)
			sameBits(t, "its share after WeightsChanged", predict("its share", s), want)
			sameBits(t, "the model after WeightsChanged", predict("the model", m), want)

			for _, p := range s.Params() { // the share written: it gets its own
				for i := range p.Data {
					p.Data[i] *= 0.5
				}
			}
			s.WeightsChanged()
			if s.kernels == m.kernels || &s.weights[0].Float32s()[0] == &m.weights[0].Float32s()[0] {
				t.Fatal("a written share still shares the model's weights or kernels")
			}
			sameBits(t, "the model after its share was written", predict("the model", m), want)
			sameBits(t, "the written share", predict("the share", s), fresh(s))
			if got := predict("the share", s); math.Float32bits(got[0][0]) == math.Float32bits(want[0][0]) {
				t.Fatal("writing the share's weights changed nothing")
			}
		})
	}
}

// TestShareRunsBesideTheModel runs a model and two shares at once (the
// Explore view and the collection's analysis), for the race detector, and
// checks each result against the model's alone.
func TestShareRunsBesideTheModel(t *testing.T) {
	arch := graphArch()
	m, err := NewModelArch(arch, classNames(5), 3)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 4*arch.Input.Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	want, err := m.PredictBatch(x, 4)
	if err != nil {
		t.Fatal(err)
	}
	m.WeightsChanged() // every graph packs again, all at once
	models := []*Model{m, m.Share(), m.Share()}
	var wg sync.WaitGroup
	errs := make([]error, len(models))
	for k, mo := range models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				got, err := mo.PredictBatch(x, 4)
				if err != nil {
					errs[k] = err
					return
				}
				for i := range got {
					for j := range got[i] {
						if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
							errs[k] = fmt.Errorf("image %d, value %d: %g, alone %g", i, j, got[i][j], want[i][j])
							return
						}
					}
				}
				if _, err := mo.Predict(x[:arch.Input.Len()]); err != nil {
					errs[k] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Errorf("model %d: %v", k, err)
		}
	}
}
