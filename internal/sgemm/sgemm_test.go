package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// naive computes a·b (+ c) in float64, the reference for Mul.
func naive(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if acc {
				s = float64(c[i*ldc+j])
			}
			for p := 0; p < k; p++ {
				x := a[i*lda+p]
				if ta {
					x = a[p*lda+i]
				}
				y := b[p*ldb+j]
				if tb {
					y = b[j*ldb+p]
				}
				s += float64(x) * float64(y)
			}
			out[i*n+j] = s
		}
	}
	return out
}

func random(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = rng.Float32()*2 - 1
	}
	return v
}

// TestMul checks Mul against float64 loops for shapes around the panel
// and block sizes, every transposition, accumulation, padded strides and
// several goroutines, A packed beforehand or not, with the assembly kernel
// and the Go one.
func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {1, 37, 5}, {1, 512, 2048}, {1, 1000, 700}, {6, 16, 1}, {7, 17, 3}, {5, 15, 300}, {13, 40, 27}, {12, 32, 5}, {30, 70, 300}, {64, 841, 288}, {73, 530, 257}, {2, 512, 2048}, {32, 3, 9}}
	defer setKernels(useAsm, useAVX512)
	for _, kernels := range kernelSets() {
		setKernels(kernels.asm, kernels.avx512)
		kernelAsm := kernels.name
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					for _, acc := range []bool{false, true} {
						for _, threads := range []int{1, 3} {
							for _, packed := range []bool{false, true} {
								name := fmt.Sprintf("%s/%dx%dx%d/ta=%v/tb=%v/acc=%v/threads=%d/packed=%v", kernelAsm, m, n, k, ta, tb, acc, threads, packed)
								lda, ldb, ldc := k+1, n+2, n+3
								if ta {
									lda = m + 1
								}
								if tb {
									ldb = k + 2
								}
								a := random(rng, max(m, k)*lda)
								b := random(rng, max(n, k)*ldb)
								c := random(rng, m*ldc)
								want := naive(ta, tb, m, n, k, a, lda, b, ldb, acc, c, ldc)
								if packed {
									var pa PackedA
									pa.Pack(ta, m, k, a, lda)
									MulPacked(&pa, tb, n, b, ldb, acc, c, ldc, threads)
								} else {
									Mul(ta, tb, m, n, k, a, lda, b, ldb, acc, c, ldc, threads)
								}
								for i := 0; i < m; i++ {
									for j := 0; j < n; j++ {
										if d := math.Abs(float64(c[i*ldc+j]) - want[i*n+j]); d > 1e-6*float64(k+1) {
											t.Fatalf("%s: c[%d,%d] = %g, want %g", name, i, j, c[i*ldc+j], want[i*n+j])
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

// kernelSet is a choice of kernels: Go's, AVX2's, or AVX-512's.
type kernelSet struct {
	name        string
	asm, avx512 bool
}

// kernelSets returns the kernels this processor can run.
func kernelSets() []kernelSet {
	sets := []kernelSet{{name: "go"}}
	if useAsm {
		sets = append(sets, kernelSet{name: "avx2", asm: true})
	}
	if useAVX512 {
		sets = append(sets, kernelSet{name: "avx512", asm: true, avx512: true})
	}
	return sets
}

// setKernels chooses the kernels Mul uses.
func setKernels(asm, avx512 bool) { useAsm, useAVX512 = asm, avx512 }

// TestKernelsSameBits checks that the AVX-512 and the AVX2 kernels give
// the same bits (the engine's golden predictions and a resumed training
// must not depend on the processor's vector width), for every way a block
// of C is cut: 12-row, 6-row and partial tiles, 32 and 16 columns.
func TestKernelsSameBits(t *testing.T) {
	if !useAVX512 {
		t.Skip("this processor has no AVX-512")
	}
	defer setKernels(useAsm, useAVX512)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, s := range [][3]int{{12, 32, 1}, {30, 70, 300}, {64, 841, 288}, {128, 144, 576}, {73, 530, 257}, {32, 3844, 27}} {
		m, n, k := s[0], s[1], s[2]
		a, b := random(rng, m*k), random(rng, k*n)
		for _, acc := range []bool{false, true} {
			c0 := random(rng, m*n)
			c1, c2 := slices.Clone(c0), slices.Clone(c0)
			setKernels(true, false)
			Mul(false, false, m, n, k, a, k, b, n, acc, c1, n, 1)
			setKernels(true, true)
			Mul(false, false, m, n, k, a, k, b, n, acc, c2, n, 1)
			for i := range c1 {
				if math.Float32bits(c1[i]) != math.Float32bits(c2[i]) {
					t.Fatalf("%dx%dx%d acc=%v: entry %d is %g with AVX2, %g with AVX-512", m, n, k, acc, i, c1[i], c2[i])
				}
			}
		}
	}
}

// TestMulThreadsSameResult checks that the result does not depend on the
// number of goroutines, nor on A being packed before (training must repeat
// bit for bit).
func TestMulThreadsSameResult(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, n, k := 64, 900, 576
	a, b := random(rng, m*k), random(rng, k*n)
	c1, c2 := make([]float32, m*n), make([]float32, m*n)
	Mul(false, false, m, n, k, a, k, b, n, false, c1, n, 1)
	Mul(false, false, m, n, k, a, k, b, n, false, c2, n, 2)
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("entry %d: %g with one goroutine, %g with two", i, c1[i], c2[i])
		}
	}
	var pa PackedA
	pa.Pack(false, m, k, a, k)
	MulPacked(&pa, false, n, b, n, false, c2, n, 1)
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("entry %d: %g with A packed by Mul, %g with A packed before", i, c1[i], c2[i])
		}
	}
}

// benchShapes are the study's conv layers for one image (filters, output
// cells, kernels×channels) and its first dense layer at batch 32.
var benchShapes = [][3]int{{32, 3844, 27}, {64, 841, 288}, {128, 144, 576}, {32, 512, 2048}}

func BenchmarkMul(b *testing.B) {
	for _, s := range benchShapes {
		m, n, k := s[0], s[1], s[2]
		rng := rand.New(rand.NewPCG(1, 1))
		x, y, z := random(rng, m*k), random(rng, k*n), make([]float32, m*n)
		b.Run(fmt.Sprintf("sgemm/%dx%dx%d", m, n, k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Mul(false, false, m, n, k, x, k, y, n, false, z, n, 1)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("gonum/%dx%dx%d", m, n, k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, x, k, y, n, 0, z, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestRun checks that Run calls f once for each index, whatever the
// number of workers already started.
func TestRun(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5} {
		seen := make([]int32, n)
		Run(n, func(i int) { seen[i]++ })
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("Run(%d): f(%d) called %d times", n, i, c)
			}
		}
	}
}

// TestBiasReLU checks ScaleShift with scale 1, a bias and a ReLU (as a
// convolution uses it), against Go's max(v+add, 0) bit for bit (any NaN for
// NaN), for lengths around the kernel's 8 values and special values: zeros
// of both signs, infinities, NaNs, subnormals.
func TestBiasReLU(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), 1, -1, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00000),
		math.Float32frombits(0x7f800001), math.Float32frombits(0xff800001)}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 100, 1000} {
		for _, add := range []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, float32(math.NaN())} {
			x := make([]float32, n)
			for i := range x {
				if rng.IntN(3) == 0 {
					x[i] = specials[rng.IntN(len(specials))]
				} else {
					x[i] = float32(rng.NormFloat64())
				}
			}
			want := make([]float32, n)
			for i, v := range x {
				want[i] = max(v+add, 0)
			}
			ScaleShift(x, x, 1, add, true)
			for i := range x {
				g, w := x[i], want[i]
				if w != w {
					if g == g {
						t.Fatalf("n %d add %v: x[%d] = %v, want NaN", n, add, i, g)
					}
					continue
				}
				if math.Float32bits(g) != math.Float32bits(w) {
					t.Fatalf("n %d add %v: x[%d] = %x, want %x", n, add, i, math.Float32bits(g), math.Float32bits(w))
				}
			}
		}
	}
}

// TestReLUGrad checks ReLUGrad against the Go loop bit for bit, for
// lengths around the kernel's 8 values, with zeros of both signs and NaNs
// among the ReLU's outputs.
func TestReLUGrad(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), 1, float32(math.NaN()), float32(math.Inf(1)), math.SmallestNonzeroFloat32}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 33, 1000} {
		y, dy := make([]float32, n), make([]float32, n+3)
		for i := range y {
			y[i] = specials[rng.IntN(len(specials))]
		}
		for i := range dy {
			dy[i] = float32(rng.NormFloat64())
		}
		got, want := make([]float32, n+3), make([]float32, n)
		for i := range got {
			got[i] = 42
		}
		ReLUGrad(got, dy, y)
		reluGradGo(want, dy, y)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("n %d: g[%d] = %v, want %v (y %v, dy %v)", n, i, got[i], want[i], y[i], dy[i])
			}
			expect := dy[i]
			if math.Float32bits(y[i]) == 0 {
				expect = 0
			}
			if math.Float32bits(want[i]) != math.Float32bits(expect) {
				t.Fatalf("n %d: g[%d] = %v for y %v, dy %v", n, i, want[i], y[i], dy[i])
			}
		}
		for i := n; i < n+3; i++ {
			if got[i] != 42 {
				t.Fatalf("n %d: g[%d] written past y", n, i)
			}
		}
	}
}

// stored is a matrix B kept as a stored matrix, as a Source.
type stored struct {
	o operands
}

func (s *stored) PackB(dst []float32, p0, depth, j0, cols int) { s.o.packB(dst, p0, depth, j0, cols) }

// TestMulFrom checks that products with B given as a Source equal, bit
// for bit, those with B stored, for shapes around the panel sizes, with
// every kernel this processor has.
func TestMulFrom(t *testing.T) {
	defer setKernels(useAsm, useAVX512)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, kernels := range kernelSets() {
		setKernels(kernels.asm, kernels.avx512)
		for _, s := range [][3]int{{1, 1, 1}, {7, 17, 3}, {13, 40, 27}, {30, 70, 300}, {64, 841, 288}, {32, 27, 841}} {
			m, n, k := s[0], s[1], s[2]
			for _, acc := range []bool{false, true} {
				a, b := random(rng, m*k), random(rng, k*n)
				c0 := random(rng, m*n)
				want := slices.Clone(c0)
				Mul(false, false, m, n, k, a, k, b, n, acc, want, n, 2)
				src := &stored{operands{n: n, k: k, b: b, ldb: n}}
				got := slices.Clone(c0)
				MulFrom(false, m, n, k, a, k, src, acc, got, n, 2)
				var pa PackedA
				pa.Pack(false, m, k, a, k)
				gotPacked := slices.Clone(c0)
				MulPackedFrom(&pa, src, n, acc, gotPacked, n, 2)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(gotPacked[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %dx%dx%d acc=%v: entry %d is %g (A packed before: %g), want %g", kernels.name, m, n, k, acc, i, got[i], gotPacked[i], want[i])
					}
				}
			}
		}
	}
}

// TestAdd checks Add against Go's additions bit for bit, for lengths
// around the eight values the assembly takes at a time, and that it
// writes nothing past y.
func TestAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{0, 1, 7, 8, 9, 29, 64, 1000} {
		x, y := random(rng, n+2), random(rng, n+2)
		want := slices.Clone(y)
		for i := 0; i < n; i++ {
			want[i] += x[i]
		}
		Add(y[:n], x)
		for i := range want {
			if math.Float32bits(y[i]) != math.Float32bits(want[i]) {
				t.Fatalf("n %d: y[%d] = %v, want %v", n, i, y[i], want[i])
			}
		}
	}
}

// TestScaleShift checks ScaleShift against its Go loop bit for bit (any
// NaN for a NaN), with
// and without the ReLU, for lengths around eight values and inputs that
// include zeros of both signs, NaN and infinities.
func TestScaleShift(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	rng := rand.New(rand.NewPCG(17, 18))
	for _, relu := range []bool{false, true} {
		for _, n := range []int{0, 1, 7, 8, 9, 33, 1000} {
			x := make([]float32, n+1)
			for i := range x {
				if rng.IntN(3) == 0 {
					x[i] = specials[rng.IntN(len(specials))]
				} else {
					x[i] = float32(rng.NormFloat64())
				}
			}
			for _, coef := range [][2]float32{{1.7, -0.3}, {-2, 0}, {0, float32(math.Copysign(0, -1))}} {
				got, want := make([]float32, n+2), make([]float32, n)
				got[n], got[n+1] = 42, 42
				ScaleShift(got[:n], x, coef[0], coef[1], relu)
				scaleShiftGo(want, x[:n], coef[0], coef[1], relu)
				for i := range want {
					bothNaN := got[i] != got[i] && want[i] != want[i] // a NaN's sign may differ
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !bothNaN {
						t.Fatalf("relu %v, n %d, %v: y[%d] = %v, want %v (x %v)", relu, n, coef, i, got[i], want[i], x[i])
					}
				}
				if got[n] != 42 || got[n+1] != 42 {
					t.Fatalf("relu %v, n %d: written past y", relu, n)
				}
			}
		}
	}
}

// TestReluIsMax checks ScaleShift's ReLU with scale 1 and no shift (as a
// dense layer uses it) against Go's max(v, 0) bit for bit: zeros of both
// signs, infinities, NaNs of both signs, subnormals and random values.
func TestReluIsMax(t *testing.T) {
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, -1, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00000), math.Float32frombits(0x7f800001), math.Float32frombits(0xff800001)}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		vals = append(vals, math.Float32frombits(rng.Uint32()))
	}
	out := make([]float32, len(vals))
	ScaleShift(out, vals, 1, 0, true)
	for i, v := range vals {
		got, want := out[i], max(v, 0)
		if want != want { // NaN: any NaN will do
			if got == got {
				t.Errorf("relu(%x) = %v, want NaN", math.Float32bits(v), got)
			}
			continue
		}
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Errorf("relu(%v) = %x, want %x", v, math.Float32bits(got), math.Float32bits(want))
		}
	}
}

// TestScaleRows checks that scaling the rows of a packed A gives the
// product of A with its rows scaled, for rows past whole panels and a
// depth cut into blocks.
func TestScaleRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, c := range [][3]int{{13, 300, 37}, {6, 5, 16}, {2, 700, 3}} {
		m, k, n := c[0], c[1], c[2]
		a, b, s := make([]float32, m*k), make([]float32, k*n), make([]float32, m)
		for i := range a {
			a[i] = rng.Float32()*2 - 1
		}
		for i := range b {
			b[i] = rng.Float32()*2 - 1
		}
		for i := range s {
			s[i] = rng.Float32()*3 - 1
		}
		scaled := make([]float32, m*k)
		for i := range scaled {
			scaled[i] = a[i] * s[i/k]
		}
		var p PackedA
		p.Pack(false, m, k, a, k)
		p.ScaleRows(s)
		got, want := make([]float32, m*n), make([]float32, m*n)
		MulPacked(&p, false, n, b, n, false, got, n, 1)
		Mul(false, false, m, n, k, scaled, k, b, n, false, want, n, 1)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%dx%dx%d: c[%d] = %g, want %g", m, k, n, i, got[i], want[i])
			}
		}
	}
}
