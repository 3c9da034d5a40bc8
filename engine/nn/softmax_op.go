package nn

import (
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// softmaxOp is the softmax of each row of x (B, classes), computed in
// float64 from the row's maximum. It replaces gorgonia's SoftMax, which
// allocates its output and scratch on every run.
type softmaxOp struct {
	opBase
	out *tensor.Dense
}

// Softmax returns the softmax of each row of x.
func Softmax(x *G.Node) (*G.Node, error) {
	return G.ApplyOp(&softmaxOp{opBase: newOpBase("SoftMax")}, x)
}

func (op *softmaxOp) Arity() int    { return 1 }
func (op *softmaxOp) Type() hm.Type { return fnType(2, 2) }
func (op *softmaxOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

func (op *softmaxOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := reuse(&op.out, s)
	y := out.Float32s()
	n := s[1]
	for b := 0; b < s[0]; b++ {
		row, dst := x[b*n:(b+1)*n], y[b*n:(b+1)*n]
		top := row[0]
		for _, v := range row {
			top = max(top, v)
		}
		var sum float64
		for i, v := range row {
			e := math.Exp(float64(v - top))
			dst[i] = float32(e)
			sum += e
		}
		for i := range dst {
			dst[i] = float32(float64(dst[i]) / sum)
		}
	}
	return out, nil
}

func (op *softmaxOp) DiffWRT(int) []bool { return []bool{true} }

func (op *softmaxOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&softmaxGradOp{opBase: newOpBase("SoftMaxGrad")}, output, grad)
	return G.Nodes{dx}, err
}

// softmaxGradOp is the gradient of a softmax with respect to its input:
// per row, y * (dy - sum(dy*y)). Inputs: y, dy.
type softmaxGradOp struct {
	opBase
	out *tensor.Dense
}

func (op *softmaxGradOp) Arity() int    { return 2 }
func (op *softmaxGradOp) Type() hm.Type { return fnType(2, 2, 2) }
func (op *softmaxGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

func (op *softmaxGradOp) Do(in ...G.Value) (G.Value, error) {
	y, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	dy, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := reuse(&op.out, s)
	dx := out.Float32s()
	n := s[1]
	for b := 0; b < s[0]; b++ {
		var dot float32
		for i := b * n; i < (b+1)*n; i++ {
			dot += dy[i] * y[i]
		}
		for i := b * n; i < (b+1)*n; i++ {
			dx[i] = y[i] * (dy[i] - dot)
		}
	}
	return out, nil
}
