package explain

import (
	"context"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/cputime"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/weights"
)

// BenchmarkMethods is one map of each method with the study's network on
// one picture, the predicted class, the default place and options (RISE:
// 2,000 masks), with the CPU time it took and the cores it had:
// scripts/bench-explain-vs-pytorch.sh sets them beside the same work in
// PyTorch.
func BenchmarkMethods(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	in := picture.ToInput(scene(300, 200), engine.InputSize)
	for _, me := range MethodsFor(m) {
		b.Run(me.Name, func(b *testing.B) {
			req := Request{Input: in, Class: -1, Seed: 1}
			if _, err := me.Run(context.Background(), m, req); err != nil { // graphs built
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu := cputime.Seconds()
			for i := 0; i < b.N; i++ {
				if _, err := me.Run(context.Background(), m, req); err != nil {
					b.Fatal(err)
				}
			}
			// On a shared machine a run may not get the cores it asks for:
			// the CPU time per map and the cores used say how much it had.
			used := cputime.Seconds() - cpu
			b.ReportMetric(used*1e3/float64(b.N), "cpu-ms/op")
			b.ReportMetric(used/b.Elapsed().Seconds(), "cores")
		})
	}
}
