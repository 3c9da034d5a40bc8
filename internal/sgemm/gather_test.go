package sgemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGather checks Gather's panels against their definition, bit for
// bit, with every kernel this processor has: panels of neighbouring cells
// (one load a row) and scattered ones (a gather), whole and cut short by
// the last column, and that it refuses to read outside its source.
func TestGather(t *testing.T) {
	defer setKernels(useAsm, useAVX512)
	rng := rand.New(rand.NewPCG(21, 22))
	src := random(rng, 5000)
	for _, kernels := range kernelSets() {
		setKernels(kernels.asm, kernels.avx512)
		for _, c := range []struct {
			name       string
			depth, n   int
			stride, at int32
		}{{"neighbours", 27, 48, 1, 3}, {"neighbours cut short", 9, 37, 1, 0}, {"stride 2", 30, 40, 2, 7}, {"one column", 5, 1, 1, 11}, {"scattered", 17, 70, 0, 0},
			// A negative stride: rows of -stride neighbours, 2 apart (an
			// output's rows in the padded maps: runs blended with AVX2).
			{"rows of 7", 20, 50, -7, 4}, {"rows of 5", 12, 40, -5, 0}, {"rows of 12", 9, 64, -12, 2},
			// Below -100: rows of -stride-100 cells 2 apart (stride 2).
			{"stride 2, rows of 7", 21, 49, -107, 3}, {"stride 2, rows of 14", 18, 56, -114, 0}, {"stride 2, rows of 16", 10, 64, -116, 5}} {
			rows := make([]int32, c.depth)
			for p := range rows {
				rows[p] = int32(rng.IntN(2000))
			}
			cols := make([]int32, c.n)
			for j := range cols {
				cols[j] = c.at + c.stride*int32(j)
				if c.stride == 0 {
					cols[j] = int32(rng.IntN(2000))
				}
				if w := -c.stride - 100; w > 0 {
					cols[j] = c.at + int32(j)/w*(2*w+3) + 2*(int32(j)%w)
				} else if w := -c.stride; w > 0 {
					cols[j] = c.at + int32(j)/w*(w+2) + int32(j)%w
				}
			}
			panels := (c.n + nr - 1) / nr
			dst := random(rng, panels*nr*c.depth)
			Gather(dst, src, rows, cols)
			for jr := 0; jr < panels; jr++ {
				for p := range rows {
					for j := 0; j < nr; j++ {
						var want float32
						if q := jr*nr + j; q < c.n {
							want = src[rows[p]+cols[q]]
						}
						if got := dst[jr*nr*c.depth+p*nr+j]; math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("%s, %s: panel %d row %d lane %d is %g, want %g", kernels.name, c.name, jr, p, j, got, want)
						}
					}
				}
			}
		}
		for _, bad := range [][2]int32{{-1, 0}, {4990, 10}} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: Gather read row %d, column %d of 5000 values without a panic", kernels.name, bad[0], bad[1])
					}
				}()
				Gather(make([]float32, nr), src, []int32{bad[0]}, []int32{bad[1]})
			}()
		}
	}
}

// TestClip checks Clip against Go's min(max(v, lo), hi) bit for bit (any
// NaN for a NaN), for bounds the vector loop takes (ReLU6's) and those it
// leaves to Go (signed zeros, NaN), on zeros of both signs, infinities,
// NaNs, the bounds themselves and random bits, and that it writes nothing
// past y.
func TestClip(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	vals := []float32{0, negZero, 1, -1, 6, 6.5, float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00000), math.SmallestNonzeroFloat32}
	rng := rand.New(rand.NewPCG(23, 24))
	for i := 0; i < 10000; i++ {
		vals = append(vals, math.Float32frombits(rng.Uint32()), float32(rng.NormFloat64()*4))
	}
	for _, b := range [][2]float32{{0, 6}, {-1, 1}, {negZero, 6}, {-3, 0}, {-3, negZero}, {float32(math.NaN()), 1}} {
		for _, n := range []int{0, 1, 7, 8, 9, 33, len(vals)} {
			got := make([]float32, n+2)
			got[n], got[n+1] = 42, 42
			Clip(got[:n], vals, b[0], b[1])
			for i, v := range vals[:n] {
				want := min(max(v, b[0]), b[1])
				if want != want {
					if got[i] == got[i] {
						t.Fatalf("bounds %v: clip(%v) = %v, want NaN", b, v, got[i])
					}
					continue
				}
				if math.Float32bits(got[i]) != math.Float32bits(want) {
					t.Fatalf("bounds %v: clip(%v) = %x, want %x", b, v, math.Float32bits(got[i]), math.Float32bits(want))
				}
			}
			if got[n] != 42 || got[n+1] != 42 {
				t.Fatalf("bounds %v, n %d: written past y", b, n)
			}
		}
	}
}

// TestRowsOf checks products with views of a packed A's rows against the
// same rows of the product with the whole of it, bit for bit, with every
// kernel this processor has, for row ranges ending inside a panel and
// depths cut into blocks.
func TestRowsOf(t *testing.T) {
	defer setKernels(useAsm, useAVX512)
	rng := rand.New(rand.NewPCG(25, 26))
	for _, kernels := range kernelSets() {
		setKernels(kernels.asm, kernels.avx512)
		for _, s := range [][3]int{{40, 49, 300}, {100, 37, 600}, {13, 70, 9}} {
			m, n, k := s[0], s[1], s[2]
			a, b := random(rng, m*k), random(rng, k*n)
			var pa PackedA
			pa.Pack(false, m, k, a, k)
			want := make([]float32, m*n)
			MulPacked(&pa, false, n, b, n, false, want, n, 1)
			for _, r := range [][2]int{{0, m}, {0, 7}, {12, m}, {6, m - 5}, {m / 12 * 12, m}} {
				var view PackedA
				pa.RowsOf(&view, r[0], r[1])
				got := make([]float32, m*n)
				MulPacked(&view, false, n, b, n, false, got[r[0]*n:], n, 2)
				for i := r[0] * n; i < r[1]*n; i++ {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %dx%dx%d, rows %v: entry %d is %g, want %g", kernels.name, m, n, k, r, i, got[i], want[i])
					}
				}
				for i := range got {
					if (i < r[0]*n || i >= r[1]*n) && got[i] != 0 {
						t.Fatalf("%s %dx%dx%d, rows %v: entry %d outside the rows written", kernels.name, m, n, k, r, i)
					}
				}
			}
		}
	}
}
