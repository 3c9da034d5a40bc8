package engine

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/cputime"
)

// BenchmarkViTExploreVsPredict times, for the weights file named by
// ARTLENS_VIT_WEIGHTS (torchvision's vit_b_16 imported with 'artlens
// import', 330 MB: never committed; skipped when unset), what the window
// does with one picture, every place's maps and every block's attention
// kept (Model.Attention), against what 'artlens predict' does per picture
// (PredictBatch of two pictures, the answer alone), interleaved, best of
// b.N each in wall and CPU time.
func BenchmarkViTExploreVsPredict(b *testing.B) {
	path := os.Getenv("ARTLENS_VIT_WEIGHTS")
	if path == "" {
		b.Skip("ARTLENS_VIT_WEIGHTS names no weights file")
	}
	m, err := LoadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	n := m.Input().Len()
	x := make([]float32, 2*n)
	for i := range x {
		x[i] = rng.Float32()
	}
	// Build the graphs and pack the kernels first.
	if _, _, err := m.Attention(x[:n]); err != nil {
		b.Fatal(err)
	}
	if _, err := m.PredictBatch(x, 2); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	exploreWall, exploreCPU, predictWall, predictCPU := math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1)
	for i := 0; i < b.N; i++ {
		t, c := time.Now(), cputime.Seconds()
		if _, _, err := m.Attention(x[:n]); err != nil {
			b.Fatal(err)
		}
		exploreWall, exploreCPU = min(exploreWall, time.Since(t).Seconds()), min(exploreCPU, cputime.Seconds()-c)
		t, c = time.Now(), cputime.Seconds()
		if _, err := m.PredictBatch(x, 2); err != nil {
			b.Fatal(err)
		}
		predictWall, predictCPU = min(predictWall, time.Since(t).Seconds()/2), min(predictCPU, (cputime.Seconds()-c)/2)
	}
	b.ReportMetric(exploreWall*1e3, "explore-ms")
	b.ReportMetric(exploreCPU*1e3, "explore-cpu-ms")
	b.ReportMetric(predictWall*1e3, "predict-ms/picture")
	b.ReportMetric(predictCPU*1e3, "predict-cpu-ms/picture")
	b.ReportMetric(exploreCPU/predictCPU, "cpu-ratio")
	b.ReportMetric(exploreWall/predictWall, "wall-ratio")
}
