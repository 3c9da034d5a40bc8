package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maskOp multiplies x by a mask of the same shape, value by value:
// dropout with the mask the trainer draws (see fillMask), and its own
// backward pass (the gradient times the same mask). Unlike gorgonia's
// HadamardProd it keeps its output from run to run.
type maskOp struct {
	opBase
	dims int
	out  *tensor.Dense
}

// Dropout returns x times mask.
func Dropout(x, mask *G.Node) (*G.Node, error) {
	return G.ApplyOp(&maskOp{opBase: newOpBase("Dropout(%s)", mask.Name()), dims: x.Dims()}, x, mask)
}

func (op *maskOp) Arity() int    { return 2 }
func (op *maskOp) Type() hm.Type { return fnType(op.dims, op.dims, op.dims) }
func (op *maskOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	m, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	if !x.Eq(m) {
		return nil, fmt.Errorf("%s: input %v and mask %v differ", op.name, x, m)
	}
	return x.Clone(), nil
}

func (op *maskOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	m, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, in[0].Shape())
	y := out.Float32s()
	for i, v := range x {
		y[i] = v * m[i]
	}
	return out, nil
}

func (op *maskOp) DiffWRT(int) []bool { return []bool{true, false} }

func (op *maskOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	back := &maskOp{opBase: newOpBase("%sGrad", op.name), dims: op.dims}
	dx, err := G.ApplyOp(back, grad, inputs[1])
	return G.Nodes{dx, nil}, err
}
