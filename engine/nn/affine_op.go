package nn

import (
	"errors"
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/internal/sgemm"
)

// affineOp scales and shifts each channel of x (B, C, H, W), or each unit
// of x (B, C), by a (C) and b (C): y = x·a[c] + b[c], followed by a ReLU
// when relu is set. It is a batch norm in its inference form (a and b
// computed from the layer's statistics) and the input's normalisation.
// gorgonia's broadcast product and sum allocated and copied a and b out
// to x's size on every run (a third of a prediction's time in a network
// with batch norm after every convolution).
type affineOp struct {
	opBase
	dims int
	relu bool
	// inputGrad, paramGrad: the gradients with respect to x, and to a
	// and b, are needed.
	inputGrad, paramGrad bool

	out *tensor.Dense
}

// ChannelAffine returns x·a + b per channel (see affineOp), its ReLU fused
// when relu is set.
func ChannelAffine(name string, x, a, b *G.Node, relu, inputGrad, paramGrad bool) (*G.Node, error) {
	op := &affineOp{opBase: newOpBase("Affine(%s)", name), dims: x.Dims(), relu: relu, inputGrad: inputGrad, paramGrad: paramGrad}
	if relu {
		op.name += "+ReLU"
	}
	return G.ApplyOp(op, x, a, b)
}

func (op *affineOp) Arity() int    { return 3 }
func (op *affineOp) Type() hm.Type { return fnType(op.dims, 1, 1, op.dims) }
func (op *affineOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
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

func (op *affineOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	a, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	b, err := f32s(op.name, in[2])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := reuse(&op.out, s)
	y := out.Float32s()
	c := s[1]
	n := s.TotalSize() / (s[0] * c) // values per channel per image
	for i := 0; i < s[0]*c; i++ {
		// The product is rounded before the sum, as gorgonia's two
		// ops did.
		sgemm.ScaleShift(y[i*n:(i+1)*n], x[i*n:(i+1)*n], a[i%c], b[i%c], op.relu)
	}
	return out, nil
}

func (op *affineOp) DiffWRT(int) []bool {
	return []bool{op.inputGrad, op.paramGrad, op.paramGrad}
}

func (op *affineOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	g := grad
	var err error
	if op.relu {
		if g, err = G.ApplyOp(newReluGrad(op.dims), output, grad); err != nil {
			return nil, err
		}
	}
	out := make(G.Nodes, 3)
	if op.inputGrad {
		dx := &channelGradOp{opBase: newOpBase("%sInputGrad", op.name), dims: op.dims, scale: true}
		if out[0], err = G.ApplyOp(dx, g, inputs[1]); err != nil {
			return nil, err
		}
	}
	if op.paramGrad {
		da := &channelGradOp{opBase: newOpBase("%sScaleGrad", op.name), dims: op.dims}
		if out[1], err = G.ApplyOp(da, g, inputs[0]); err != nil {
			return nil, err
		}
		if out[2], err = G.ApplyOp(newBiasGrad(op.dims), g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// channelGradOp is part of affineOp's backward pass. With scale set it
// is the gradient with respect to x: dy (B, C, …) times a (C) per channel.
// Otherwise it is the gradient with respect to a: per channel, the sum of
// dy times x (both B, C, …).
type channelGradOp struct {
	opBase
	dims  int
	scale bool
	out   *tensor.Dense
}

func (op *channelGradOp) Arity() int { return 2 }
func (op *channelGradOp) Type() hm.Type {
	if op.scale {
		return fnType(op.dims, 1, op.dims)
	}
	return fnType(op.dims, op.dims, 1)
}

func (op *channelGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	dy, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if op.scale {
		return dy.Clone(), nil
	}
	return tensor.Shape{dy[1]}, nil
}

func (op *channelGradOp) Do(in ...G.Value) (G.Value, error) {
	dy, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	other, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	c := s[1]
	n := s.TotalSize() / (s[0] * c)
	if op.scale {
		out := reuse(&op.out, s)
		dx := out.Float32s()
		for i := 0; i < s[0]*c; i++ {
			a := other[i%c]
			for j, v := range dy[i*n : (i+1)*n] {
				dx[i*n+j] = v * a
			}
		}
		return out, nil
	}
	out := reuse(&op.out, tensor.Shape{c})
	da := out.Float32s()
	clear(da)
	for i := 0; i < s[0]*c; i++ {
		var sum float32
		x := other[i*n : (i+1)*n]
		for j, v := range dy[i*n : (i+1)*n] {
			sum += v * x[j]
		}
		da[i%c] += sum
	}
	return out, nil
}

func (op *channelGradOp) DiffWRT(inputs int) []bool { return make([]bool, inputs) }

func (op *channelGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}
