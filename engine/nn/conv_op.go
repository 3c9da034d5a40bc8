package nn

import (
	"errors"
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/internal/sgemm"
)

// convOp is a 2-D convolution (cross-correlation, as Keras and PyTorch
// compute it) of x (B, C, H, W) with kernels w (F, C, kh, kw), plus a bias
// b (F) when it has one, followed by a ReLU when relu is set. Each image is
// one matrix product of the kernels (F × C*kh*kw) with its im2col matrix
// (C*kh*kw × OH*OW), written straight into the output. A grouped
// convolution (groups > 1) is one such product per group, of its F/groups
// kernels (F/groups × C/groups*kh*kw) and its C/groups input channels.
type convOp struct {
	opBase
	layerInputs
	win    Window
	groups int
	relu   bool
	// inputGrad: the gradient with respect to x is needed (false for the
	// first layer with weights, whose input is the picture).
	inputGrad bool
	// fold: the batch norm that alone reads the convolution is folded
	// into its kernels and bias (inference graphs; see FoldedConv2D),
	// with this epsilon. Its scale, bias, mean and variance follow the
	// layer's inputs.
	fold bool
	eps  float32
	// clip: the Clip that alone reads the folded batch norm (MobileNet's
	// ReLU6) is done too, between lo and hi.
	clip   bool
	lo, hi float32
	// store, in inference graphs, holds the packed kernels that every
	// inference graph of the model shares, kept until its version moves;
	// layer is the conv layer's step, its key there. Training graphs
	// (nil) pack their own, own, on every run.
	store *KernelStore
	layer int

	out    *tensor.Dense
	packed *PackedKernels // the kernels this run multiplies by
	own    PackedKernels  // without a store
	cells  convCells
	srcs   []im2colMatrix // one per band of rows
	// byFilters: the bands are bands of filters (each of all the output
	// cells, with views of the kernels), not of rows.
	byFilters bool
	views     []sgemm.PackedA // one per band of filters
	// gather: the products read the im2col matrices as gatherMatrix
	// (with sgemm.FastGather), from the image with its padding.
	gather  bool
	gathers []gatherMatrix // one per band of rows
	// padded: per band of rows, the image with its padding, of which
	// the band writes the rows it reads; paddedFor: the input's
	// channels, height and width when its borders were written.
	padded    [][]float32
	paddedFor [3]int
	run       convRun
	bands     int
	band      func(int) // forwardBand
}

// convCells are the cells of the im2col matrices of a convolution's
// inputs of one size, made once (see im2colMatrix).
type convCells struct {
	c, h, w         int
	kernel, outputs []cell
	// The offsets of a gatherMatrix's rows and columns.
	rows, cols []int32
}

// of returns the cells for a c×h×w input of the window win.
func (cc *convCells) of(win Window, c, h, w int) *convCells {
	if cc.kernel == nil || cc.c != c || cc.h != h || cc.w != w {
		*cc = convCells{c: c, h: h, w: w, kernel: win.kernelCells(c, h, w), outputs: win.outputCells(h, w)}
		cc.rows, cc.cols = win.gatherOffsets(c, h, w)
	}
	return cc
}

// Conv describes a conv layer for Conv2D and FoldedConv2D.
type Conv struct {
	Name   string
	Window Window
	Groups int // 0 or 1: not grouped
	// ReLU fuses the ReLU that alone reads the layer (with FoldedConv2D,
	// the one that reads its batch norm).
	ReLU bool
	// InputGrad: the gradient with respect to x is needed (false for the
	// first layer with weights, whose input is the picture).
	InputGrad bool
	// Store, in inference graphs that nothing differentiates, holds the
	// packed kernels that every such graph of a model shares, under key
	// Layer (the conv layer's step); nil: the op packs its own on every
	// run (training graphs).
	Store *KernelStore
	Layer int
}

// Conv2D returns the conv layer c on x with kernels w and bias b (nil for
// none).
func Conv2D(x, w, b *G.Node, c Conv) (*G.Node, error) {
	relu := c.ReLU
	op := &convOp{opBase: newOpBase("Conv2D(%s)", c.Name), layerInputs: layerInputs{dims: 4, bias: b != nil}, win: c.Window,
		groups: max(c.Groups, 1), relu: relu, inputGrad: c.InputGrad, store: c.Store, layer: c.Layer}
	if relu {
		op.name += "+ReLU"
	}
	return op.apply(op, x, w, b)
}

// FoldedNorm is the batch norm that FoldedConv2D folds into a conv layer,
// and the Clip that alone reads it, if any.
type FoldedNorm struct {
	Name    string
	Epsilon float64
	// Clip, when not nil, is done after the batch norm (MobileNet's
	// ReLU6): its Name, Min and Max count.
	Clip *Activation
}

// FoldedConv2D returns the conv layer c on x with kernels w and bias b
// (nil for none) followed by the batch norm bn (its scale, bias, mean and
// variance in norm) folded into them: kernels w·a and bias (b-mean)·a +
// bias per filter, a = scale/sqrt(variance+eps), as the batch norm's
// inference form computes its output from the convolution's. c.ReLU is
// bn's. The kernels are folded and packed when c.Store's version moves,
// not on every run (c.Store is not nil). It is not differentiated.
func FoldedConv2D(x, w, b *G.Node, norm [4]*G.Node, c Conv, bn FoldedNorm) (*G.Node, error) {
	relu, clip := c.ReLU, bn.Clip
	op := &convOp{opBase: newOpBase("Conv2D(%s)+%s", c.Name, bn.Name), layerInputs: layerInputs{dims: 4, bias: b != nil}, win: c.Window,
		groups: max(c.Groups, 1), relu: relu, fold: true, eps: float32(bn.Epsilon), store: c.Store, layer: c.Layer}
	if relu {
		op.name += "+ReLU"
	}
	if clip != nil {
		op.clip, op.lo, op.hi = true, float32(clip.Min), float32(clip.Max)
		op.name += "+" + clip.Name
	}
	in := G.Nodes{x, w}
	if b != nil {
		in = append(in, b)
	}
	return G.ApplyOp(op, append(in, norm[:]...)...)
}

func (op *convOp) Arity() int {
	if op.fold {
		return op.layerInputs.Arity() + 4
	}
	return op.layerInputs.Arity()
}

func (op *convOp) Type() hm.Type {
	if !op.fold {
		return op.layerInputs.Type()
	}
	dims := []int{4, 4}
	if op.bias {
		dims = append(dims, 1)
	}
	return fnType(append(dims, 1, 1, 1, 1, 4)...)
}

func (op *convOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	w, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	if len(x) != 4 || len(w) != 4 || x[1] != w[1]*op.groups || w[0]%op.groups != 0 || w[2] != op.win.kh || w[3] != op.win.kw {
		return nil, fmt.Errorf("%s: input %v and kernels %v do not fit", op.name, x, w)
	}
	oh, ow := op.win.out(x[2], x[3])
	return tensor.Shape{x[0], w[0], oh, ow}, nil
}

func (op *convOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	w, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	var bias []float32
	if op.bias {
		if bias, err = f32s(op.name, in[2]); err != nil {
			return nil, err
		}
	}
	xs, ws := in[0].Shape(), in[1].Shape()
	batch, c, h, wd, f := xs[0], xs[1], xs[2], xs[3], ws[0]
	oh, ow := op.win.out(h, wd)
	out := reuse(&op.out, tensor.Shape{batch, f, oh, ow})
	cg, fg := c/op.groups, f/op.groups
	k := cg * op.win.kh * op.win.kw
	// The kernels are packed once for every image and band, and in an
	// inference graph once for as long as the weights stay as they are
	// (packing ResNet-18's kernels took a quarter of a prediction), for
	// all the model's graphs.
	pack := func(p *PackedKernels) error {
		if len(p.kernels) != op.groups {
			p.kernels = make([]sgemm.PackedA, op.groups)
		}
		for g := range p.kernels {
			p.kernels[g].Pack(false, fg, k, w[g*fg*k:], k)
		}
		if op.fold {
			return op.foldNorm(p, in[len(in)-4:], bias, f, fg)
		}
		return nil
	}
	if op.store == nil {
		if err := pack(&op.own); err != nil {
			return nil, err
		}
		op.packed = &op.own
	} else if v := op.store.version.Load(); op.packed == nil || op.packed.version != v {
		if op.packed, err = op.store.get(op.layer, v, pack); err != nil {
			return nil, err
		}
	}
	if op.fold {
		bias = op.packed.shift
	}
	op.run = convRun{x: x, w: w, bias: bias, y: out.Float32s(), c: c, h: h, wd: wd, f: f, oh: oh, ow: ow}
	threads := min(threadsFor(batch), oh)
	if len(op.srcs) < threads {
		op.srcs = make([]im2colMatrix, threads)
		op.gathers = make([]gatherMatrix, threads)
		op.views = make([]sgemm.PackedA, threads)
	}
	op.cells.of(op.win, cg, h, wd)
	hp, wp := op.win.padded(h, wd)
	op.gather = sgemm.FastGather() && !op.win.direct() && c*hp*wp < math.MaxInt32
	if op.gather && op.win.pads != [4]int{} {
		if len(op.padded) < threads {
			op.padded = make([][]float32, threads)
		}
		if geom := [3]int{c, h, wd}; geom != op.paddedFor || len(op.padded[0]) != c*hp*wp {
			// The borders, written once: the runs that follow only
			// write the maps inside them.
			for i := range op.padded {
				op.padded[i] = grow(op.padded[i], c*hp*wp)
				clear(op.padded[i])
			}
			op.paddedFor = geom
		}
	}
	if batch > 1 || threads == 1 || f*k*oh*ow < 1<<20 {
		for b := 0; b < batch; b++ {
			op.forward(b, 0, oh, 0, f, 0)
		}
		return out, nil
	}
	// One image: each goroutine takes a band of output rows, im2col
	// included; or, when the kernels outweigh the image (more filters
	// than output cells: ResNet's last two stages), a band of filters,
	// so that each core reads only its part of the kernels, and a band
	// of rows would leave half a block of columns to each core.
	op.bands = threads
	op.byFilters = op.groups == 1 && f > oh*ow && f >= 24*threads
	if op.band == nil {
		op.band = op.forwardBand // a method value made once: Run allocates nothing
	}
	sgemm.Run(threads, op.band)
	return out, nil
}

// foldNorm scales the packed kernels p (f filters, fg a group) by the
// folded batch norm's a per filter, a = scale/sqrt(variance+eps) computed
// in float32 as batchNormCoefficients does, and sets p.shift to the
// folded bias: the batch norm's bias - mean·a, plus bias·a when the
// convolution has one.
func (op *convOp) foldNorm(p *PackedKernels, norm []G.Value, bias []float32, f, fg int) error {
	var v [4][]float32
	for i := range v {
		var err error
		if v[i], err = f32s(op.name, norm[i]); err != nil {
			return err
		}
		if len(v[i]) != f {
			return fmt.Errorf("%s: %d batch norm values for %d filters", op.name, len(v[i]), f)
		}
	}
	scale, shift, mean, variance := v[0], v[1], v[2], v[3]
	a := make([]float32, f)
	p.shift = grow(p.shift, f)
	for i := range f {
		a[i] = scale[i] / float32(math.Sqrt(float64(variance[i]+op.eps)))
		b := shift[i] - mean[i]*a[i]
		if bias != nil {
			b += bias[i] * a[i]
		}
		p.shift[i] = b
	}
	for g := range p.kernels {
		p.kernels[g].ScaleRows(a[g*fg : (g+1)*fg])
	}
	return nil
}

// convRun is what a run of a convOp works on.
type convRun struct {
	x, w, bias, y       []float32
	c, h, wd, f, oh, ow int
}

// forwardBand computes band i of op.bands bands of output rows of the
// run's only image.
func (op *convOp) forwardBand(i int) {
	r := &op.run
	if op.byFilters {
		// Whole blocks of 12 filters (two panels of the kernels).
		f0, f1 := i*r.f/op.bands/12*12, (i+1)*r.f/op.bands/12*12
		if i == op.bands-1 {
			f1 = r.f
		}
		op.forward(0, 0, r.oh, f0, f1, i)
		return
	}
	op.forward(0, i*r.oh/op.bands, (i+1)*r.oh/op.bands, 0, r.f, i)
}

// forward computes output rows [oy0, oy1) of filters [f0, f1) of image b
// of the run, with im2col source number src. Filters are all the
// filters, or, without groups, from a multiple of 6.
func (op *convOp) forward(b, oy0, oy1, f0, f1, src int) {
	r := &op.run
	n, cols := r.oh*r.ow, (oy1-oy0)*r.ow
	xb := r.x[b*r.c*r.h*r.wd : (b+1)*r.c*r.h*r.wd]
	yb := r.y[b*r.f*n : (b+1)*r.f*n]
	cg, fg := r.c/op.groups, r.f/op.groups
	if op.gather && op.win.pads != [4]int{} {
		// The input rows that the band's windows read, into its
		// padded image.
		y0 := max(oy0*op.win.sh-op.win.pads[0], 0)
		y1 := min((oy1-1)*op.win.sh-op.win.pads[0]+op.win.kh, r.h)
		op.win.pad(op.padded[src], xb, r.c, r.h, r.wd, y0, y1)
	}
	packed := op.packed.kernels
	for g := range packed {
		xg, yg := xb[g*cg*r.h*r.wd:(g+1)*cg*r.h*r.wd], yb[g*fg*n:]
		kernels := &packed[g]
		if f0 > 0 || f1 < r.f {
			kernels = &op.views[src]
			packed[g].RowsOf(kernels, f0, f1)
			yg = yg[f0*n:]
		}
		if op.win.direct() {
			// A 1x1 convolution's im2col matrix is the image itself.
			sgemm.MulPacked(kernels, false, cols, xg[oy0*r.ow:], n, false, yg[oy0*r.ow:], n, 1)
		} else if op.gather {
			m := &op.gathers[src]
			*m = gatherMatrix{x: xg, rows: op.cells.rows, cols: op.cells.cols[oy0*r.ow : oy1*r.ow]}
			if op.win.pads != [4]int{} {
				hp, wp := op.win.padded(r.h, r.wd)
				m.x = op.padded[src][g*cg*hp*wp : (g+1)*cg*hp*wp]
			}
			sgemm.MulPackedFrom(kernels, m, cols, false, yg[oy0*r.ow:], n, 1)
		} else {
			m := &op.srcs[src]
			*m = im2colMatrix{x: xg, h: r.h, w: r.wd, rows: op.cells.kernel, cols: op.cells.outputs[oy0*r.ow : oy1*r.ow]}
			sgemm.MulPackedFrom(kernels, m, cols, false, yg[oy0*r.ow:], n, 1)
		}
	}
	for ch := f0; ch < f1; ch++ {
		m := yb[ch*n+oy0*r.ow : ch*n+oy1*r.ow]
		var add float32
		if r.bias != nil {
			add = r.bias[ch]
		}
		if op.relu || r.bias != nil {
			sgemm.ScaleShift(m, m, 1, add, op.relu)
		}
		if op.clip {
			sgemm.Clip(m, m, op.lo, op.hi)
		}
	}
}

func (op *convOp) DiffWRT(inputs int) []bool {
	if op.fold {
		return make([]bool, inputs)
	}
	return []bool{op.inputGrad, true, true}[:inputs]
}

func (op *convOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.fold {
		return nil, errors.New("engine: a convolution with its batch norm folded in is not differentiated")
	}
	g := grad
	var err error
	if op.relu {
		if g, err = G.ApplyOp(newReluGrad(4), output, grad); err != nil {
			return nil, err
		}
	}
	out := make(G.Nodes, len(inputs))
	if op.inputGrad {
		dx := &convInputGradOp{opBase: newOpBase("%sInputGrad", op.name), win: op.win, groups: op.groups, x: inputs[0].Shape().Clone()}
		if out[0], err = G.ApplyOp(dx, inputs[1], g); err != nil {
			return nil, err
		}
	}
	dw := &convKernelGradOp{opBase: newOpBase("%sKernelGrad", op.name), win: op.win, groups: op.groups}
	if out[1], err = G.ApplyOp(dw, inputs[0], g); err != nil {
		return nil, err
	}
	if op.bias {
		if out[2], err = G.ApplyOp(newBiasGrad(4), g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// convInputGradOp is the gradient of a convolution with respect to its
// input x (shape x): per image, the kernels transposed times the output's
// gradient, scattered back by col2im. Inputs: w, dy.
type convInputGradOp struct {
	opBase
	win    Window
	groups int
	x      tensor.Shape

	out     *tensor.Dense
	kernels sgemm.PackedA // w transposed, packed for the products
	col     []float32
}

func (op *convInputGradOp) Arity() int    { return 2 }
func (op *convInputGradOp) Type() hm.Type { return fnType(4, 4, 4) }
func (op *convInputGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.x.Clone(), nil
}

func (op *convInputGradOp) Do(in ...G.Value) (G.Value, error) {
	w, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	dy, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	batch, c, h, wd := op.x[0], op.x[1], op.x[2], op.x[3]
	f := in[0].Shape()[0]
	oh, ow := op.win.out(h, wd)
	cg, fg := c/op.groups, f/op.groups
	k, n := cg*op.win.kh*op.win.kw, oh*ow
	out := reuse(&op.out, op.x)
	dx := out.Float32s()
	for g := 0; g < op.groups; g++ {
		op.kernels.Pack(true, k, fg, w[g*fg*k:], k) // the group's kernels transposed, once for every image
		for b := 0; b < batch; b++ {
			dxb := dx[(b*c+g*cg)*h*wd : (b*c+(g+1)*cg)*h*wd]
			dyb := dy[(b*f+g*fg)*n : (b*f+(g+1)*fg)*n]
			if op.win.direct() {
				sgemm.MulPacked(&op.kernels, false, n, dyb, n, false, dxb, n, threadsFor(batch))
				continue
			}
			op.col = grow(op.col, k*n)
			sgemm.MulPacked(&op.kernels, false, n, dyb, n, false, op.col, n, threadsFor(batch))
			clear(dxb)
			op.win.col2im(dxb, op.col, cg, h, wd)
		}
	}
	return out, nil
}

// convKernelGradOp is the gradient of a convolution with respect to its
// kernels: the sum over the batch of the output's gradient times the
// transposed im2col matrix. Inputs: x, dy.
type convKernelGradOp struct {
	opBase
	win    Window
	groups int

	out   *tensor.Dense
	cells convCells
	src   im2colMatrix
}

func (op *convKernelGradOp) Arity() int    { return 2 }
func (op *convKernelGradOp) Type() hm.Type { return fnType(4, 4, 4) }
func (op *convKernelGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	dy, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{dy[1], x[1] / op.groups, op.win.kh, op.win.kw}, nil
}

func (op *convKernelGradOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	dy, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	xs, ys := in[0].Shape(), in[1].Shape()
	batch, c, h, wd, f := xs[0], xs[1], xs[2], xs[3], ys[1]
	cg, fg := c/op.groups, f/op.groups
	k, n := cg*op.win.kh*op.win.kw, ys[2]*ys[3]
	out := reuse(&op.out, tensor.Shape{f, cg, op.win.kh, op.win.kw})
	dw := out.Float32s()
	cells := op.cells.of(op.win, cg, h, wd)
	for g := 0; g < op.groups; g++ {
		dwg := dw[g*fg*k : (g+1)*fg*k]
		for b := 0; b < batch; b++ {
			xb := x[(b*c+g*cg)*h*wd : (b*c+(g+1)*cg)*h*wd]
			dyb := dy[(b*f+g*fg)*n : (b*f+(g+1)*fg)*n]
			if op.win.direct() {
				gemm(false, true, fg, k, n, dyb, xb, b > 0, dwg, threadsFor(batch))
				continue
			}
			// The transposed im2col matrix: its rows are output cells.
			op.src = im2colMatrix{x: xb, h: h, w: wd, rows: cells.outputs, cols: cells.kernel}
			sgemm.MulFrom(false, fg, k, n, dyb, n, &op.src, b > 0, dwg, k, threadsFor(batch))
		}
	}
	return out, nil
}

// ConvKernels returns the store key and the packed kernels that op, a
// conv op, last ran with; ok is false for any other op. Tests check with
// it that graphs share their kernels.
func ConvKernels(op G.Op) (layer int, p *PackedKernels, ok bool) {
	c, ok := op.(*convOp)
	if !ok {
		return 0, nil, false
	}
	return c.layer, c.packed, true
}
