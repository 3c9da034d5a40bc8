package nn

import "github.com/artlens/artlens/internal/sgemm"

// Window is the geometry of a convolution or pooling: kernel height and
// width, strides, and padding (top, left, bottom, right; any of them may
// differ).
type Window struct {
	kh, kw, sh, sw int
	pads           [4]int
}

// NewWindow returns the window of a kh×kw kernel with strides sh and sw
// and padding pads (top, left, bottom, right).
func NewWindow(kh, kw, sh, sw int, pads [4]int) Window {
	return Window{kh: kh, kw: kw, sh: sh, sw: sw, pads: pads}
}

// out returns the output size for an h×w input.
func (p Window) out(h, w int) (oh, ow int) {
	return (h+p.pads[0]+p.pads[2]-p.kh)/p.sh + 1, (w+p.pads[1]+p.pads[3]-p.kw)/p.sw + 1
}

// direct says whether the window is one cell with stride 1 and no
// padding: the im2col matrix of an image is then the image itself.
func (p Window) direct() bool {
	return p.kh == 1 && p.kw == 1 && p.sh == 1 && p.sw == 1 && p.pads == [4]int{}
}

// span returns the outputs ox in [lo, hi) whose input column ox*sw+x0
// lies inside a row of w cells (the others read padding).
func (p Window) span(x0, w, ow int) (lo, hi int) {
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

// cell says where the entries of one row or one column of an im2col
// matrix are read from. Entry (r, q) of the matrix, for a row cell r and a
// column cell q, is the input at offset r.off+q.off, which lies at row
// r.y+q.y and column r.x+q.x of a channel, or zero when that is outside
// it (padding).
type cell struct{ off, y, x int }

// kernelCells returns the row cells of the im2col matrix of a c×h×w
// input: one per kernel entry (channel, ky, kx).
func (p Window) kernelCells(c, h, w int) []cell {
	cells := make([]cell, 0, c*p.kh*p.kw)
	for ch := 0; ch < c; ch++ {
		for ky := 0; ky < p.kh; ky++ {
			for kx := 0; kx < p.kw; kx++ {
				cells = append(cells, cell{off: ch*h*w + ky*w + kx, y: ky, x: kx})
			}
		}
	}
	return cells
}

// outputCells returns the column cells of the im2col matrix of an h×w
// input: one per output cell (oy, ox), in row-major order.
func (p Window) outputCells(h, w int) []cell {
	oh, ow := p.out(h, w)
	cells := make([]cell, 0, oh*ow)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			y, x := oy*p.sh-p.pads[0], ox*p.sw-p.pads[1]
			cells = append(cells, cell{off: y*w + x, y: y, x: x})
		}
	}
	return cells
}

// im2colMatrix is the im2col matrix of an image x (c×h×w, CHW) as an
// sgemm.Source, never written out: a convolution's product packs it
// straight from the image. Its rows are the cells rows and its columns
// the cells cols; for a convolution these are the kernel's cells and the
// output's (column q of row (ch, ky, kx) holds the input under that
// kernel entry for output cell q). With the two swapped it is the
// transposed matrix, which the gradient with respect to the kernels
// multiplies by.
type im2colMatrix struct {
	x          []float32
	h, w       int
	rows, cols []cell
}

// PackB packs part of the matrix as package sgemm lays panels out.
func (m *im2colMatrix) PackB(dst []float32, p0, depth, j0, cols int) {
	const nr = sgemm.PanelWidth
	rows := m.rows[p0 : p0+depth]
	for jr := 0; jr < cols; jr += nr {
		panel := dst[jr*depth : (jr+nr)*depth]
		cs := m.cols[j0+jr : j0+min(jr+nr, cols)]
		// The columns' reach: a row that it keeps inside the image
		// needs no test per entry.
		// oneRow: the columns are neighbours in one row of the image
		// (an output row of a convolution with stride 1).
		whole, contiguous, oneRow := len(cs) == nr, true, true
		ylo, yhi, xlo, xhi := cs[0].y, cs[0].y, cs[0].x, cs[0].x
		var offs [nr]int
		for j, c := range cs {
			offs[j] = c.off
			ylo, yhi, xlo, xhi = min(ylo, c.y), max(yhi, c.y), min(xlo, c.x), max(xhi, c.x)
			contiguous = contiguous && c.off == cs[0].off+j
			oneRow = oneRow && c.y == cs[0].y && c.x == cs[0].x+j
		}
		o := &offs
		for p, r := range rows {
			out := (*[nr]float32)(panel[p*nr:])
			inside := whole && r.y+ylo >= 0 && r.y+yhi < m.h && r.x+xlo >= 0 && r.x+xhi < m.w
			switch {
			case inside && contiguous:
				// Sixteen neighbours in one row of the image (a
				// convolution with stride 1, away from the ends
				// of its output rows): copied as arrays of four,
				// which the compiler moves in registers.
				src := (*[nr]float32)(m.x[r.off+o[0]:])
				*(*[4]float32)(out[0:]) = *(*[4]float32)(src[0:])
				*(*[4]float32)(out[4:]) = *(*[4]float32)(src[4:])
				*(*[4]float32)(out[8:]) = *(*[4]float32)(src[8:])
				*(*[4]float32)(out[12:]) = *(*[4]float32)(src[12:])
			case inside:
				// Written out: a loop over offs cost twice as much.
				// (A column's offset alone may be negative.)
				x, a := m.x, r.off
				out[0], out[1], out[2], out[3] = x[a+o[0]], x[a+o[1]], x[a+o[2]], x[a+o[3]]
				out[4], out[5], out[6], out[7] = x[a+o[4]], x[a+o[5]], x[a+o[6]], x[a+o[7]]
				out[8], out[9], out[10], out[11] = x[a+o[8]], x[a+o[9]], x[a+o[10]], x[a+o[11]]
				out[12], out[13], out[14], out[15] = x[a+o[12]], x[a+o[13]], x[a+o[14]], x[a+o[15]]
			case oneRow:
				// Neighbours in one row, part of them in the
				// padding or past the last column: the part
				// inside copied, zeros around it.
				clear(out[:])
				y, x0 := r.y+cs[0].y, r.x+cs[0].x
				if y < 0 || y >= m.h {
					continue
				}
				lo, hi := max(0, -x0), min(len(cs), m.w-x0)
				if lo < hi {
					at := r.off + o[0]
					copy(out[lo:hi], m.x[at+lo:at+hi])
				}
			default:
				// Touching the padding or past the last column:
				// each entry tested, zero outside.
				for j := range out {
					var v float32
					if j < len(cs) {
						c := cs[j]
						if y, x := r.y+c.y, r.x+c.x; y >= 0 && y < m.h && x >= 0 && x < m.w {
							v = m.x[r.off+c.off]
						}
					}
					out[j] = v
				}
			}
		}
	}
}

// padded returns the size of an h×w map with the window's padding
// written out around it.
func (p Window) padded(h, w int) (hp, wp int) {
	return h + p.pads[0] + p.pads[2], w + p.pads[1] + p.pads[3]
}

// pad writes rows [y0, y1) of the c maps h×w of x into dst, c maps
// hp×wp (as padded returns) whose borders are zero: the image that a
// gatherMatrix reads.
func (p Window) pad(dst, x []float32, c, h, w, y0, y1 int) {
	hp, wp := p.padded(h, w)
	top, left := p.pads[0], p.pads[1]
	for ch := 0; ch < c; ch++ {
		plane := dst[ch*hp*wp : (ch+1)*hp*wp]
		for y := y0; y < y1; y++ {
			copy(plane[(top+y)*wp+left:(top+y)*wp+left+w], x[(ch*h+y)*w:(ch*h+y+1)*w])
		}
	}
}

// gatherOffsets returns, for the im2col matrix of c maps h×w written out
// with their padding (see pad), the offset of each row (kernel entry
// (ch, ky, kx)) and of each column (output cell (oy, ox)) in the padded
// maps: entry (r, q) is the padded maps' value at rows[r]+cols[q].
func (p Window) gatherOffsets(c, h, w int) (rows, cols []int32) {
	hp, wp := p.padded(h, w)
	oh, ow := p.out(h, w)
	rows = make([]int32, 0, c*p.kh*p.kw)
	for ch := 0; ch < c; ch++ {
		for ky := 0; ky < p.kh; ky++ {
			for kx := 0; kx < p.kw; kx++ {
				rows = append(rows, int32(ch*hp*wp+ky*wp+kx))
			}
		}
	}
	cols = make([]int32, 0, oh*ow)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			cols = append(cols, int32(oy*p.sh*wp+ox*p.sw))
		}
	}
	return rows, cols
}

// gatherMatrix is the im2col matrix of maps written out with their
// padding (see pad and gatherOffsets) as an sgemm.Source: each panel row
// is one load of neighbouring cells or one vector gather (sgemm.Gather),
// without im2colMatrix's tests of the padding, which took a quarter of a
// ResNet-18 prediction.
type gatherMatrix struct {
	x          []float32
	rows, cols []int32
}

// PackB packs part of the matrix as package sgemm lays panels out.
func (m *gatherMatrix) PackB(dst []float32, p0, depth, j0, cols int) {
	sgemm.Gather(dst, m.x, m.rows[p0:p0+depth], m.cols[j0:j0+cols])
}

// col2im adds each entry of col (laid out as im2col writes it) to the
// input cell it was read from; entries from the padding are dropped. It is
// the transpose of im2col, for the gradient with respect to the input.
func (p Window) col2im(x, col []float32, c, h, w int) {
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
						sgemm.Add(dst[lo+x0:hi+x0], row[lo:hi])
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
