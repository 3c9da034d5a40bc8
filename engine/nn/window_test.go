package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/artlens/artlens/internal/sgemm"
)

// im2col writes the (c*kh*kw) × ((oy1-oy0)*ow) matrix of output rows
// [oy0, oy1) of an image x (c×h×w, CHW) into col: row (ch, ky, kx) holds,
// for each output cell, the input under that kernel cell, zero in the
// padding. A convolution is then one matrix product of the kernels with
// col.
func (p Window) im2col(col, x []float32, c, h, w, oy0, oy1 int) {
	_, ow := p.out(h, w)
	i := 0
	for ch := 0; ch < c; ch++ {
		plane := x[ch*h*w : (ch+1)*h*w]
		for ky := 0; ky < p.kh; ky++ {
			for kx := 0; kx < p.kw; kx++ {
				x0 := kx - p.pads[1]
				lo, hi := p.span(x0, w, ow)
				for oy := oy0; oy < oy1; oy++ {
					row := col[i : i+ow]
					i += ow
					iy := oy*p.sh - p.pads[0] + ky
					if iy < 0 || iy >= h {
						clear(row)
						continue
					}
					src := plane[iy*w : (iy+1)*w]
					clear(row[:lo])
					if p.sw == 1 {
						copy(row[lo:hi], src[lo+x0:hi+x0])
					} else {
						for ox := lo; ox < hi; ox++ {
							row[ox] = src[ox*p.sw+x0]
						}
					}
					clear(row[hi:])
				}
			}
		}
	}
}

// TestIm2colMatrix checks the packed im2col source against the matrix
// written out: products through MulFrom (transposed, as the kernel
// gradient uses it) and MulPackedFrom (as a convolution uses it, in bands
// of output rows) equal, bit for bit, those with the written matrix, for
// windows with strides, padding on every side, and sizes around a panel's
// width; and the forward product through gatherMatrix from the padded
// image.
func TestIm2colMatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	windows := []Window{
		{kh: 3, kw: 3, sh: 1, sw: 1},
		{kh: 3, kw: 3, sh: 2, sw: 2},
		{kh: 3, kw: 3, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}},
		{kh: 5, kw: 3, sh: 2, sw: 1, pads: [4]int{2, 0, 1, 3}},
		{kh: 1, kw: 7, sh: 1, sw: 3, pads: [4]int{0, 3, 0, 3}},
	}
	for _, win := range windows {
		for _, size := range [][3]int{{3, 20, 20}, {2, 9, 40}, {4, 17, 5}} {
			c, h, w := size[0], size[1], size[2]
			oh, ow := win.out(h, w)
			if oh <= 0 || ow <= 0 {
				continue
			}
			name := fmt.Sprintf("%+v/%dx%dx%d", win, c, h, w)
			k, n, f := c*win.kh*win.kw, oh*ow, 13
			x := make([]float32, c*h*w)
			for i := range x {
				x[i] = rng.Float32()*2 - 1
			}
			col := make([]float32, k*n)
			win.im2col(col, x, c, h, w, 0, oh)
			cells := new(convCells).of(win, c, h, w)

			// The forward product, in two bands of output rows.
			kern := make([]float32, f*k)
			for i := range kern {
				kern[i] = rng.Float32()*2 - 1
			}
			var pa sgemm.PackedA
			pa.Pack(false, f, k, kern, k)
			want, got := make([]float32, f*n), make([]float32, f*n)
			sgemm.MulPacked(&pa, false, n, col, n, false, want, n, 1)
			for _, band := range [][2]int{{0, oh / 2}, {oh / 2, oh}} {
				q0, q1 := band[0]*ow, band[1]*ow
				m := &im2colMatrix{x: x, h: h, w: w, rows: cells.kernel, cols: cells.outputs[q0:q1]}
				sgemm.MulPackedFrom(&pa, m, q1-q0, false, got[q0:], n, 1)
			}
			same(t, name+"/forward", got, want)

			// The same through the padded image gathered (sgemm.Gather,
			// in a loop of single values where the processor has no
			// AVX-512).
			hp, wp := win.padded(h, w)
			padded := make([]float32, c*hp*wp)
			win.pad(padded, x, c, h, w, 0, h/2)
			win.pad(padded, x, c, h, w, h/2, h)
			clear(got)
			for _, band := range [][2]int{{0, oh / 2}, {oh / 2, oh}} {
				q0, q1 := band[0]*ow, band[1]*ow
				m := &gatherMatrix{x: padded, rows: cells.rows, cols: cells.cols[q0:q1]}
				sgemm.MulPackedFrom(&pa, m, q1-q0, false, got[q0:], n, 1)
			}
			same(t, name+"/forward gathered", got, want)

			// The kernels' gradient: dy times the transposed matrix.
			dy := make([]float32, f*n)
			for i := range dy {
				dy[i] = rng.Float32()*2 - 1
			}
			want, got = make([]float32, f*k), make([]float32, f*k)
			sgemm.Mul(false, true, f, k, n, dy, n, col, n, false, want, k, 2)
			m := &im2colMatrix{x: x, h: h, w: w, rows: cells.outputs, cols: cells.kernel}
			sgemm.MulFrom(false, f, k, n, dy, n, m, false, got, k, 2)
			same(t, name+"/kernel gradient", got, want)
		}
	}
}

func same(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: entry %d is %g, want %g", name, i, got[i], want[i])
		}
	}
}
