//go:build !amd64

package sgemm

var (
	useAsm    = false // no assembly kernel on this architecture
	useAVX512 = false
)

func kernel(depth int, a, b []float32, tile *[mr * nr]float32) { kernelGo(depth, a, b, tile) }

func kernelC(depth int, a, b, c []float32, ldc int, add bool) { panic("sgemm: no assembly kernel") }

func kernelWideC(panels, depth int, a, b, c []float32, ldc int, add bool) {
	panic("sgemm: no assembly kernel")
}

func axpy(alpha float32, x, y []float32) { axpyGo(alpha, x[:len(y)], y) }

// Add adds x[i] to each y[i].
func Add(y, x []float32) { addGo(y, x[:len(y)]) }

// ScaleShift sets each y[i] to x[i]*scale + shift, then to max(y[i], 0)
// with relu.
func ScaleShift(y, x []float32, scale, shift float32, relu bool) {
	scaleShiftGo(y, x[:len(y)], scale, shift, relu)
}

// ReLUGrad sets g[i] to dy[i] where y[i] is not +0, to +0 elsewhere.
func ReLUGrad(g, dy, y []float32) { reluGradGo(g, dy, y) }

func copy16(depth int, src *float32, base int, rows *int32, dst *float32) {
	panic("sgemm: no assembly kernel")
}

func runs16(depth int, src *float32, rows *int32, offs *[runs]int, masks *[2 * runs][8]int32, n int, dst *float32) {
	panic("sgemm: no assembly kernel")
}

func runs16s2(depth int, src *float32, rows *int32, offs *[runs]int, masks *[2 * runs][8]int32, n int, dst *float32) {
	panic("sgemm: no assembly kernel")
}

func gather16(depth int, src *float32, rows *int32, idx *[nr]int32, mask uint16, dst *float32) {
	panic("sgemm: no assembly kernel")
}

// Clip sets each y[i] to min(max(x[i], lo), hi).
func Clip(y, x []float32, lo, hi float32) { clipGo(y, x[:len(y)], lo, hi) }
