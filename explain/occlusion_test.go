package explain

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine"
)

func randomInput(seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float32, 3*engine.InputSize*engine.InputSize)
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

func TestPositions(t *testing.T) {
	tests := []struct {
		size, patch, stride int
		want                []int
	}{
		{64, 16, 6, []int{0, 6, 12, 18, 24, 30, 36, 42, 48}},
		{64, 16, 8, []int{0, 8, 16, 24, 32, 40, 48}},
		{64, 16, 16, []int{0, 16, 32, 48}},
		{64, 20, 16, []int{0, 16, 32, 44}}, // the last one reaches the edge
		{64, 64, 8, []int{0}},
		{10, 3, 4, []int{0, 4, 7}},
	}
	for _, tc := range tests {
		if got := positions(tc.size, tc.patch, tc.stride); !slices.Equal(got, tc.want) {
			t.Errorf("positions(%d, %d, %d) = %v, want %v", tc.size, tc.patch, tc.stride, got, tc.want)
		}
	}
	if got := OcclusionPatchStarts(64, OcclusionOptions{}); len(got) != 7 {
		t.Errorf("default positions %v, want 9", got)
	}
}

func TestOcclude(t *testing.T) {
	in := make([]float32, 3*4*4)
	out := Occlude(in, 4, 4, 1, 2, 2, []float32{0.1, 0.2, 0.3})
	for c, v := range []float32{0.1, 0.2, 0.3} {
		for y := 0; y < 4; y++ {
			for x := 0; x < 4; x++ {
				want := float32(0)
				if x >= 1 && x < 3 && y >= 2 {
					want = v
				}
				if got := out[c*16+y*4+x]; got != want {
					t.Fatalf("channel %d (%d,%d) = %g, want %g", c, x, y, got, want)
				}
			}
		}
	}
	if in[2*4+1] != 0 {
		t.Error("Occlude changed its input")
	}
	if m := MeanColor([]float32{0, 1, 1, 1, 2, 2}, 3); !slices.Equal(m, []float32{0.5, 1, 2}) {
		t.Errorf("MeanColor = %v", m)
	}
}

// TestOcclusionDropEqualsDirectPrediction checks each cell of a map
// against a prediction of the occluded image made directly.
func TestOcclusionDropEqualsDirectPrediction(t *testing.T) {
	m, err := engine.NewModel([]string{"a", "b", "c", "d"}, 11)
	if err != nil {
		t.Fatal(err)
	}
	in := randomInput(5)
	opt := OcclusionOptions{Patch: 24, Stride: 20}
	occ, err := Occlusion(context.Background(), m, in, 2, opt)
	if err != nil {
		t.Fatal(err)
	}
	starts := OcclusionPatchStarts(64, opt)
	if occ.Width != len(starts) || occ.Height != len(starts) || occ.Class != 2 || occ.Method != MethodOcclusion {
		t.Fatalf("map %dx%d class %d, want %dx%d class 2", occ.Width, occ.Height, occ.Class, len(starts), len(starts))
	}
	base, err := m.Predict(in)
	if err != nil {
		t.Fatal(err)
	}
	mean := MeanColor(in, 3)
	for r, y := range starts {
		for c, x := range starts {
			p, err := m.Predict(Occlude(in, 64, 64, x, y, 24, mean))
			if err != nil {
				t.Fatal(err)
			}
			want := base.Probabilities[2] - p.Probabilities[2]
			if got := occ.Values[r*occ.Width+c]; !near(float64(got), float64(want), 1e-6) {
				t.Errorf("cell (%d,%d): drop %g, direct prediction gives %g", r, c, got, want)
			}
		}
	}
	if _, err := Occlusion(context.Background(), m, in, 2, OcclusionOptions{Patch: 65}); err == nil {
		t.Error("a patch larger than the input gave no error")
	}
}

func TestOcclusionCancelled(t *testing.T) {
	m, err := engine.NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Occlusion(ctx, m, randomInput(1), -1, OcclusionOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled occlusion returned %v", err)
	}
}
