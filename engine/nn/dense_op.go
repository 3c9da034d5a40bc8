package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/internal/sgemm"
)

// denseOp is a dense layer: x (B, I) times w (I, U), plus a bias b (U)
// when it has one, followed by a ReLU when relu is set. Unlike gorgonia's
// Mul, neither it nor its gradients transpose the weights in place: the
// BLAS reads them transposed.
type denseOp struct {
	opBase
	layerInputs
	relu bool
	// inputGrad: the gradient with respect to x is needed.
	inputGrad bool

	out *tensor.Dense
}

// Dense returns the dense layer name on x (B, I) with weights w and bias
// b (nil for none), its ReLU fused when relu is set; inputGrad: the
// gradient with respect to x is needed.
func Dense(x, w, b *G.Node, name string, relu, inputGrad bool) (*G.Node, error) {
	op := &denseOp{opBase: newOpBase("Dense(%s)", name), layerInputs: layerInputs{dims: 2, bias: b != nil}, relu: relu, inputGrad: inputGrad}
	if relu {
		op.name += "+ReLU"
	}
	return op.apply(op, x, w, b)
}

func (op *denseOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	w, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	if len(x) != 2 || len(w) != 2 || x[1] != w[0] {
		return nil, fmt.Errorf("%s: input %v and weights %v do not fit", op.name, x, w)
	}
	return tensor.Shape{x[0], w[1]}, nil
}

func (op *denseOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	w, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	batch, units := in[0].Shape()[0], in[1].Shape()[1]
	out := reuse(&op.out, tensor.Shape{batch, units})
	y := out.Float32s()
	gemm(false, false, batch, units, in[1].Shape()[0], x, w, false, y, threadsFor(batch))
	var bias []float32
	if op.bias {
		if bias, err = f32s(op.name, in[2]); err != nil {
			return nil, err
		}
	}
	for b := 0; b < batch; b++ {
		row := y[b*units : (b+1)*units]
		if bias != nil {
			sgemm.Add(row, bias)
		}
		if op.relu {
			sgemm.ScaleShift(row, row, 1, 0, true)
		}
	}
	return out, nil
}

func (op *denseOp) DiffWRT(inputs int) []bool {
	return []bool{op.inputGrad, true, true}[:inputs]
}

func (op *denseOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	g := grad
	var err error
	if op.relu {
		if g, err = G.ApplyOp(newReluGrad(2), output, grad); err != nil {
			return nil, err
		}
	}
	out := make(G.Nodes, len(inputs))
	if op.inputGrad {
		if out[0], err = G.ApplyOp(&matMulOp{opBase: newOpBase("%sInputGrad", op.name), tb: true}, g, inputs[1]); err != nil {
			return nil, err
		}
	}
	if out[1], err = G.ApplyOp(&matMulOp{opBase: newOpBase("%sWeightGrad", op.name), ta: true}, inputs[0], g); err != nil {
		return nil, err
	}
	if op.bias {
		if out[2], err = G.ApplyOp(newBiasGrad(2), g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// matMulOp is the matrix product a·b of its two inputs, a read transposed
// when ta is set and b when tb is set: the gradients of a dense layer
// (dy·wᵀ for its input, xᵀ·dy for its weights).
type matMulOp struct {
	opBase
	ta, tb bool
	out    *tensor.Dense
}

func (op *matMulOp) Arity() int    { return 2 }
func (op *matMulOp) Type() hm.Type { return fnType(2, 2, 2) }

// dims returns the product's m, n and k for inputs of shapes a and b.
func (op *matMulOp) dims(a, b tensor.Shape) (m, n, k int) {
	m, k = a[0], a[1]
	if op.ta {
		m, k = k, m
	}
	n = b[1]
	if op.tb {
		n = b[0]
	}
	return m, n, k
}

func (op *matMulOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	b, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	m, n, _ := op.dims(a, b)
	return tensor.Shape{m, n}, nil
}

func (op *matMulOp) Do(in ...G.Value) (G.Value, error) {
	a, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	b, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	m, n, k := op.dims(in[0].Shape(), in[1].Shape())
	out := reuse(&op.out, tensor.Shape{m, n})
	gemm(op.ta, op.tb, m, n, k, a, b, false, out.Float32s(), threadsFor(in[0].Shape()[0]))
	return out, nil
}
