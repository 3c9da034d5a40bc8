package nn

import (
	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// flattenOp turns maps (B, C, H, W) into rows (B, C*H*W), or back when
// its input has two dimensions and to is set: a copy into a buffer kept
// from run to run, where gorgonia's Reshape allocates on every run.
type flattenOp struct {
	opBase
	to  tensor.Shape
	out *tensor.Dense
}

// Flatten returns x (B, C, H, W) as (B, C*H*W).
func Flatten(x *G.Node) (*G.Node, error) {
	s := x.Shape()
	return G.ApplyOp(&flattenOp{opBase: newOpBase("Flatten"), to: tensor.Shape{s[0], s.TotalSize() / s[0]}}, x)
}

func (op *flattenOp) Arity() int { return 1 }
func (op *flattenOp) Type() hm.Type {
	if len(op.to) == 2 {
		return fnType(4, 2)
	}
	return fnType(2, 4)
}
func (op *flattenOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.to.Clone(), nil }

func (op *flattenOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, op.to)
	copy(out.Float32s(), x)
	return out, nil
}

func (op *flattenOp) DiffWRT(int) []bool { return []bool{true} }

func (op *flattenOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	back := &flattenOp{opBase: newOpBase("Unflatten"), to: inputs[0].Shape().Clone()}
	dx, err := G.ApplyOp(back, grad)
	return G.Nodes{dx}, err
}
