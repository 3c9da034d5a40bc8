package importer

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/cputime"
)

// BenchmarkPredictViTB16 times the ONNX model named by ARTLENS_VIT_ONNX
// (torchvision's vit_b_16, 330 MB, written to /tmp by
// scripts/bench-graph-vs-pytorch.sh: never committed) predicting one
// 224x224 picture with every place's maps kept, as the engine's
// BenchmarkPredictResNet18 does: the best single prediction in wall time
// and in CPU time. Skipped when the variable is unset.
func BenchmarkPredictViTB16(b *testing.B) {
	path := os.Getenv("ARTLENS_VIT_ONNX")
	if path == "" {
		b.Skip("ARTLENS_VIT_ONNX names no model")
	}
	benchPredict(b, path)
}

// BenchmarkPredictSwinT is BenchmarkPredictViTB16 for torchvision's
// swin_t that scripts/check-swin-t.py writes, ARTLENS_SWIN_ONNX naming it
// without its .onnx.
func BenchmarkPredictSwinT(b *testing.B) {
	path := os.Getenv("ARTLENS_SWIN_ONNX")
	if path == "" {
		b.Skip("ARTLENS_SWIN_ONNX names no model")
	}
	benchPredict(b, path+".onnx")
}

// benchPredict times the ONNX model at path predicting one picture.
func benchPredict(b *testing.B, path string) {
	m, err := ImportFile(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, m.Input().Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	if _, err := m.Predict(x); err != nil { // builds the graph, packs the kernels
		b.Fatal(err)
	}
	b.ResetTimer()
	best, cpu := math.Inf(1), math.Inf(1)
	for i := 0; i < b.N; i++ {
		t, c := time.Now(), cputime.Seconds()
		if _, err := m.Predict(x); err != nil {
			b.Fatal(err)
		}
		best = min(best, time.Since(t).Seconds())
		cpu = min(cpu, cputime.Seconds()-c)
	}
	b.ReportMetric(best*1e3, "best-ms")
	b.ReportMetric(cpu*1e3, "best-cpu-ms")
}
