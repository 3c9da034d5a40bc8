package featviz

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"
)

// warp is one random transformation of the picture: each output pixel
// (y, x) samples the input at (sy, sx) bilinearly, clamped to the edge.
// It is a linear map, so its adjoint carries the gradient back.
type warp struct {
	h, w int
	// per output pixel: the four input pixels and their weights
	idx [][4]int32
	wt  [][4]float32
}

// randomWarp draws a shift, a scale and a turn within opt about the
// picture's centre.
func randomWarp(rng *rand.Rand, opt Options, h, w int) *warp {
	dy, dx := 0, 0
	if opt.Jitter > 0 {
		dy, dx = rng.IntN(2*opt.Jitter+1)-opt.Jitter, rng.IntN(2*opt.Jitter+1)-opt.Jitter
	}
	s := 1 + opt.Scale*(2*rng.Float64()-1)
	a := opt.Rotate * (2*rng.Float64() - 1) * math.Pi / 180
	cos, sin := math.Cos(a)/s, math.Sin(a)/s
	cy, cx := float64(h-1)/2, float64(w-1)/2
	t := &warp{h: h, w: w, idx: make([][4]int32, h*w), wt: make([][4]float32, h*w)}
	clamp := func(v, hi int) int { return min(max(v, 0), hi-1) }
	for y := range h {
		for x := range w {
			// The inverse map: from the output pixel back into the input.
			py, px := float64(y-dy)-cy, float64(x-dx)-cx
			sy, sx := cos*py-sin*px+cy, sin*py+cos*px+cx
			y0, x0 := int(math.Floor(sy)), int(math.Floor(sx))
			fy, fx := float32(sy-float64(y0)), float32(sx-float64(x0))
			y1, x1 := clamp(y0+1, h), clamp(x0+1, w)
			y0, x0 = clamp(y0, h), clamp(x0, w)
			i := y*w + x
			t.idx[i] = [4]int32{int32(y0*w + x0), int32(y0*w + x1), int32(y1*w + x0), int32(y1*w + x1)}
			t.wt[i] = [4]float32{(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx}
		}
	}
	return t
}

// apply writes the transformed src (c channels) into dst.
func (t *warp) apply(dst, src []float32, c int) {
	n := t.h * t.w
	for k := range c {
		s, d := src[k*n:(k+1)*n], dst[k*n:(k+1)*n]
		for i := range n {
			ix, wt := &t.idx[i], &t.wt[i]
			d[i] = wt[0]*s[ix[0]] + wt[1]*s[ix[1]] + wt[2]*s[ix[2]] + wt[3]*s[ix[3]]
		}
	}
}

// adjoint writes into dst the gradient with respect to the untransformed
// picture, given g with respect to the transformed one.
func (t *warp) adjoint(dst []float64, g []float32, c int) {
	clear(dst)
	n := t.h * t.w
	for k := range c {
		gg, d := g[k*n:(k+1)*n], dst[k*n:(k+1)*n]
		for i := range n {
			ix, wt := &t.idx[i], &t.wt[i]
			for j := range 4 {
				d[ix[j]] += float64(wt[j] * gg[i])
			}
		}
	}
}

// preconditioner filters a gradient (one h×w channel) as a Fourier
// parametrisation would under Adam (Lucid's setting): each frequency f
// (cycles per pixel) weighed by 1/max(f, 1/side), the spectrum of natural
// pictures, so that the ascent builds large shapes first.
type preconditioner struct {
	h, w       int
	rows, cols *fourier.CmplxFFT
	scale      []float64
	buf, line  []complex128
	out        []complex128
}

func newPreconditioner(h, w int) *preconditioner {
	p := &preconditioner{h: h, w: w, rows: fourier.NewCmplxFFT(w), cols: fourier.NewCmplxFFT(h),
		scale: make([]float64, h*w), buf: make([]complex128, h*w), line: make([]complex128, max(h, w)), out: make([]complex128, max(h, w))}
	floor := 1 / float64(max(h, w))
	for y := range h {
		fy := p.cols.Freq(y)
		for x := range w {
			fx := p.rows.Freq(x)
			f := max(math.Hypot(fy, fx), floor)
			p.scale[y*w+x] = floor / f // 1 at the lowest frequencies
		}
	}
	return p
}

// filter filters g (h*w values, row-major) in place.
func (p *preconditioner) filter(g []float64) {
	h, w := p.h, p.w
	for i, v := range g {
		p.buf[i] = complex(v, 0)
	}
	p.pass(true)
	for i := range p.buf {
		p.buf[i] *= complex(p.scale[i], 0)
	}
	p.pass(false)
	norm := float64(h * w)
	for i := range g {
		g[i] = real(p.buf[i]) / norm
	}
}

// pass transforms buf along its rows and then its columns, forward or
// back (unnormalised).
func (p *preconditioner) pass(forward bool) {
	h, w := p.h, p.w
	do := func(t *fourier.CmplxFFT, dst, src []complex128) {
		if forward {
			t.Coefficients(dst, src)
		} else {
			t.Sequence(dst, src)
		}
	}
	for y := range h {
		row := p.buf[y*w : (y+1)*w]
		do(p.rows, p.out[:w], row)
		copy(row, p.out[:w])
	}
	for x := range w {
		for y := range h {
			p.line[y] = p.buf[y*w+x]
		}
		do(p.cols, p.out[:h], p.line[:h])
		for y := range h {
			p.buf[y*w+x] = p.out[y]
		}
	}
}
