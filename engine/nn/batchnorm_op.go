package nn

import (
	"errors"
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BatchNormOp is a batch norm in PyTorch's train mode: each channel of x
// (B, C, H, W), or each unit of x (B, C), is normalised by the mean and
// the (biased) variance of its values in the batch, then scaled by gamma
// and shifted by beta, and a ReLU follows when relu is set. Inputs: x,
// gamma, beta. Each run keeps the batch's mean and variance (for the
// running averages, see Model.FoldBatchStatistics) and the inverse
// standard deviations, which the gradient ops read: they take this op's
// output, so gorgonia runs them after it in the same run.
type BatchNormOp struct {
	opBase
	dims      int
	relu      bool
	inputGrad bool
	eps       float64

	// mean, variance (biased) and invStd per channel, of the last run.
	mean, variance, invStd []float64
	out                    *tensor.Dense
}

// BatchNormTrain returns the batch-statistics batch norm of x (see
// BatchNormOp) and its op, whose statistics the trainer reads.
func BatchNormTrain(name string, x, gamma, beta *G.Node, eps float64, relu, inputGrad bool) (*G.Node, *BatchNormOp, error) {
	op := &BatchNormOp{opBase: newOpBase("BatchNorm(%s)", name), dims: x.Dims(), relu: relu, inputGrad: inputGrad, eps: eps}
	if relu {
		op.name += "+ReLU"
	}
	y, err := G.ApplyOp(op, x, gamma, beta)
	return y, op, err
}

// Mean and Variance return the per-channel mean and (biased) variance of
// the last run's batch (empty before a run), the op's own memory.
func (op *BatchNormOp) Mean() []float64     { return op.mean }
func (op *BatchNormOp) Variance() []float64 { return op.variance }

// OutputShape returns the shape of the last run's output (B, C, ...).
func (op *BatchNormOp) OutputShape() tensor.Shape { return op.out.Shape() }

func (op *BatchNormOp) Arity() int    { return 3 }
func (op *BatchNormOp) Type() hm.Type { return fnType(op.dims, 1, 1, op.dims) }
func (op *BatchNormOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	for _, d := range in[1:] {
		s, err := shapeOf(op.name, d)
		if err != nil {
			return nil, err
		}
		if len(x) < 2 || s.TotalSize() != x[1] {
			return nil, fmt.Errorf("%s: %v values for the %d channels of %v", op.name, s, x[1], x)
		}
	}
	return x.Clone(), nil
}

// channels returns a value's batch size, channels and values per channel
// per image.
func channels(s tensor.Shape) (batch, c, n int) {
	return s[0], s[1], s.TotalSize() / (s[0] * s[1])
}

func (op *BatchNormOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	gamma, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	beta, err := f32s(op.name, in[2])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	batch, c, n := channels(s)
	if batch*n < 2 {
		// PyTorch refuses it too: one value has no variance.
		return nil, fmt.Errorf("%s: batch statistics need more than one value per channel (a batch of %d, %d values each)", op.name, batch, n)
	}
	if len(op.mean) != c {
		op.mean, op.variance, op.invStd = make([]float64, c), make([]float64, c), make([]float64, c)
	}
	count := float64(batch * n)
	// Two passes in float64: the mean, then the squared deviations from
	// it (the one-pass sum of squares loses digits when the mean is
	// large against the spread).
	for ch := 0; ch < c; ch++ {
		var s1 float64
		for b := 0; b < batch; b++ {
			for _, v := range x[(b*c+ch)*n : (b*c+ch+1)*n] {
				s1 += float64(v)
			}
		}
		mean := s1 / count
		var s2 float64
		for b := 0; b < batch; b++ {
			for _, v := range x[(b*c+ch)*n : (b*c+ch+1)*n] {
				d := float64(v) - mean
				s2 += d * d
			}
		}
		op.mean[ch], op.variance[ch] = mean, s2/count
		op.invStd[ch] = 1 / math.Sqrt(op.variance[ch]+op.eps)
	}
	out := reuse(&op.out, s)
	y := out.Float32s()
	for i := 0; i < batch*c; i++ {
		// (x-mean)·a + beta, not x·a + (beta-mean·a): with a mean large
		// against the spread, the two large terms of the latter cancel
		// in float32.
		ch := i % c
		mean, a, b := op.mean[ch], float64(gamma[ch])*op.invStd[ch], float64(beta[ch])
		yi, xi := y[i*n:(i+1)*n], x[i*n:(i+1)*n]
		for j, v := range xi {
			r := float32((float64(v)-mean)*a + b)
			if op.relu && r < 0 {
				r = 0
			}
			yi[j] = r
		}
	}
	return out, nil
}

func (op *BatchNormOp) DiffWRT(int) []bool { return []bool{op.inputGrad, true, true} }

// SymDiff gives the gradients through the batch statistics. With x̂ the
// normalised input, M the values per channel and g the gradient of the
// output (past the ReLU): dβ = Σg, dγ = Σg·x̂, and dx = γ/σ·(g − Σg/M −
// x̂·Σg·x̂/M), since every value of a channel moves its mean and variance.
func (op *BatchNormOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	g := grad
	var err error
	if op.relu {
		if g, err = G.ApplyOp(newReluGrad(op.dims), output, grad); err != nil {
			return nil, err
		}
	}
	out := make(G.Nodes, 3)
	if op.inputGrad {
		dx := &batchNormGradOp{opBase: newOpBase("%sInputGrad", op.name), fwd: op, input: true}
		if out[0], err = G.ApplyOp(dx, g, inputs[0], inputs[1]); err != nil {
			return nil, err
		}
	}
	dg := &batchNormGradOp{opBase: newOpBase("%sScaleGrad", op.name), fwd: op}
	if out[1], err = G.ApplyOp(dg, g, inputs[0], inputs[1]); err != nil {
		return nil, err
	}
	if out[2], err = G.ApplyOp(newBiasGrad(op.dims), g); err != nil {
		return nil, err
	}
	return out, nil
}

// batchNormGradOp is part of BatchNormOp's backward pass, on the
// statistics its forward op kept. Inputs: g (the output's gradient), x,
// gamma. With input set it gives dx (x's shape), otherwise dγ (C).
type batchNormGradOp struct {
	opBase
	fwd   *BatchNormOp
	input bool
	out   *tensor.Dense
}

func (op *batchNormGradOp) Arity() int { return 3 }
func (op *batchNormGradOp) Type() hm.Type {
	d := op.fwd.dims
	if op.input {
		return fnType(d, d, 1, d)
	}
	return fnType(d, d, 1, 1)
}

func (op *batchNormGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	g, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if op.input {
		return g.Clone(), nil
	}
	return tensor.Shape{g[1]}, nil
}

func (op *batchNormGradOp) Do(in ...G.Value) (G.Value, error) {
	g, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	x, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	gamma, err := f32s(op.name, in[2])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	batch, c, n := channels(s)
	f := op.fwd
	if len(f.mean) != c {
		return nil, fmt.Errorf("%s: the forward pass has not run", op.name)
	}
	var out *tensor.Dense
	if op.input {
		out = reuse(&op.out, s)
	} else {
		out = reuse(&op.out, tensor.Shape{c})
	}
	o := out.Float32s()
	count := float64(batch * n)
	for ch := 0; ch < c; ch++ {
		mean, inv := f.mean[ch], f.invStd[ch]
		var sg, sgx float64 // Σg and Σg·x̂
		for b := 0; b < batch; b++ {
			i := (b*c + ch) * n
			for j, v := range g[i : i+n] {
				sg += float64(v)
				sgx += float64(v) * (float64(x[i+j]) - mean)
			}
		}
		sgx *= inv
		if !op.input {
			o[ch] = float32(sgx)
			continue
		}
		k := float64(gamma[ch]) * inv
		mg, mgx := sg/count, sgx/count
		for b := 0; b < batch; b++ {
			i := (b*c + ch) * n
			for j, v := range g[i : i+n] {
				xhat := (float64(x[i+j]) - mean) * inv
				o[i+j] = float32(k * (float64(v) - mg - xhat*mgx))
			}
		}
	}
	return out, nil
}

func (op *batchNormGradOp) DiffWRT(inputs int) []bool { return make([]bool, inputs) }

func (op *batchNormGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}
