package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fillMaskLoop is fillMask as a plain loop over rand.Rand.Float64, the
// definition fillMask must match.
func fillMaskLoop(mask []float32, rate float64, rng *rand.Rand) {
	keep := float32(1 / (1 - rate))
	for i := range mask {
		if rng.Float64() < rate {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
	}
}

// TestFillMaskIsTheFloat64Loop checks that fillMask draws the same masks
// as the plain loop and leaves the generator in the same state, for
// lengths around the four lanes and rates that are and are not exact
// binary fractions.
func TestFillMaskIsTheFloat64Loop(t *testing.T) {
	for _, rate := range []float64{0.25, 0.3, 0.5, 0.1, 1e-9, 0.999} {
		for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 1000, 30753} {
			want, got := make([]float32, n), make([]float32, n)
			ref := rand.NewPCG(uint64(n), math.Float64bits(rate))
			fillMaskLoop(want, rate, rand.New(ref))
			p := rand.NewPCG(uint64(n), math.Float64bits(rate))
			fillMask(got, rate, p)
			for i := range want {
				if want[i] != got[i] {
					t.Fatalf("rate %g, %d units: unit %d is %g, want %g", rate, n, i, got[i], want[i])
				}
			}
			if a, b := ref.Uint64(), p.Uint64(); a != b {
				t.Fatalf("rate %g, %d units: the generator goes on with %x, want %x", rate, n, b, a)
			}
		}
	}
}

// TestFillMaskOff checks that without a generator every unit is kept.
func TestFillMaskOff(t *testing.T) {
	m := []float32{0, 7, -1}
	fillMask(m, 0.5, nil)
	for i, v := range m {
		if v != 1 {
			t.Fatalf("unit %d is %g, want 1", i, v)
		}
	}
}

func BenchmarkFillMask(b *testing.B) {
	m := make([]float32, 32*31*31)
	p := rand.NewPCG(1, 2)
	for i := 0; i < b.N; i++ {
		fillMask(m, 0.25, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(m)), "ns/unit")
}
