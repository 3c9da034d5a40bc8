package engine

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/internal/sgemm"
)

// convOp is a 2-D convolution (cross-correlation, as Keras and PyTorch
// compute it) of x (B, C, H, W) with kernels w (F, C, kh, kw), plus a bias
// b (F) when it has one, followed by a ReLU when relu is set. Each image is
// one matrix product of the kernels (F × C*kh*kw) with its im2col matrix
// (C*kh*kw × OH*OW), written straight into the output.
type convOp struct {
	opBase
	win  window
	bias bool // a third input, the bias
	relu bool
	// inputGrad: the gradient with respect to x is needed (false for the
	// first layer with weights, whose input is the picture).
	inputGrad bool

	out     *tensor.Dense
	kernels sgemm.PackedA // w, packed for the products
	cols    [][]float32   // im2col buffers, one per band of rows
	run     convRun
	bands   int
	band    func(int) // forwardBand
}

// conv2d returns the conv layer s on x with kernels w and bias b (nil for
// none), its ReLU fused when relu is set.
func conv2d(x, w, b *G.Node, s step, relu, inputGrad bool) (*G.Node, error) {
	op := &convOp{opBase: newOpBase("Conv2D(%s)", s.Name), win: windowOf(s), bias: b != nil, relu: relu, inputGrad: inputGrad}
	if relu {
		op.name += "+ReLU"
	}
	if b == nil {
		return G.ApplyOp(op, x, w)
	}
	return G.ApplyOp(op, x, w, b)
}

func (op *convOp) Arity() int {
	if op.bias {
		return 3
	}
	return 2
}

func (op *convOp) Type() hm.Type {
	if op.bias {
		return fnType(4, 4, 1, 4)
	}
	return fnType(4, 4, 4)
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
	if len(x) != 4 || len(w) != 4 || x[1] != w[1] || w[2] != op.win.kh || w[3] != op.win.kw {
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
	op.run = convRun{x: x, w: w, bias: bias, y: out.Float32s(), c: c, h: h, wd: wd, f: f, oh: oh, ow: ow}
	k := c * op.win.kh * op.win.kw
	op.kernels.Pack(false, f, k, w, k) // once for every image and band
	threads := min(threadsFor(batch), oh)
	for len(op.cols) < threads { // made here: the bands fill their own
		op.cols = append(op.cols, nil)
	}
	if batch > 1 || threads == 1 || f*k*oh*ow < 1<<20 {
		for b := 0; b < batch; b++ {
			op.forward(b, 0, oh, 0)
		}
		return out, nil
	}
	// One image: each goroutine takes a band of output rows, im2col
	// included.
	op.bands = threads
	if op.band == nil {
		op.band = op.forwardBand // a method value made once: Run allocates nothing
	}
	sgemm.Run(threads, op.band)
	return out, nil
}

// convRun is what a run of a convOp works on.
type convRun struct {
	x, w, bias, y       []float32
	c, h, wd, f, oh, ow int
}

// forwardBand computes band i of op.bands bands of output rows of the
// run's only image.
func (op *convOp) forwardBand(i int) {
	oh := op.run.oh
	op.forward(0, i*oh/op.bands, (i+1)*oh/op.bands, i)
}

// forward computes output rows [oy0, oy1) of image b of the run, with
// im2col buffer number buf.
func (op *convOp) forward(b, oy0, oy1, buf int) {
	r := &op.run
	k, n, cols := r.c*op.win.kh*op.win.kw, r.oh*r.ow, (oy1-oy0)*r.ow
	xb := r.x[b*r.c*r.h*r.wd : (b+1)*r.c*r.h*r.wd]
	col, ldcol := xb[oy0*r.ow:], n // a 1x1 convolution reads the image itself
	if !op.win.direct() {
		op.cols[buf] = grow(op.cols[buf], k*cols)
		col, ldcol = op.cols[buf], cols
		op.win.im2col(col, xb, r.c, r.h, r.wd, oy0, oy1)
	}
	yb := r.y[b*r.f*n : (b+1)*r.f*n]
	sgemm.MulPacked(&op.kernels, false, cols, col, ldcol, false, yb[oy0*r.ow:], n, 1)
	for ch := 0; ch < r.f; ch++ {
		m := yb[ch*n+oy0*r.ow : ch*n+oy1*r.ow]
		var add float32
		if r.bias != nil {
			add = r.bias[ch]
		}
		if op.relu {
			sgemm.BiasReLU(add, m)
		} else if r.bias != nil {
			for i := range m {
				m[i] += add
			}
		}
	}
}

func (op *convOp) DiffWRT(inputs int) []bool {
	return []bool{op.inputGrad, true, true}[:inputs]
}

func (op *convOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	g := grad
	var err error
	if op.relu {
		if g, err = G.ApplyOp(newReluGrad(4), output, grad); err != nil {
			return nil, err
		}
	}
	out := make(G.Nodes, len(inputs))
	if op.inputGrad {
		dx := &convInputGradOp{opBase: newOpBase("%sInputGrad", op.name), win: op.win, x: inputs[0].Shape().Clone()}
		if out[0], err = G.ApplyOp(dx, inputs[1], g); err != nil {
			return nil, err
		}
	}
	dw := &convKernelGradOp{opBase: newOpBase("%sKernelGrad", op.name), win: op.win}
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
	win window
	x   tensor.Shape

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
	k, n := c*op.win.kh*op.win.kw, oh*ow
	out := reuse(&op.out, op.x)
	dx := out.Float32s()
	op.kernels.Pack(true, k, f, w, k) // the kernels transposed, once for every image
	for b := 0; b < batch; b++ {
		dxb := dx[b*c*h*wd : (b+1)*c*h*wd]
		dyb := dy[b*f*n : (b+1)*f*n]
		if op.win.direct() {
			sgemm.MulPacked(&op.kernels, false, n, dyb, n, false, dxb, n, threadsFor(batch))
			continue
		}
		op.col = grow(op.col, k*n)
		sgemm.MulPacked(&op.kernels, false, n, dyb, n, false, op.col, n, threadsFor(batch))
		clear(dxb)
		op.win.col2im(dxb, op.col, c, h, wd)
	}
	return out, nil
}

// convKernelGradOp is the gradient of a convolution with respect to its
// kernels: the sum over the batch of the output's gradient times the
// transposed im2col matrix. Inputs: x, dy.
type convKernelGradOp struct {
	opBase
	win window

	out *tensor.Dense
	col []float32
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
	return tensor.Shape{dy[1], x[1], op.win.kh, op.win.kw}, nil
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
	k, n := c*op.win.kh*op.win.kw, ys[2]*ys[3]
	out := reuse(&op.out, tensor.Shape{f, c, op.win.kh, op.win.kw})
	dw := out.Float32s()
	for b := 0; b < batch; b++ {
		xb := x[b*c*h*wd : (b+1)*c*h*wd]
		col := xb
		if !op.win.direct() {
			op.col = grow(op.col, k*n)
			col = op.col
			op.win.im2col(col, xb, c, h, wd, 0, ys[2])
		}
		gemm(false, true, f, k, n, dy[b*f*n:(b+1)*f*n], col, b > 0, dw, threadsFor(batch))
	}
	return out, nil
}
