package atlas

import (
	"context"
	"testing"
)

// BenchmarkLayout10000 lays out 10,000 pictures' generated features (256
// values, twenty clouds), neighbours, layout and clusters: the issue's
// budget is a minute for the 8,577 pictures of the data set.
func BenchmarkLayout10000(b *testing.B) {
	items := blobs(20, 500, 256, 3)
	classes := make([]string, 20)
	for i := range classes {
		classes[i] = string(rune('a' + i))
	}
	for _, method := range []Method{UMAP, TSNE} {
		b.Run(string(method), func(b *testing.B) {
			for b.Loop() {
				if _, err := Build(context.Background(), items, classes, Options{Method: method}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
