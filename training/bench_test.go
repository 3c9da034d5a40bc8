package training

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/cputime"
)

// BenchmarkTrainStep measures one optimizer step on a batch of 64 random
// images, as Train does it: forward, backward and Adam, the batch split
// over min(2, NumCPU) graphs. Compare with ../shared/bench's PyTorch step
// (README.md, "Performance"); img/s, CPU time per step and the cores used
// are reported.
func BenchmarkTrainStep(b *testing.B) {
	m, err := engine.NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchStep(b, m)
}

// BenchmarkTrainStepResNet is BenchmarkTrainStep for the companion
// network (ResNetArch at 128x128, batch norm on batch statistics):
// compare with scripts/torch_resnet_train.py, the same network in PyTorch.
func BenchmarkTrainStepResNet(b *testing.B) {
	m, err := engine.NewModelArch(ResNetArch(128), []string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchStep(b, m)
}

// benchStep times optimizer steps of m on a batch of 64 random pictures.
func benchStep(b *testing.B, m *engine.Model) {
	workers := min(runtime.NumCPU(), 2)
	params := m.Params()
	sizes := make([]int, len(params))
	for i, p := range params {
		sizes[i] = len(p.Data)
	}
	st, err := newStepper(m, 64, workers, newAdam(sizes), engine.BatchStatistics)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	rngs := make([]*rand.PCG, workers)
	for w := range rngs {
		rngs[w] = rand.NewPCG(uint64(w), 2)
		for i := range st.inputs[w] {
			st.inputs[w][i] = rng.Float32()
		}
		for i := range st.labels[w] {
			st.labels[w][i] = rng.IntN(4)
		}
	}
	if _, _, err := st.step(0.001, rngs); err != nil { // allocates the ops' buffers
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Seconds()
	for i := 0; i < b.N; i++ {
		if _, _, err := st.step(0.001, rngs); err != nil {
			b.Fatal(err)
		}
	}
	used := cputime.Seconds() - cpu
	b.ReportMetric(64*float64(b.N)/b.Elapsed().Seconds(), "img/s")
	// CPU time per step and the cores the run had: on a shared machine a
	// run may not get both cores.
	b.ReportMetric(used*1e3/float64(b.N), "cpu-ms/op")
	b.ReportMetric(used/b.Elapsed().Seconds(), "cores")
}
