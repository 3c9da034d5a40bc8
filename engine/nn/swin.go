package nn

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A Swin Transformer's (B, H, W, C) channels-last tensors are the
// engine's maps of C channels of H×W, so that its LayerNorms, Linear
// layers (1x1 convolutions), GELUs and residual Adds are a CNN's layers.
// The ops here are what Swin adds: shifted-window attention
// (WindowAttention) and PatchMerging's gathering of each 2x2 block of
// positions into channels (PatchMerge).

// WindowGeom is the window partition of maps of h×w: windows of wh×ww
// positions, the maps first rolled by (-sh, -sw) (torch.roll) when the
// windows are shifted. The output keeps the top-left oh×ow of the maps
// (torchvision pads maps to whole windows, and crops the result).
type WindowGeom struct{ h, w, wh, ww, sh, sw, oh, ow int }

// out returns the output index of position p (y·w + x) of the maps, -1
// when it lies in the padding cropped off.
func (g WindowGeom) out(p int) int {
	y, x := p/g.w, p%g.w
	if y >= g.oh || x >= g.ow {
		return -1
	}
	return y*g.ow + x
}

func (g WindowGeom) windows() int { return (g.h / g.wh) * (g.w / g.ww) }
func (g WindowGeom) tokens() int  { return g.wh * g.ww }

// pos returns the position (y·W + x) of the maps that token t of window
// k reads: the windows run row by row over the rolled maps, their tokens
// row by row, as torchvision's window partition orders them.
func (g WindowGeom) pos(k, t int) int {
	nx := g.w / g.ww
	y := ((k/nx)*g.wh + t/g.ww + g.sh) % g.h
	x := ((k%nx)*g.ww + t%g.ww + g.sw) % g.w
	return y*g.w + x
}

// region returns the region of the rolled maps that token t of window k
// lies in (torchvision's attention mask labels: three bands of rows
// times three of columns, split at size-window and size-shift); tokens
// of different regions do not attend to each other. Without a shift on
// an axis, that axis is one band (torchvision's later slices cover it).
func (g WindowGeom) region(k, t int) int {
	nx := g.w / g.ww
	band := func(i, size, win, shift int) int {
		switch {
		case shift == 0 || i < size-win:
			return 0
		case i < size-shift:
			return 1
		}
		return 2
	}
	return band((k/nx)*g.wh+t/g.ww, g.h, g.wh, g.sh)*3 + band((k%nx)*g.ww+t%g.ww, g.w, g.ww, g.sw)
}

// maskValue is what torchvision adds to the scores of tokens of
// different regions.
const maskValue = -100

// WindowAttentionOp is Swin's shifted-window multi-head self-attention on
// maps x (B, 3C, H, W) holding the qkv Linear's queries, keys and values
// (channel s·C + h·d + e is part s, head h, element e, as torchvision's
// reshape (…, 3, heads, C/heads) splits them) and the relative position
// bias (heads, N, N), N = wh·ww: per window and head, P = softmax(Q Kᵀ ·
// scale + bias + mask) over keys, output P V, written back at the
// positions its tokens came from (the reverse roll), the maps cropped to
// their top-left crop (height, width) when padded to whole windows (the
// padding's queries, keys and values are the qkv Linear's bias, a 1x1
// convolution padded with zeros before). The mask (shifted windows only)
// is maskValue between tokens of different regions. probs keeps the last
// run's attention (B, windows, heads, N, N).
type WindowAttentionOp struct {
	opBase
	g     WindowGeom
	heads int
	scale float32
	out   *tensor.Dense
	probs []float32
}

// WindowAttention returns Swin's shifted-window attention of x (see
// WindowAttentionOp) with the relative position bias bias, and its op,
// whose Probs the window shows.
func WindowAttention(name string, x, bias *G.Node, heads int, scale float32, window, shift, crop []int) (*WindowAttentionOp, *G.Node, error) {
	s := x.Shape()
	if len(window) != 2 || len(shift) != 2 || len(crop) != 2 {
		return nil, nil, fmt.Errorf("window attention %s: window %v, shift %v and crop %v are not two sizes", name, window, shift, crop)
	}
	op := &WindowAttentionOp{opBase: newOpBase("WindowAttention(%s)", name), heads: heads, scale: scale,
		g: WindowGeom{h: s[2], w: s[3], wh: window[0], ww: window[1], sh: shift[0], sw: shift[1], oh: crop[0], ow: crop[1]}}
	y, err := G.ApplyOp(op, x, bias)
	return op, y, err
}

func (op *WindowAttentionOp) Arity() int    { return 2 }
func (op *WindowAttentionOp) Type() hm.Type { return fnType(4, 3, 4) }
func (op *WindowAttentionOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	n := op.g.tokens()
	if s[1]%(3*op.heads) != 0 || s[2] != op.g.h || s[3] != op.g.w || op.g.oh > op.g.h || op.g.ow > op.g.w {
		return nil, fmt.Errorf("%s: %v is not queries, keys and values for %d heads on %dx%d maps", op.name, s, op.heads, op.g.w, op.g.h)
	}
	if b, err := shapeOf(op.name, in[1]); err != nil || !b.Eq(tensor.Shape{op.heads, n, n}) {
		return nil, fmt.Errorf("%s: the bias is %v, want (%d, %d, %d)", op.name, in[1], op.heads, n, n)
	}
	return tensor.Shape{s[0], s[1] / 3, op.g.oh, op.g.ow}, nil
}

// windowWork is one window's scratch: its tokens' queries, keys and
// values (N×d each), scores and output.
type windowWork struct {
	q, k, v, p, o, dp []float32
}

func (w *windowWork) size(n, d int) {
	w.q, w.k, w.v, w.o = grow(w.q, n*d), grow(w.k, n*d), grow(w.v, n*d), grow(w.o, n*d)
	w.p, w.dp = grow(w.p, n*n), grow(w.dp, n*n)
}

// gather reads head h's queries, keys and values of window k from one
// image's qkv maps img (3C×H·W).
func (op *WindowAttentionOp) gather(img []float32, c, k, h int, w *windowWork) {
	g, n, d, hw := op.g, op.g.tokens(), c/op.heads, op.g.h*op.g.w
	for t := range n {
		p := g.pos(k, t)
		for e := range d {
			ch := h*d + e
			w.q[t*d+e] = img[ch*hw+p]
			w.k[t*d+e] = img[(c+ch)*hw+p]
			w.v[t*d+e] = img[(2*c+ch)*hw+p]
		}
	}
}

// probabilities computes P (N×N) of window k and head h from w's
// queries and keys into w.p.
func (op *WindowAttentionOp) probabilities(bias []float32, k, h int, w *windowWork) {
	n, d := op.g.tokens(), len(w.q)/op.g.tokens()
	gemm(false, true, n, n, d, w.q, w.k, false, w.p, 1)
	shifted := op.g.sh != 0 || op.g.sw != 0
	b := bias[h*n*n : (h+1)*n*n]
	for i := range n {
		row := w.p[i*n : (i+1)*n]
		ri := 0
		if shifted {
			ri = op.g.region(k, i)
		}
		m := float32(math.Inf(-1))
		for j := range row {
			row[j] = row[j]*op.scale + b[i*n+j]
			if shifted && op.g.region(k, j) != ri {
				row[j] += maskValue
			}
			m = max(m, row[j])
		}
		s := 0.0
		for j, v := range row {
			e := math.Exp(float64(v - m))
			row[j] = float32(e)
			s += e
		}
		inv := float32(1 / s)
		for j := range row {
			row[j] *= inv
		}
	}
}

// eachWindow runs f on every (image, window) of a batch of b images,
// over up to threads goroutines, each with its own scratch.
func (op *WindowAttentionOp) eachWindow(b, threads int, f func(i, k int, w *windowWork)) {
	nw := op.g.windows()
	jobs := b * nw
	threads = max(1, min(threads, jobs))
	var wg sync.WaitGroup
	for t := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w windowWork
			for j := t; j < jobs; j += threads {
				f(j/nw, j%nw, &w)
			}
		}()
	}
	wg.Wait()
}

func (op *WindowAttentionOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	bias, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	b, c := s[0], s[1]/3
	g, n, d, hw := op.g, op.g.tokens(), c/op.heads, op.g.h*op.g.w
	nw, ohw := g.windows(), g.oh*g.ow
	out := reuse(&op.out, tensor.Shape{b, c, g.oh, g.ow})
	y := out.Float32s()
	op.probs = grow(op.probs, b*nw*op.heads*n*n)
	op.eachWindow(b, threadsFor(b), func(i, k int, w *windowWork) {
		w.size(n, d)
		img := x[i*3*c*hw : (i+1)*3*c*hw]
		for h := range op.heads {
			op.gather(img, c, k, h, w)
			op.probabilities(bias, k, h, w)
			copy(op.probs[((i*nw+k)*op.heads+h)*n*n:], w.p)
			gemm(false, false, n, d, n, w.p, w.v, false, w.o, 1)
			for t := range n {
				p := g.out(g.pos(k, t))
				if p < 0 {
					continue
				}
				for e := range d {
					y[(i*c+h*d+e)*ohw+p] = w.o[t*d+e]
				}
			}
		}
	})
	return out, nil
}

func (op *WindowAttentionOp) DiffWRT(int) []bool { return []bool{true, true} }
func (op *WindowAttentionOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&windowAttentionGradOp{opBase: newOpBase("%sGrad", op.name), fwd: op}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&windowAttentionGradOp{opBase: newOpBase("%sBiasGrad", op.name), fwd: op, bias: true}, inputs[0], inputs[1], grad)
	return G.Nodes{dx, db}, err
}

// windowAttentionGradOp is the gradient of a WindowAttentionOp with respect to its
// queries, keys and values, or (bias set) to its relative position bias.
// Inputs: x, bias, dy.
type windowAttentionGradOp struct {
	opBase
	fwd  *WindowAttentionOp
	bias bool
	out  *tensor.Dense
}

func (op *windowAttentionGradOp) Arity() int { return 3 }
func (op *windowAttentionGradOp) Type() hm.Type {
	if op.bias {
		return fnType(4, 3, 4, 3)
	}
	return fnType(4, 3, 4, 4)
}
func (op *windowAttentionGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if op.bias {
		return shapeOf(op.name, in[1])
	}
	return shapeOf(op.name, in[0])
}

// Do: per window and head, with dO the output's gradient, dV = Pᵀ dO,
// dP = dO Vᵀ, dS = P ⊙ (dP - rowsum(dP ⊙ P)) (the bias's gradient,
// summed over windows and images), dQ = scale·dS K, dK = scale·dSᵀ Q.
func (op *windowAttentionGradOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	bias, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	dy, err := f32s(op.name, in[2])
	if err != nil {
		return nil, err
	}
	f := op.fwd
	s := in[0].Shape()
	b, c := s[0], s[1]/3
	g, n, d, hw := f.g, f.g.tokens(), c/f.heads, f.g.h*f.g.w
	ohw := g.oh * g.ow
	var dx, db []float32
	if op.bias {
		out := reuse(&op.out, in[1].Shape())
		db = out.Float32s()
		clear(db)
	} else {
		out := reuse(&op.out, s)
		dx = out.Float32s()
	}
	var w windowWork
	w.size(n, d)
	do, dq, dk, dv := make([]float32, n*d), make([]float32, n*d), make([]float32, n*d), make([]float32, n*d)
	for i := range b {
		img := x[i*3*c*hw : (i+1)*3*c*hw]
		for k := range g.windows() {
			for h := range f.heads {
				f.gather(img, c, k, h, &w)
				f.probabilities(bias, k, h, &w)
				for t := range n {
					p := g.out(g.pos(k, t))
					for e := range d {
						if p < 0 {
							do[t*d+e] = 0 // cropped off
						} else {
							do[t*d+e] = dy[(i*c+h*d+e)*ohw+p]
						}
					}
				}
				gemm(false, true, n, n, d, do, w.v, false, w.dp, 1) // dP = dO Vᵀ
				for r := range n {
					pr, dr := w.p[r*n:(r+1)*n], w.dp[r*n:(r+1)*n]
					sum := float32(0)
					for j := range pr {
						sum += pr[j] * dr[j]
					}
					for j := range pr {
						dr[j] = pr[j] * (dr[j] - sum)
					}
				}
				if op.bias {
					hb := db[h*n*n : (h+1)*n*n]
					for j, v := range w.dp {
						hb[j] += v
					}
					continue
				}
				gemm(true, false, n, d, n, w.p, do, false, dv, 1)    // dV = Pᵀ dO
				gemm(false, false, n, d, n, w.dp, w.k, false, dq, 1) // dS K
				gemm(true, false, n, d, n, w.dp, w.q, false, dk, 1)  // dSᵀ Q
				dimg := dx[i*3*c*hw : (i+1)*3*c*hw]
				for t := range n {
					p := g.pos(k, t)
					for e := range d {
						ch := h*d + e
						dimg[ch*hw+p] = dq[t*d+e] * f.scale
						dimg[(c+ch)*hw+p] = dk[t*d+e] * f.scale
						dimg[(2*c+ch)*hw+p] = dv[t*d+e]
					}
				}
			}
		}
	}
	return op.out, nil
}

func (op *windowAttentionGradOp) DiffWRT(int) []bool { return []bool{false, false, false} }
func (op *windowAttentionGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// patchMergeOp gathers each 2x2 block of positions of x (B, C, H, W)
// into the channels of one position of (B, 4C, H/2, W/2), in
// torchvision's PatchMerging order: channels [0, C) from the block's top
// left, [C, 2C) its bottom left, [2C, 3C) its top right, [3C, 4C) its
// bottom right. With back set it is its own gradient, the scatter back.
type patchMergeOp struct {
	opBase
	back bool
	out  *tensor.Dense
}

// PatchMerge returns x's 2x2 blocks of positions gathered into channels
// (see patchMergeOp).
func PatchMerge(name string, x *G.Node) (*G.Node, error) {
	return G.ApplyOp(&patchMergeOp{opBase: newOpBase("PatchMerge(%s)", name)}, x)
}

func (op *patchMergeOp) Arity() int    { return 1 }
func (op *patchMergeOp) Type() hm.Type { return fnType(4, 4) }
func (op *patchMergeOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if op.back {
		return tensor.Shape{s[0], s[1] / 4, s[2] * 2, s[3] * 2}, nil
	}
	if s[2]%2 != 0 || s[3]%2 != 0 {
		return nil, fmt.Errorf("%s: maps of %dx%d are not of 2x2 blocks", op.name, s[3], s[2])
	}
	return tensor.Shape{s[0], s[1] * 4, s[2] / 2, s[3] / 2}, nil
}

// blockOffsets are the (row, column) of each quarter of the channels in
// a 2x2 block.
var blockOffsets = [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}}

func (op *patchMergeOp) Do(in ...G.Value) (G.Value, error) {
	v, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	shape, err := op.InferShape(in[0].Shape())
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, shape)
	o := out.Float32s()
	// big is the maps of H×W (C channels), small those of H/2×W/2 (4C).
	bs, ss := in[0].Shape(), shape
	if op.back {
		bs, ss = shape, in[0].Shape()
	}
	b, c, h, w := bs[0], bs[1], bs[2], bs[3]
	sh, sw := ss[2], ss[3]
	for i := range b {
		for q, off := range blockOffsets {
			for ch := range c {
				big := (i*c + ch) * h * w
				small := (i*4*c + q*c + ch) * sh * sw
				for y := range sh {
					for x := range sw {
						bi, si := big+(2*y+off[0])*w+2*x+off[1], small+y*sw+x
						if op.back {
							o[bi] = v[si]
						} else {
							o[si] = v[bi]
						}
					}
				}
			}
		}
	}
	return out, nil
}

func (op *patchMergeOp) DiffWRT(int) []bool { return []bool{!op.back} }
func (op *patchMergeOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.back {
		return nil, errors.New("engine: no second derivatives")
	}
	dx, err := G.ApplyOp(&patchMergeOp{opBase: newOpBase("%sGrad", op.name), back: true}, grad)
	return G.Nodes{dx}, err
}

// PatchMergeSource returns the position (y·w + x) of maps of h×w and the
// channel of c that channel ch of position (y, x) of a PatchMerge's
// output (4c channels of h/2×w/2) comes from.
func PatchMergeSource(w, c, y, x, ch int) (pos, channel int) {
	off := blockOffsets[ch/c]
	return (2*y+off[0])*w + 2*x + off[1], ch % c
}

// NewWindowGeom returns the partition of maps of h×w into windows of
// window (height, width) rolled by minus shift, the output cropped to
// crop (nil: the whole maps).
func NewWindowGeom(h, w int, window, shift, crop []int) WindowGeom {
	g := WindowGeom{h: h, w: w, wh: window[0], ww: window[1], sh: shift[0], sw: shift[1], oh: h, ow: w}
	if len(crop) == 2 {
		g.oh, g.ow = crop[0], crop[1]
	}
	return g
}

// Windows returns how many windows the maps hold.
func (g WindowGeom) Windows() int { return g.windows() }

// Tokens returns the positions of a window.
func (g WindowGeom) Tokens() int { return g.tokens() }

// Pos returns the position (y·w + x) of the maps that token t of window k
// reads.
func (g WindowGeom) Pos(k, t int) int { return g.pos(k, t) }

// Masked says whether tokens t and u of window k lie in different
// regions of the rolled maps, so that the mask keeps them apart.
func (g WindowGeom) Masked(k, t, u int) bool {
	return (g.sh != 0 || g.sw != 0) && g.region(k, t) != g.region(k, u)
}

// Locate returns the window k and token t that hold position q.
func (g WindowGeom) Locate(q int) (k, t int) {
	y := (q/g.w - g.sh + g.h) % g.h
	x := (q%g.w - g.sw + g.w) % g.w
	return (y/g.wh)*(g.w/g.ww) + x/g.ww, (y%g.wh)*g.ww + x%g.ww
}

// Size returns the maps' height and width, the window's and the shift.
func (g WindowGeom) Size() (h, w int, window, shift []int) {
	return g.h, g.w, []int{g.wh, g.ww}, []int{g.sh, g.sw}
}

// Geom returns the op's window partition.
func (op *WindowAttentionOp) Geom() WindowGeom { return op.g }

// Probs returns the attention of the op's last run: (B, windows, heads,
// N, N), rewritten by the next run.
func (op *WindowAttentionOp) Probs() []float32 { return op.probs }

// Heads returns the op's number of heads.
func (op *WindowAttentionOp) Heads() int { return op.heads }
