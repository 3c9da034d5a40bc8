package engine

import (
	"testing"

	"github.com/artlens/artlens/internal/cputime"
)

// reportCPU adds the CPU time per operation since cpu (cputime.Seconds),
// and the cores the run had on average, to a benchmark's figures: on a
// shared machine a run may not get the cores it asks for.
func reportCPU(b *testing.B, cpu float64, perOp int, unit string) {
	used := cputime.Seconds() - cpu
	b.ReportMetric(used*1e3/float64(b.N*perOp), "cpu-ms/"+unit)
	b.ReportMetric(used/b.Elapsed().Seconds(), "cores")
}

// BenchmarkPredict measures one image through the network with every conv
// layer's activations copied out, as the app does for each picture.
// Compare with ../shared/bench's PyTorch inference (README.md, "Performance").
func BenchmarkPredict(b *testing.B) {
	m, err := NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchPredict(b, m)
}

// benchPredict times m.Predict on one random 64x64 image.
func benchPredict(b *testing.B, m *Model) {
	x, _ := randomBatch(1, 4, 1)
	if _, err := m.Predict(x); err != nil { // builds the graph
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Seconds()
	for i := 0; i < b.N; i++ {
		if _, err := m.Predict(x); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, 1, "op")
}

// BenchmarkPredictPadded measures a prediction of a network as people
// bring them from PyTorch or Keras: "same" padding throughout, batch norm,
// global average pooling (about 160 MFLOP an image at 64x64; scripts/torch_padded_model.py is the same network in PyTorch), with every
// conv layer's activations copied out.
func BenchmarkPredictPadded(b *testing.B) {
	conv := func(f int) []Layer {
		return []Layer{{Kind: Conv2D, Filters: f, Kernel: []int{3}, Padding: PaddingSame}, {Kind: BatchNorm}, {Kind: ReLU}}
	}
	var layers []Layer
	layers = append(layers, conv(32)...)
	layers = append(layers, Layer{Kind: MaxPool, Kernel: []int{2}})
	layers = append(layers, conv(64)...)
	layers = append(layers, conv(64)...)
	layers = append(layers, Layer{Kind: MaxPool, Kernel: []int{2}})
	layers = append(layers, conv(128)...)
	layers = append(layers, Layer{Kind: GlobalAvgPool}, Layer{Kind: Flatten}, Layer{Kind: Dense})
	arch := Arch{Input: Input{Channels: 3, Height: 64, Width: 64}, Layers: layers}
	m, err := NewModelArch(arch, []string{"a", "b", "c", "d"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchPredict(b, m)
}

// BenchmarkPredictBatch measures evaluation's path: 256 images in batches
// of 64, spread over GOMAXPROCS graphs. Run it with -cpu 1,2 to see how it
// scales from one core to two; img/s, CPU time per image and the cores
// used are reported.
func BenchmarkPredictBatch(b *testing.B) {
	m, err := NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	x, _ := randomBatch(256, 4, 1)
	if _, err := m.PredictBatch(x, 64); err != nil { // builds the graphs
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Seconds()
	for i := 0; i < b.N; i++ {
		if _, err := m.PredictBatch(x, 64); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(256*float64(b.N)/b.Elapsed().Seconds(), "img/s")
	reportCPU(b, cpu, 256, "img")
}
