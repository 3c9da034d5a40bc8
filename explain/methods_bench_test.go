package explain

import (
	"context"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/weights"
)

// BenchmarkMethods is one map of each method with the study's network on
// one picture, the predicted class, the default place and options:
// scripts/bench-explain-vs-pytorch.sh sets them beside the same work in
// PyTorch.
func BenchmarkMethods(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	in := picture.ToInput(scene(300, 200), engine.InputSize)
	for _, me := range Methods() {
		b.Run(me.Name, func(b *testing.B) {
			req := Request{Input: in, Class: -1, Seed: 1}
			if _, err := me.Run(context.Background(), m, req); err != nil { // graphs built
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := me.Run(context.Background(), m, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
