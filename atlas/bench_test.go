package atlas

import (
	"context"
	"testing"

	"github.com/artlens/artlens/internal/cputime"
)

// BenchmarkLayout10000 lays out 10,000 pictures' generated features (256
// values, twenty clouds): neighbours, layout and clusters. It reports the
// CPU time per layout and the cores the run had, since on a shared machine
// the wall-clock time says little. The budget is a minute for the
// 8,577 pictures of the data set on two cores.
func BenchmarkLayout10000(b *testing.B) {
	items := blobs(20, 500, 256, 3)
	classes := make([]string, 20)
	for i := range classes {
		classes[i] = string(rune('a' + i))
	}
	for _, method := range []Method{UMAP, TSNE} {
		b.Run(string(method), func(b *testing.B) {
			cpu := cputime.Seconds()
			for b.Loop() {
				if _, err := Build(context.Background(), items, classes, Options{Method: method}, nil); err != nil {
					b.Fatal(err)
				}
			}
			used := cputime.Seconds() - cpu
			b.ReportMetric(used/float64(b.N), "cpu-s/op")
			b.ReportMetric(used/b.Elapsed().Seconds(), "cores")
		})
	}
}
