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

// The ops of graph networks: the joins of branches (eltwiseOp for Add and
// Mul, concatOp), ShuffleNet's channel shuffle and slice (shuffleOp,
// channelsOp) and the activations besides ReLU (unaryOp). Like the
// layers' ops they keep their output buffers from run to run and
// differentiate into more such ops.

// eltwiseOp adds or multiplies a and b value by value. b has a's shape,
// or a's leading dimensions and ones after them (B, C, 1, 1 against B, C,
// H, W): each of its values then meets a whole map of a. With relu set a
// ReLU follows (a ResNet block's output).
type eltwiseOp struct {
	opBase
	mul  bool
	relu bool
	dims int
	out  *tensor.Dense

	// A sum of equal shapes shared among the cores (see addShare).
	a, b, y []float32
	shares  int
	share   func(int)
}

// Eltwise returns x+y (or x*y with mul), the larger of the two first, its
// ReLU fused when relu is set.
func Eltwise(name string, mul, relu bool, x, y *G.Node) (*G.Node, error) {
	if y.Shape().TotalSize() > x.Shape().TotalSize() {
		x, y = y, x
	}
	kind := "Add"
	if mul {
		kind = "Mul"
	}
	if relu {
		kind += "+ReLU"
	}
	return G.ApplyOp(&eltwiseOp{opBase: newOpBase("%s(%s)", kind, name), mul: mul, relu: relu, dims: x.Dims()}, x, y)
}

func (op *eltwiseOp) Arity() int    { return 2 }
func (op *eltwiseOp) Type() hm.Type { return fnType(op.dims, op.dims, op.dims) }
func (op *eltwiseOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	b, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	if _, ok := spread(a, b); !ok {
		return nil, fmt.Errorf("%s: %v and %v do not combine", op.name, a, b)
	}
	return a.Clone(), nil
}

// spread returns how many values of a each value of b meets, and whether
// b's shape is a's leading dimensions followed by ones.
func spread(a, b tensor.Shape) (int, bool) {
	if len(a) != len(b) {
		return 0, false
	}
	n := 1
	lead := true
	for i := range a {
		switch {
		case lead && a[i] == b[i]:
		case b[i] == 1:
			lead = false
			n *= a[i]
		default:
			return 0, false
		}
	}
	return n, true
}

func (op *eltwiseOp) Do(in ...G.Value) (G.Value, error) {
	a, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	b, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	n, ok := spread(in[0].Shape(), in[1].Shape())
	if !ok {
		return nil, fmt.Errorf("%s: %v and %v do not combine", op.name, in[0].Shape(), in[1].Shape())
	}
	out := reuse(&op.out, in[0].Shape())
	y := out.Float32s()
	switch {
	case n == 1 && op.mul:
		for i, v := range a {
			y[i] = v * b[i]
		}
	case n == 1:
		// One image's sum is shared among the cores (see threadsFor),
		// its ReLU included.
		op.a, op.b, op.y = a, b, y
		op.shares = min(threadsFor(in[0].Shape()[0]), max(1, len(y)>>16))
		if op.share == nil {
			op.share = op.addShare // a method value made once: Run allocates nothing
		}
		sgemm.Run(op.shares, op.share)
		op.a, op.b, op.y = nil, nil, nil
		return out, nil
	default:
		for k, v := range b {
			dst, src := y[k*n:(k+1)*n], a[k*n:(k+1)*n]
			if op.mul {
				for i, x := range src {
					dst[i] = x * v
				}
			} else {
				for i, x := range src {
					dst[i] = x + v
				}
			}
		}
	}
	if op.relu {
		sgemm.ScaleShift(y, y, 1, 0, true)
	}
	return out, nil
}

// addShare sets share i of op.shares of op.y to op.a + op.b, and to its
// ReLU with op.relu, eight values at a time.
func (op *eltwiseOp) addShare(i int) {
	lo, hi := i*len(op.y)/op.shares, (i+1)*len(op.y)/op.shares
	y := op.y[lo:hi]
	copy(y, op.a[lo:hi])
	sgemm.Add(y, op.b[lo:hi])
	if op.relu {
		sgemm.ScaleShift(y, y, 1, 0, true)
	}
}

func (op *eltwiseOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff: for a sum, da = dy and db = dy (summed over the maps b is
// spread over); for a product, da = dy·b and db = dy·a (summed likewise).
func (op *eltwiseOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	a, b := inputs[0], inputs[1]
	var err error
	if op.relu {
		if grad, err = G.ApplyOp(newReluGrad(op.dims), output, grad); err != nil {
			return nil, err
		}
	}
	da, db := grad, grad
	if op.mul {
		if da, err = G.ApplyOp(&eltwiseOp{opBase: newOpBase("%sGradA", op.name), mul: true, dims: op.dims}, grad, b); err != nil {
			return nil, err
		}
		if db, err = G.ApplyOp(&eltwiseOp{opBase: newOpBase("%sGradB", op.name), mul: true, dims: op.dims}, grad, a); err != nil {
			return nil, err
		}
	}
	if !a.Shape().Eq(b.Shape()) {
		if db, err = G.ApplyOp(&sumToOp{opBase: newOpBase("%sSumGrad", op.name), dims: op.dims, to: b.Shape().Clone()}, db); err != nil {
			return nil, err
		}
	}
	return G.Nodes{da, db}, nil
}

// sumToOp sums x over its trailing dimensions down to the shape to (its
// leading dimensions followed by ones): the gradient of a value spread
// over maps.
type sumToOp struct {
	opBase
	dims int
	to   tensor.Shape
	out  *tensor.Dense
}

func (op *sumToOp) Arity() int                                     { return 1 }
func (op *sumToOp) Type() hm.Type                                  { return fnType(op.dims, op.dims) }
func (op *sumToOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.to.Clone(), nil }
func (op *sumToOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, op.to)
	y := out.Float32s()
	n := len(x) / len(y)
	for k := range y {
		y[k] = sum(x[k*n : (k+1)*n])
	}
	return out, nil
}
func (op *sumToOp) DiffWRT(int) []bool { return []bool{false} }
func (op *sumToOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// concatOp joins maps (B, Ci, H, W) along their channels.
type concatOp struct {
	opBase
	n   int
	out *tensor.Dense
}

// Concat returns xs joined along their channels.
func Concat(name string, xs []*G.Node) (*G.Node, error) {
	return G.ApplyOp(&concatOp{opBase: newOpBase("Concat(%s)", name), n: len(xs)}, xs...)
}

func (op *concatOp) Arity() int { return op.n }
func (op *concatOp) Type() hm.Type {
	dims := make([]int, op.n+1)
	for i := range dims {
		dims[i] = 4
	}
	return fnType(dims...)
}

func (op *concatOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	var out tensor.Shape
	for _, d := range in {
		s, err := shapeOf(op.name, d)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = s.Clone()
			continue
		}
		if len(s) != 4 || s[0] != out[0] || s[2] != out[2] || s[3] != out[3] {
			return nil, fmt.Errorf("%s: %v does not join %v", op.name, s, out)
		}
		out[1] += s[1]
	}
	return out, nil
}

func (op *concatOp) Do(in ...G.Value) (G.Value, error) {
	s := in[0].Shape()
	c := 0
	for _, v := range in {
		c += v.Shape()[1]
	}
	out := reuse(&op.out, tensor.Shape{s[0], c, s[2], s[3]})
	y := out.Float32s()
	plane := s[2] * s[3]
	for b := 0; b < s[0]; b++ {
		at := b * c * plane
		for _, v := range in {
			x, err := f32s(op.name, v)
			if err != nil {
				return nil, err
			}
			k := v.Shape()[1] * plane
			at += copy(y[at:], x[b*k:(b+1)*k])
		}
	}
	return out, nil
}

func (op *concatOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op *concatOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	out := make(G.Nodes, len(inputs))
	from := 0
	for i, x := range inputs {
		c := x.Shape()[1]
		var err error
		if out[i], err = G.ApplyOp(&channelsOp{opBase: newOpBase("%sGrad%d", op.name, i), from: from, to: from + c}, grad); err != nil {
			return nil, err
		}
		from += c
	}
	return out, nil
}

// channelsOp takes channels [from, to) of maps (B, C, H, W): a Slice
// layer, and the gradient of one input of a Concat.
type channelsOp struct {
	opBase
	from, to int
	out      *tensor.Dense
}

func (op *channelsOp) Arity() int    { return 1 }
func (op *channelsOp) Type() hm.Type { return fnType(4, 4) }
func (op *channelsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.to - op.from, s[2], s[3]}, nil
}

func (op *channelsOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := reuse(&op.out, tensor.Shape{s[0], op.to - op.from, s[2], s[3]})
	y := out.Float32s()
	plane, k := s[2]*s[3], (op.to-op.from)*s[2]*s[3]
	for b := 0; b < s[0]; b++ {
		copy(y[b*k:(b+1)*k], x[(b*s[1]+op.from)*plane:])
	}
	return out, nil
}

func (op *channelsOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff: the gradient of a Slice layer is its output's gradient put
// back at channels [from, to) of zeros.
func (op *channelsOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&unsliceOp{opBase: newOpBase("%sGrad", op.name), from: op.from, c: inputs[0].Shape()[1]}, grad)
	return G.Nodes{dx}, err
}

// Slice returns channels [from, to) of x, named name.
func Slice(name string, from, to int, x *G.Node) (*G.Node, error) {
	return G.ApplyOp(&channelsOp{opBase: newOpBase("Slice(%s)", name), from: from, to: to}, x)
}

// unsliceOp puts maps (B, K, H, W) at channels [from, from+K) of maps of
// c channels that are zeros elsewhere: the gradient of a Slice.
type unsliceOp struct {
	opBase
	from, c int
	out     *tensor.Dense
}

func (op *unsliceOp) Arity() int    { return 1 }
func (op *unsliceOp) Type() hm.Type { return fnType(4, 4) }
func (op *unsliceOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.c, s[2], s[3]}, nil
}

func (op *unsliceOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := reuse(&op.out, tensor.Shape{s[0], op.c, s[2], s[3]})
	y := out.Float32s()
	clear(y) // the buffer is kept from the run before
	plane := s[2] * s[3]
	k := s[1] * plane
	for b := 0; b < s[0]; b++ {
		copy(y[(b*op.c+op.from)*plane:], x[b*k:(b+1)*k])
	}
	return out, nil
}

func (op *unsliceOp) DiffWRT(int) []bool { return []bool{false} }
func (op *unsliceOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// shuffleOp permutes the channels of maps (B, C, H, W) as ShuffleNet's
// channel shuffle: seen as groups rows of C/groups channels, they are
// read column by column, so output channel j·groups + i is input channel
// i·C/groups + j.
type shuffleOp struct {
	opBase
	groups int
	out    *tensor.Dense
}

// Shuffle returns x with its channels shuffled in groups.
func Shuffle(name string, groups int, x *G.Node) (*G.Node, error) {
	return G.ApplyOp(&shuffleOp{opBase: newOpBase("ChannelShuffle(%s)", name), groups: groups}, x)
}

func (op *shuffleOp) Arity() int    { return 1 }
func (op *shuffleOp) Type() hm.Type { return fnType(4, 4) }
func (op *shuffleOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if len(s) != 4 || s[1]%op.groups != 0 {
		return nil, fmt.Errorf("%s: %d groups do not divide the channels of %v", op.name, op.groups, s)
	}
	return s.Clone(), nil
}

func (op *shuffleOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := reuse(&op.out, s)
	y := out.Float32s()
	c, plane := s[1], s[2]*s[3]
	g, m := op.groups, s[1]/op.groups
	for b := 0; b < s[0]; b++ {
		at := b * c * plane
		for i := 0; i < g; i++ {
			for j := 0; j < m; j++ {
				copy(y[at+(j*g+i)*plane:at+(j*g+i+1)*plane], x[at+(i*m+j)*plane:])
			}
		}
	}
	return out, nil
}

func (op *shuffleOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff: the inverse permutation, a shuffle in C/groups groups.
func (op *shuffleOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	c := inputs[0].Shape()[1]
	dx, err := G.ApplyOp(&shuffleOp{opBase: newOpBase("%sGrad", op.name), groups: c / op.groups}, grad)
	return G.Nodes{dx}, err
}

// unaryOp is an activation applied value by value: Clip, Sigmoid,
// HardSigmoid, HardSwish or GELU (the step's kind and constants).
type unaryOp struct {
	opBase
	kind                  string
	min, max, alpha, beta float32
	dims                  int
	out                   *tensor.Dense
}

// Activation kinds of Unary: the engine's layer kinds of the same names.
// Clip bounds each value to [Min, Max]; Sigmoid is 1/(1+exp(-x));
// HardSigmoid is max(0, min(1, Alpha*x + Beta)); HardSwish is
// x*HardSigmoid(x) with Alpha 1/6 and Beta 1/2; GELU is the exact (erf)
// GELU, x·Φ(x).
const (
	Clip        = "clip"
	Sigmoid     = "sigmoid"
	HardSigmoid = "hardsigmoid"
	HardSwish   = "hardswish"
	GELU        = "gelu"
)

// Activation is an activation applied value by value: its Kind (Clip,
// Sigmoid, HardSigmoid, HardSwish or GELU), its layer's name and its
// constants.
type Activation struct {
	Kind, Name            string
	Min, Max, Alpha, Beta float64
}

// Unary returns the activation s on x.
func Unary(s Activation, x *G.Node) (*G.Node, error) {
	op := &unaryOp{opBase: newOpBase("%s(%s)", s.Kind, s.Name), kind: s.Kind, dims: x.Dims(),
		min: float32(s.Min), max: float32(s.Max), alpha: float32(s.Alpha), beta: float32(s.Beta)}
	if s.Kind == HardSwish {
		op.alpha, op.beta = 1.0/6, 0.5
	}
	return G.ApplyOp(op, x)
}

func (op *unaryOp) Arity() int    { return 1 }
func (op *unaryOp) Type() hm.Type { return fnType(op.dims, op.dims) }
func (op *unaryOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

// f returns the activation of x.
func (op *unaryOp) f(x float32) float32 {
	switch op.kind {
	case Clip:
		return min(max(x, op.min), op.max)
	case Sigmoid:
		return float32(1 / (1 + math.Exp(-float64(x))))
	case HardSigmoid:
		return min(max(op.alpha*x+op.beta, 0), 1)
	case GELU:
		return float32(0.5 * float64(x) * (1 + math.Erf(float64(x)/math.Sqrt2)))
	}
	return x * min(max(op.alpha*x+op.beta, 0), 1) // HardSwish
}

// df returns the derivative at x, whose activation is y.
func (op *unaryOp) df(x, y float32) float32 {
	switch op.kind {
	case Clip:
		if x > op.min && x < op.max {
			return 1
		}
		return 0
	case Sigmoid:
		return y * (1 - y)
	case GELU: // Φ(x) + x·φ(x)
		v := float64(x)
		return float32(0.5*(1+math.Erf(v/math.Sqrt2)) + v*math.Exp(-v*v/2)/math.Sqrt(2*math.Pi))
	}
	t := op.alpha*x + op.beta
	if op.kind == HardSigmoid {
		if t > 0 && t < 1 {
			return op.alpha
		}
		return 0
	}
	switch { // HardSwish: x·t when t is in (0, 1)
	case t <= 0:
		return 0
	case t >= 1:
		return 1
	}
	return t + op.alpha*x
}

func (op *unaryOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, in[0].Shape())
	y := out.Float32s()
	if op.kind == Clip {
		sgemm.Clip(y, x, op.min, op.max)
		return out, nil
	}
	for i, v := range x {
		y[i] = op.f(v)
	}
	return out, nil
}

func (op *unaryOp) DiffWRT(int) []bool { return []bool{true} }

func (op *unaryOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&unaryGradOp{opBase: newOpBase("%sGrad", op.name), fwd: op}, inputs[0], output, grad)
	return G.Nodes{dx}, err
}

// unaryGradOp is the gradient of a unaryOp: dy times the derivative.
// Inputs: x, y, dy.
type unaryGradOp struct {
	opBase
	fwd *unaryOp
	out *tensor.Dense
}

func (op *unaryGradOp) Arity() int { return 3 }
func (op *unaryGradOp) Type() hm.Type {
	d := op.fwd.dims
	return fnType(d, d, d, d)
}
func (op *unaryGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

func (op *unaryGradOp) Do(in ...G.Value) (G.Value, error) {
	var v [3][]float32
	for k := range v {
		var err error
		if v[k], err = f32s(op.name, in[k]); err != nil {
			return nil, err
		}
	}
	out := reuse(&op.out, in[0].Shape())
	dx := out.Float32s()
	for i, x := range v[0] {
		dx[i] = v[2][i] * op.fwd.df(x, v[1][i])
	}
	return out, nil
}

func (op *unaryGradOp) DiffWRT(int) []bool { return []bool{false, false, false} }
func (op *unaryGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}
