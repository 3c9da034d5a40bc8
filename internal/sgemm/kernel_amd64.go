package sgemm

import (
	"math"

	"golang.org/x/sys/cpu"
)

// useAsm: the assembly kernel needs AVX2 and FMA (x86-64 since 2013-2015).
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// useAVX512: the wider kernels of kernel512_amd64.s, where the processor
// and the operating system support AVX-512 (x/sys/cpu checks both). On
// processors with full-width 512-bit units (AMD Zen 5, Intel server parts)
// they do twice the multiply-adds a cycle of the AVX2 kernel.
var useAVX512 = useAsm && cpu.X86.HasAVX512F

//go:noescape
func kernel12x32c(depth int, a, b, c *float32, ldc int, add bool)

//go:noescape
func kernel6x32c(depth int, a, b, c *float32, ldc int, add bool)

//go:noescape
func axpy8(n int, alpha float32, x, y *float32)

//go:noescape
func add8(n int, x, y *float32)

//go:noescape
func scaleShift8(n int, scale, shift float32, x, y *float32, relu bool)

//go:noescape
func reluGrad8(n int, y, dy, dst *float32)

//go:noescape
func kernel6x16c(depth int, a, b, c *float32, ldc int, add bool)

// kernel sets tile to the product of a packed A panel and a packed B
// panel of depth values each (see kernelGo).
func kernel(depth int, a, b []float32, tile *[mr * nr]float32) {
	if useAsm {
		kernelC(depth, a, b, tile[:], nr, false)
		return
	}
	kernelGo(depth, a, b, tile)
}

// kernelC writes (or adds, with add) the product of a packed A panel and
// a packed B panel straight into a whole mr×nr block of c, whose rows are
// ldc apart; only with useAsm.
func kernelC(depth int, a, b, c []float32, ldc int, add bool) {
	_ = a[depth*mr-1]
	_ = b[depth*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x16c(depth, &a[0], &b[0], &c[0], ldc, add)
}

// kernelWideC writes (or adds, with add) the product of panels A panels
// (1 or 2, one after the other in a) and two B panels (one after the other
// in b) straight into the 6*panels × 32 block of c, rows ldc apart; only
// with useAVX512.
func kernelWideC(panels, depth int, a, b, c []float32, ldc int, add bool) {
	_ = a[panels*depth*mr-1]
	_ = b[2*depth*nr-1]
	_ = c[(panels*mr-1)*ldc+2*nr-1]
	if panels == 2 {
		kernel12x32c(depth, &a[0], &b[0], &c[0], ldc, add)
	} else {
		kernel6x32c(depth, &a[0], &b[0], &c[0], ldc, add)
	}
}

// axpy adds alpha*x to y (of the same length).
func axpy(alpha float32, x, y []float32) {
	n := 0
	if useAsm {
		n = len(y) &^ 31
		if n > 0 {
			_ = x[n-1]
			axpy8(n, alpha, &x[0], &y[0])
		}
	}
	axpyGo(alpha, x[n:len(y)], y[n:])
}

// Add adds x[i] to each y[i] (x is at least as long as y), eight values at
// a time.
func Add(y, x []float32) {
	n := 0
	if useAsm {
		n = len(y) &^ 7
		if n > 0 {
			_ = x[n-1]
			add8(n, &x[0], &y[0])
		}
	}
	addGo(y[n:], x[n:len(y)])
}

// ScaleShift sets each y[i] to x[i]*scale + shift, the product rounded
// before the sum, and then to max(y[i], 0), as Go's max computes it, when
// relu is set, eight values at a time: a batch norm's scale and shift per
// channel and its ReLU, and with scale 1 (exact) a bias and a ReLU. x is
// at least as long as y, and may be y.
func ScaleShift(y, x []float32, scale, shift float32, relu bool) {
	n := 0
	if useAsm {
		n = len(y) &^ 7
		if n > 0 {
			_ = x[n-1]
			scaleShift8(n, scale, shift, &x[0], &y[0], relu)
		}
	}
	scaleShiftGo(y[n:], x[n:len(y)], scale, shift, relu)
}

// ReLUGrad sets g[i] to dy[i] where y[i] (a ReLU's output) is not +0 and
// to +0 where it is: the backward pass of a ReLU, eight values at a time.
// dy and g are at least as long as y.
func ReLUGrad(g, dy, y []float32) {
	n := 0
	if useAsm {
		n = len(y) &^ 7
		if n > 0 {
			_, _ = dy[n-1], g[n-1]
			reluGrad8(n, &y[0], &dy[0], &g[0])
		}
	}
	reluGradGo(g[n:], dy[n:], y[n:])
}

//go:noescape
func copy16(depth int, src *float32, base int, rows *int32, dst *float32)

//go:noescape
func gather16(depth int, src *float32, rows *int32, idx *[nr]int32, mask uint16, dst *float32)

//go:noescape
func runs16(depth int, src *float32, rows *int32, offs *[runs]int, masks *[2 * runs][8]int32, n int, dst *float32)

//go:noescape
func runs16s2(depth int, src *float32, rows *int32, offs *[runs]int, masks *[2 * runs][8]int32, n int, dst *float32)

//go:noescape
func clip8(n int, lo, hi float32, x, y *float32)

// Clip sets each y[i] to min(max(x[i], lo), hi) as Go's min and max
// compute them (an ONNX Clip, ReLU6's with 0 and 6), eight values at a
// time where lo and hi allow (numbers, lo not -0 and hi not zero: the
// processor's comparisons then pick what Go's do). x is at least as long
// as y, and may be y.
func Clip(y, x []float32, lo, hi float32) {
	n := 0
	if useAsm && lo == lo && hi == hi && math.Float32bits(lo) != 1<<31 && hi != 0 {
		n = len(y) &^ 7
		if n > 0 {
			_ = x[n-1]
			clip8(n, lo, hi, &x[0], &y[0])
		}
	}
	clipGo(y[n:], x[n:len(y)], lo, hi)
}
