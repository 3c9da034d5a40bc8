package engine

// window is the geometry of a convolution or pooling: kernel height and
// width, strides, and padding (top, left, bottom, right; any of them may
// differ).
type window struct {
	kh, kw, sh, sw int
	pads           [4]int
}

// windowOf returns a step's window.
func windowOf(s step) window {
	return window{kh: s.kh, kw: s.kw, sh: s.sh, sw: s.sw, pads: s.pads}
}

// out returns the output size for an h×w input.
func (p window) out(h, w int) (oh, ow int) {
	return (h+p.pads[0]+p.pads[2]-p.kh)/p.sh + 1, (w+p.pads[1]+p.pads[3]-p.kw)/p.sw + 1
}

// direct says whether the window is one cell with stride 1 and no
// padding: the im2col matrix of an image is then the image itself.
func (p window) direct() bool {
	return p.kh == 1 && p.kw == 1 && p.sh == 1 && p.sw == 1 && p.pads == [4]int{}
}

// span returns the outputs ox in [lo, hi) whose input column ox*sw+x0
// lies inside a row of w cells (the others read padding).
func (p window) span(x0, w, ow int) (lo, hi int) {
	lo = 0
	if x0 < 0 {
		lo = min((-x0+p.sw-1)/p.sw, ow)
	}
	hi = lo
	if w-x0 > 0 {
		hi = max(min((w-x0+p.sw-1)/p.sw, ow), lo)
	}
	return lo, hi
}

// im2col writes the (c*kh*kw) × ((oy1-oy0)*ow) matrix of output rows
// [oy0, oy1) of an image x (c×h×w, CHW) into col: row (ch, ky, kx) holds,
// for each output cell, the input under that kernel cell, zero in the
// padding. A convolution is then one matrix product of the kernels with
// col.
func (p window) im2col(col, x []float32, c, h, w, oy0, oy1 int) {
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

// col2im adds each entry of col (laid out as im2col writes it) to the
// input cell it was read from; entries from the padding are dropped. It is
// the transpose of im2col, for the gradient with respect to the input.
func (p window) col2im(x, col []float32, c, h, w int) {
	oh, ow := p.out(h, w)
	i := 0
	for ch := 0; ch < c; ch++ {
		plane := x[ch*h*w : (ch+1)*h*w]
		for ky := 0; ky < p.kh; ky++ {
			for kx := 0; kx < p.kw; kx++ {
				x0 := kx - p.pads[1]
				lo, hi := p.span(x0, w, ow)
				for oy := 0; oy < oh; oy++ {
					row := col[i : i+ow]
					i += ow
					iy := oy*p.sh - p.pads[0] + ky
					if iy < 0 || iy >= h {
						continue
					}
					dst := plane[iy*w : (iy+1)*w]
					if p.sw == 1 {
						d := dst[lo+x0 : hi+x0]
						for j, v := range row[lo:hi] {
							d[j] += v
						}
					} else {
						for ox := lo; ox < hi; ox++ {
							dst[ox*p.sw+x0] += row[ox]
						}
					}
				}
			}
		}
	}
}
