package nn

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/internal/sgemm"
)

// poolOp is max or average pooling of x (B, C, H, W) over a window. Cells
// in the padding take no part: a max ignores them (as -inf padding
// would), and an average divides by the cells inside the image unless
// countPad is set (PyTorch's count_include_pad). Max pooling keeps the
// index of each window's maximum for its backward pass.
type poolOp struct {
	opBase
	win      Window
	max      bool
	countPad bool
	// keepArg: the backward pass needs each window's argmax (set when the
	// op is differentiated; a prediction only needs the maxima).
	keepArg bool

	out *tensor.Dense
	arg []int32   // max: per output cell, the input cell's index in its map
	div []float32 // average: per output cell of a map, its divisor

	run    poolRun
	shares int
	rows   [][]float32 // per share, maxWindowValues' maxima of rows
	share  func(int)   // poolShare
}

// MaxPool returns the max pooling of x over win, named name.
func MaxPool(name string, x *G.Node, win Window) (*G.Node, error) {
	return G.ApplyOp(&poolOp{opBase: newOpBase("MaxPool(%s)", name), win: win, max: true}, x)
}

// AvgPool returns the average pooling of x over win, named name; the
// padding counts in the average when countPad is set. A global average
// pooling is one whose window is the whole map.
func AvgPool(name string, x *G.Node, win Window, countPad bool) (*G.Node, error) {
	return G.ApplyOp(&poolOp{opBase: newOpBase("AvgPool(%s)", name), win: win, countPad: countPad}, x)
}

func (op *poolOp) Arity() int    { return 1 }
func (op *poolOp) Type() hm.Type { return fnType(4, 4) }
func (op *poolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if len(x) != 4 {
		return nil, fmt.Errorf("%s: input %v is not (batch, channels, height, width)", op.name, x)
	}
	oh, ow := op.win.out(x[2], x[3])
	return tensor.Shape{x[0], x[1], oh, ow}, nil
}

// Bounds returns the input rows [y0, y1) and columns [x0, x1) of output
// cell (oy, ox) that lie inside an h×w map.
func (p Window) Bounds(oy, ox, h, w int) (y0, y1, x0, x1 int) {
	y0, x0 = oy*p.sh-p.pads[0], ox*p.sw-p.pads[1]
	y1, x1 = min(y0+p.kh, h), min(x0+p.kw, w)
	return max(y0, 0), y1, max(x0, 0), x1
}

func (op *poolOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	h, w := s[2], s[3]
	oh, ow := op.win.out(h, w)
	out := reuse(&op.out, tensor.Shape{s[0], s[1], oh, ow})
	y := out.Float32s()
	maps := s[0] * s[1]
	if op.max && op.keepArg {
		if len(op.arg) != len(y) {
			op.arg = make([]int32, len(y))
		}
	} else if op.div == nil {
		op.div = make([]float32, oh*ow)
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				y0, y1, x0, x1 := op.win.Bounds(oy, ox, h, w)
				op.div[oy*ow+ox] = float32((y1 - y0) * (x1 - x0))
				if op.countPad {
					op.div[oy*ow+ox] = float32(op.win.kh * op.win.kw)
				}
			}
		}
	}
	op.run = poolRun{x: x, y: y, maps: maps, h: h, w: w}
	// One image's maps are shared among the cores (see threadsFor).
	op.shares = min(threadsFor(s[0]), maps)
	if op.share == nil {
		op.share = op.poolShare // a method value made once: Run allocates nothing
	}
	if len(op.rows) < op.shares {
		op.rows = make([][]float32, op.shares)
	}
	sgemm.Run(op.shares, op.share)
	return out, nil
}

// poolRun is what a run of a poolOp works on.
type poolRun struct {
	x, y       []float32
	maps, h, w int
}

// poolShare pools share i of op.shares of the run's maps.
func (op *poolOp) poolShare(i int) {
	r := &op.run
	m0, m1 := i*r.maps/op.shares, (i+1)*r.maps/op.shares
	op.pool(r.y, r.x, m0, m1, r.h, r.w, i)
}

// pool pools maps [m0, m1) of x into y, as share number share.
func (op *poolOp) pool(y, x []float32, m0, m1, h, w, share int) {
	if op.max && op.win == (Window{kh: 2, kw: 2, sh: 2, sw: 2}) {
		if op.keepArg {
			op.max2x2(y, x, m0, m1, h, w)
		} else {
			max2x2Values(y, x, m0, m1, h, w)
		}
		return
	}
	if op.max && !op.keepArg {
		_, ow := op.win.out(h, w)
		op.rows[share] = grow(op.rows[share], h*ow)
		op.maxWindowValues(y, x, op.rows[share], m0, m1, h, w)
		return
	}
	op.poolWindows(y, x, m0, m1, h, w)
}

// maxWindowValues is poolWindows' max pooling without the argmax, for a
// prediction: the same values, without a branch per cell (ResNet-18's
// 3x3 pooling with stride 2 of its 112x112 maps took 7 % of a
// prediction). Each input row's maxima over the windows' columns come
// first, once for all the output rows that read that row, into rows (h
// rows of the output's width), then each output row's maximum of its
// window's rows. The comparisons pick what poolWindows' pick, the first
// maximum in row order, or NaN when a window's first cell is NaN (later
// NaNs are passed over): a row's maximum passes NaNs over (number), and
// the window's first row's is NaN when its first cell is.
func (op *poolOp) maxWindowValues(y, x, rows []float32, m0, m1, h, w int) {
	p := op.win
	oh, ow := p.out(h, w)
	for m := m0; m < m1; m++ {
		plane := x[m*h*w : (m+1)*h*w]
		for iy := 0; iy < h; iy++ {
			src := plane[iy*w : (iy+1)*w]
			dst := rows[iy*ow : (iy+1)*ow]
			for ox := range dst {
				x0 := ox*p.sw - p.pads[1]
				x1 := min(x0+p.kw, w)
				x0 = max(x0, 0)
				v := src[x0]
				for _, c := range src[x0+1 : x1] {
					v = number(v, c)
				}
				dst[ox] = v
			}
		}
		for oy := 0; oy < oh; oy++ {
			y0 := oy*p.sh - p.pads[0]
			y1 := min(y0+p.kh, h)
			y0 = max(y0, 0)
			dst := y[(m*oh+oy)*ow : (m*oh+oy+1)*ow]
			first := plane[y0*w : (y0+1)*w]
			for ox, v := range rows[y0*ow : (y0+1)*ow][:len(dst)] {
				if c := first[max(ox*p.sw-p.pads[1], 0)]; c != c {
					v = c
				}
				dst[ox] = v
			}
			for iy := y0 + 1; iy < y1; iy++ {
				for ox, c := range rows[iy*ow : (iy+1)*ow][:len(dst)] {
					dst[ox] = above(dst[ox], c)
				}
			}
		}
	}
}

// poolWindows pools maps [m0, m1) of x into y, window by window.
func (op *poolOp) poolWindows(y, x []float32, m0, m1, h, w int) {
	oh, ow := op.win.out(h, w)
	for m := m0; m < m1; m++ {
		plane := x[m*h*w : (m+1)*h*w]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				o := (m*oh+oy)*ow + ox
				y0, y1, x0, x1 := op.win.Bounds(oy, ox, h, w)
				if y1 <= y0 || x1 <= x0 {
					// A window wholly in the padding (a damaged model's
					// pads as large as the window): nothing to pool.
					y[o] = 0
					if op.keepArg {
						op.arg[o] = int32(min(y0, h-1)*w + min(x0, w-1))
					}
					continue
				}
				if op.max {
					best := y0*w + x0
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							if plane[iy*w+ix] > plane[best] {
								best = iy*w + ix
							}
						}
					}
					y[o] = plane[best]
					if op.keepArg {
						op.arg[o] = int32(best)
					}
					continue
				}
				var sum float32
				for iy := y0; iy < y1; iy++ {
					for _, v := range plane[iy*w+x0 : iy*w+x1] {
						sum += v
					}
				}
				y[o] = sum / op.div[oy*ow+ox]
			}
		}
	}
}

// max2x2 is max pooling with 2x2 windows, stride 2 and no padding (the
// usual kind), written out for speed; it picks the same cells as the
// general loop (the first maximum in row order).
func (op *poolOp) max2x2(y, x []float32, m0, m1, h, w int) {
	oh, ow := h/2, w/2
	for m := m0; m < m1; m++ {
		plane := x[m*h*w : (m+1)*h*w]
		for oy := 0; oy < oh; oy++ {
			top := plane[2*oy*w : 2*oy*w+w]
			bottom := plane[(2*oy+1)*w : (2*oy+1)*w+w]
			o := (m*oh + oy) * ow
			dst, arg := y[o:o+ow], op.arg[o:o+ow]
			for ox := range dst {
				i := 2 * ox
				best, v := i, top[i]
				best, v = pick(best, v, i+1, top[i+1])
				best, v = pick(best, v, w+i, bottom[i])
				best, v = pick(best, v, w+i+1, bottom[i+1])
				dst[ox], arg[ox] = v, int32(2*oy*w+best)
			}
		}
	}
}

// max2x2Values is max2x2 without the argmax: the same values, for a
// prediction, which has no backward pass.
func max2x2Values(y, x []float32, m0, m1, h, w int) {
	oh, ow := h/2, w/2
	for m := m0; m < m1; m++ {
		plane := x[m*h*w : (m+1)*h*w]
		for oy := 0; oy < oh; oy++ {
			top := plane[2*oy*w : 2*oy*w+w]
			bottom := plane[(2*oy+1)*w : (2*oy+1)*w+w]
			o := (m*oh + oy) * ow
			dst := y[o : o+ow]
			for ox := range dst {
				i := 2 * ox
				dst[ox] = above(above(above(top[i], top[i+1]), bottom[i]), bottom[i+1])
			}
		}
	}
}

// above returns c when c > v and v otherwise, as pick does.
func above(v, c float32) float32 {
	var mask uint32
	if c > v {
		mask = ^uint32(0)
	}
	vb, cb := math.Float32bits(v), math.Float32bits(c)
	return math.Float32frombits(vb ^ (vb^cb)&mask)
}

// number returns c when c > v or v is NaN, and v otherwise: above for
// the maximum of numbers that passes NaNs over.
func number(v, c float32) float32 {
	var mask uint32
	if c > v || v != v {
		mask = ^uint32(0)
	}
	vb, cb := math.Float32bits(v), math.Float32bits(c)
	return math.Float32frombits(vb ^ (vb^cb)&mask)
}

// pick returns (j, c) when c > v and (best, v) otherwise, selecting by
// masks instead of branching: which cell of a window holds its maximum
// is a coin toss, and branches mispredicted that often took most of the
// pooling's time.
func pick(best int, v float32, j int, c float32) (int, float32) {
	var mask int
	if c > v {
		mask = -1
	}
	vb, cb := math.Float32bits(v), math.Float32bits(c)
	return best ^ (best^j)&mask, math.Float32frombits(vb ^ (vb^cb)&uint32(mask))
}

func (op *poolOp) DiffWRT(int) []bool { return []bool{true} }

func (op *poolOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	op.keepArg = op.max
	dx, err := G.ApplyOp(&poolGradOp{opBase: newOpBase("%sGrad", op.name), fwd: op}, inputs[0], grad)
	return G.Nodes{dx}, err
}

// poolGradOp is the gradient of a pooling with respect to its input: each
// output cell's gradient goes to the maximum it took (max pooling), or is
// spread over its window's cells inside the image (average). It reads
// what the forward op kept from the same run. Inputs: x, dy.
type poolGradOp struct {
	opBase
	fwd *poolOp
	out *tensor.Dense
}

func (op *poolGradOp) Arity() int    { return 2 }
func (op *poolGradOp) Type() hm.Type { return fnType(4, 4, 4) }
func (op *poolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

func (op *poolGradOp) Do(in ...G.Value) (G.Value, error) {
	dy, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	h, w := s[2], s[3]
	p := op.fwd
	oh, ow := p.win.out(h, w)
	out := reuse(&op.out, s)
	dx := out.Float32s()
	clear(dx)
	for m := 0; m < s[0]*s[1]; m++ {
		plane := dx[m*h*w : (m+1)*h*w]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				o := (m*oh+oy)*ow + ox
				if p.max {
					plane[p.arg[o]] += dy[o]
					continue
				}
				g := dy[o] / p.div[oy*ow+ox]
				y0, y1, x0, x1 := p.win.Bounds(oy, ox, h, w)
				for iy := y0; iy < y1; iy++ {
					row := plane[iy*w+x0 : iy*w+x1]
					for i := range row {
						row[i] += g
					}
				}
			}
		}
	}
	return out, nil
}
