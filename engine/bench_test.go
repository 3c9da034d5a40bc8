package engine

import "testing"

// BenchmarkPredict measures one image through the network with every conv
// layer's activations copied out, as the app does for each picture.
// Compare with ../shared/bench's PyTorch inference (README.md, "Performance").
func BenchmarkPredict(b *testing.B) {
	m, err := NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	x, _ := randomBatch(1, 4, 1)
	if _, err := m.Predict(x); err != nil { // builds the graph
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Predict(x); err != nil {
			b.Fatal(err)
		}
	}
}
