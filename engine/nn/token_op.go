package nn

import (
	"errors"
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A transformer's tokens (B, T, C) are laid out in the engine as maps of
// C channels of T×1, token t at row t: a LayerNorm over the channels, a
// Linear on each token (a 1x1 convolution), a residual Add and a GELU are
// then the layers of a CNN. The ops here are what tokens add: the patch
// grid read as tokens (Tokens), the class token put first (ClassToken),
// the position embedding (PosEmbed), multi-head attention (Attention) and
// one token taken as the features (Token).

// reshapeOp gives x (B, ...) the shape (B, to...) with the same values in
// the same order: the patch grid (B, C, H, W) read as tokens (B, C, H·W,
// 1). Its gradient is the reshape back.
type reshapeOp struct {
	opBase
	from, to tensor.Shape // without the batch
	out      *tensor.Dense
}

// Tokens returns the maps x (B, C, H, W) as H·W tokens (B, C, H·W, 1),
// row by row.
func Tokens(name string, x *G.Node) (*G.Node, error) {
	s := x.Shape()
	op := &reshapeOp{opBase: newOpBase("Tokens(%s)", name), from: s[1:].Clone(), to: tensor.Shape{s[1], s[2] * s[3], 1}}
	return G.ApplyOp(op, x)
}

func (op *reshapeOp) Arity() int    { return 1 }
func (op *reshapeOp) Type() hm.Type { return fnType(len(op.from)+1, len(op.to)+1) }
func (op *reshapeOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if s[1:].TotalSize() != op.to.TotalSize() {
		return nil, fmt.Errorf("%s: %v cannot be viewed as %v", op.name, s, op.to)
	}
	return append(tensor.Shape{s[0]}, op.to...), nil
}

func (op *reshapeOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, append(tensor.Shape{in[0].Shape()[0]}, op.to...))
	copy(out.Float32s(), x)
	return out, nil
}

func (op *reshapeOp) DiffWRT(int) []bool { return []bool{true} }
func (op *reshapeOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&reshapeOp{opBase: newOpBase("%sGrad", op.name), from: op.to, to: op.from}, grad)
	return G.Nodes{dx}, err
}

// classTokenOp puts a learned token before the tokens of x (B, C, T, 1):
// (B, C, T+1, 1), token 0 being tok (C). Its gradients: dx the tokens
// after the first, dtok the first's summed over the batch.
type classTokenOp struct {
	opBase
	out *tensor.Dense
}

// ClassToken returns x's tokens with the learned token tok first.
func ClassToken(name string, x, tok *G.Node) (*G.Node, error) {
	return G.ApplyOp(&classTokenOp{opBase: newOpBase("ClassToken(%s)", name)}, x, tok)
}

func (op *classTokenOp) Arity() int    { return 2 }
func (op *classTokenOp) Type() hm.Type { return fnType(4, 1, 4) }
func (op *classTokenOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], s[1], s[2] + 1, 1}, nil
}

func (op *classTokenOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	tok, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	b, c, t := s[0], s[1], s[2]
	out := reuse(&op.out, tensor.Shape{b, c, t + 1, 1})
	y := out.Float32s()
	for i := 0; i < b*c; i++ {
		y[i*(t+1)] = tok[i%c]
		copy(y[i*(t+1)+1:(i+1)*(t+1)], x[i*t:(i+1)*t])
	}
	return out, nil
}

func (op *classTokenOp) DiffWRT(int) []bool { return []bool{true, true} }
func (op *classTokenOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&tokenGradOp{opBase: newOpBase("%sGrad", op.name), first: false}, grad)
	if err != nil {
		return nil, err
	}
	dt, err := G.ApplyOp(&tokenGradOp{opBase: newOpBase("%sGradToken", op.name), first: true}, grad)
	return G.Nodes{dx, dt}, err
}

// tokenGradOp splits a classTokenOp's output gradient dy (B, C, T+1, 1):
// with first, the first token's summed over the batch (C); otherwise the
// others (B, C, T, 1).
type tokenGradOp struct {
	opBase
	first bool
	out   *tensor.Dense
}

func (op *tokenGradOp) Arity() int { return 1 }
func (op *tokenGradOp) Type() hm.Type {
	if op.first {
		return fnType(4, 1)
	}
	return fnType(4, 4)
}
func (op *tokenGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if op.first {
		return tensor.Shape{s[1]}, nil
	}
	return tensor.Shape{s[0], s[1], s[2] - 1, 1}, nil
}

func (op *tokenGradOp) Do(in ...G.Value) (G.Value, error) {
	dy, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	b, c, t := s[0], s[1], s[2]-1
	if op.first {
		out := reuse(&op.out, tensor.Shape{c})
		d := out.Float32s()
		clear(d)
		for i := 0; i < b*c; i++ {
			d[i%c] += dy[i*(t+1)]
		}
		return out, nil
	}
	out := reuse(&op.out, tensor.Shape{b, c, t, 1})
	d := out.Float32s()
	for i := 0; i < b*c; i++ {
		copy(d[i*t:(i+1)*t], dy[i*(t+1)+1:(i+1)*(t+1)])
	}
	return out, nil
}

func (op *tokenGradOp) DiffWRT(int) []bool { return []bool{false} }
func (op *tokenGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// posEmbedOp adds e (C, T) to each image of x (B, C, T, 1): the position
// embedding. Its gradients: dx = dy, de the sum of dy over the batch.
type posEmbedOp struct {
	opBase
	out *tensor.Dense
}

// PosEmbed returns x's tokens plus the position embedding e.
func PosEmbed(name string, x, e *G.Node) (*G.Node, error) {
	return G.ApplyOp(&posEmbedOp{opBase: newOpBase("PosEmbed(%s)", name)}, x, e)
}

func (op *posEmbedOp) Arity() int    { return 2 }
func (op *posEmbedOp) Type() hm.Type { return fnType(4, 2, 4) }
func (op *posEmbedOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	e, err := shapeOf(op.name, in[1])
	if err != nil {
		return nil, err
	}
	if e.TotalSize() != s[1:].TotalSize() {
		return nil, fmt.Errorf("%s: an embedding of %v for tokens %v", op.name, e, s)
	}
	return s.Clone(), nil
}

func (op *posEmbedOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	e, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, in[0].Shape())
	y := out.Float32s()
	for i := range y {
		y[i] = x[i] + e[i%len(e)]
	}
	return out, nil
}

func (op *posEmbedOp) DiffWRT(int) []bool { return []bool{true, true} }
func (op *posEmbedOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	de, err := G.ApplyOp(&batchSumOp{opBase: newOpBase("%sGrad", op.name), shape: inputs[1].Shape().Clone()}, grad)
	return G.Nodes{grad, de}, err
}

// batchSumOp sums dy (B, ...) over the batch into shape.
type batchSumOp struct {
	opBase
	shape tensor.Shape
	out   *tensor.Dense
}

func (op *batchSumOp) Arity() int    { return 1 }
func (op *batchSumOp) Type() hm.Type { return fnType(4, len(op.shape)) }
func (op *batchSumOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.shape.Clone(), nil
}

func (op *batchSumOp) Do(in ...G.Value) (G.Value, error) {
	dy, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, op.shape)
	d := out.Float32s()
	clear(d)
	for i, v := range dy {
		d[i%len(d)] += v
	}
	return out, nil
}

func (op *batchSumOp) DiffWRT(int) []bool { return []bool{false} }
func (op *batchSumOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// pickTokenOp takes token k of x (B, C, T, 1) as a flat vector (B, C): a
// ViT's class token after the final norm, the classifier's input. Its
// gradient puts dy back at token k among zeros.
type pickTokenOp struct {
	opBase
	k, t int
	back bool // the gradient: (B, C) to (B, C, T, 1)
	out  *tensor.Dense
}

// PickToken returns token k of x as a flat vector (B, C).
func PickToken(name string, x *G.Node, k int) (*G.Node, error) {
	return G.ApplyOp(&pickTokenOp{opBase: newOpBase("Token%d(%s)", k, name), k: k, t: x.Shape()[2]}, x)
}

func (op *pickTokenOp) Arity() int { return 1 }
func (op *pickTokenOp) Type() hm.Type {
	if op.back {
		return fnType(2, 4)
	}
	return fnType(4, 2)
}
func (op *pickTokenOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if op.back {
		return tensor.Shape{s[0], s[1], op.t, 1}, nil
	}
	return tensor.Shape{s[0], s[1]}, nil
}

func (op *pickTokenOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	bc := s[0] * s[1]
	if op.back {
		out := reuse(&op.out, tensor.Shape{s[0], s[1], op.t, 1})
		d := out.Float32s()
		clear(d)
		for i := 0; i < bc; i++ {
			d[i*op.t+op.k] = x[i]
		}
		return out, nil
	}
	out := reuse(&op.out, tensor.Shape{s[0], s[1]})
	y := out.Float32s()
	for i := 0; i < bc; i++ {
		y[i] = x[i*op.t+op.k]
	}
	return out, nil
}

func (op *pickTokenOp) DiffWRT(int) []bool { return []bool{!op.back} }
func (op *pickTokenOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.back {
		return nil, errors.New("engine: no second derivatives")
	}
	dx, err := G.ApplyOp(&pickTokenOp{opBase: newOpBase("%sGrad", op.name), k: op.k, t: op.t, back: true}, grad)
	return G.Nodes{dx}, err
}

// AttentionOp is multi-head self-attention on tokens whose queries, keys
// and values (the in-projection's output) are the channels of x (B, 3C,
// T, 1), in that order, each head h reading channels [h·d, (h+1)·d) of
// each (d = C/heads, as PyTorch's MultiheadAttention splits them): per
// head P = softmax(Q Kᵀ · scale) over keys, output P V, the heads' outputs
// side by side as the C channels of (B, C, T, 1). The out-projection is
// the 1x1 convolution after it. probs keeps the last run's attention
// (B, heads, T queries, T keys) for the window.
type AttentionOp struct {
	opBase
	heads int
	scale float32
	out   *tensor.Dense
	probs []float32
}

// Attention returns the multi-head self-attention of x (heads heads,
// scores scaled by scale) and its op, whose Probs the window shows.
func Attention(name string, x *G.Node, heads int, scale float32) (*AttentionOp, *G.Node, error) {
	op := &AttentionOp{opBase: newOpBase("Attention(%s)", name), heads: heads, scale: scale}
	y, err := G.ApplyOp(op, x)
	return op, y, err
}

// Probs returns the attention of the op's last run: (B, heads, T
// queries, T keys), the op's own memory (copy what you keep).
func (op *AttentionOp) Probs() []float32 { return op.probs }

func (op *AttentionOp) Arity() int    { return 1 }
func (op *AttentionOp) Type() hm.Type { return fnType(4, 4) }
func (op *AttentionOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if s[1]%(3*op.heads) != 0 {
		return nil, fmt.Errorf("%s: %d channels are not queries, keys and values for %d heads", op.name, s[1], op.heads)
	}
	return tensor.Shape{s[0], s[1] / 3, s[2], s[3]}, nil
}

// probabilities computes P (T×T) of head h of image x (3C×T) into p.
func (op *AttentionOp) probabilities(x []float32, c, t, h int, p []float32, threads int) {
	d := c / op.heads
	q, k := x[h*d*t:(h+1)*d*t], x[(c+h*d)*t:(c+(h+1)*d)*t]
	gemm(true, false, t, t, d, q, k, false, p, threads)
	for i := 0; i < t; i++ {
		row := p[i*t : (i+1)*t]
		m := float32(math.Inf(-1))
		for j := range row {
			row[j] *= op.scale
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

func (op *AttentionOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	b, c, t := s[0], s[1]/3, s[2]
	d := c / op.heads
	out := reuse(&op.out, tensor.Shape{b, c, t, 1})
	y := out.Float32s()
	op.probs = grow(op.probs, b*op.heads*t*t)
	threads := threadsFor(b)
	for i := 0; i < b; i++ {
		img := x[i*3*c*t : (i+1)*3*c*t]
		for h := 0; h < op.heads; h++ {
			p := op.probs[(i*op.heads+h)*t*t : (i*op.heads+h+1)*t*t]
			op.probabilities(img, c, t, h, p, threads)
			v := img[(2*c+h*d)*t : (2*c+(h+1)*d)*t]
			// Oᵀ (d×T) = Vᵀ Pᵀ, written as the head's channels.
			gemm(false, true, d, t, t, v, p, false, y[(i*c+h*d)*t:(i*c+(h+1)*d)*t], threads)
		}
	}
	return out, nil
}

func (op *AttentionOp) DiffWRT(int) []bool { return []bool{true} }
func (op *AttentionOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&attentionGradOp{opBase: newOpBase("%sGrad", op.name), fwd: op}, inputs[0], grad)
	return G.Nodes{dx}, err
}

// attentionGradOp is the gradient of an AttentionOp with respect to its
// queries, keys and values. Inputs: x, dy.
type attentionGradOp struct {
	opBase
	fwd *AttentionOp
	out *tensor.Dense
}

func (op *attentionGradOp) Arity() int    { return 2 }
func (op *attentionGradOp) Type() hm.Type { return fnType(4, 4, 4) }
func (op *attentionGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

// Do: per head, with dO the output's gradient, dV = Pᵀ dO, dP = dO Vᵀ,
// dS = P ⊙ (dP - rowsum(dP ⊙ P)), dQ = scale·dS K, dK = scale·dSᵀ Q (all
// computed transposed, as the channels hold them).
func (op *attentionGradOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	dy, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	f := op.fwd
	s := in[0].Shape()
	b, c, t := s[0], s[1]/3, s[2]
	d := c / f.heads
	out := reuse(&op.out, s)
	dx := out.Float32s()
	p, dp := make([]float32, t*t), make([]float32, t*t)
	threads := threadsFor(b)
	for i := 0; i < b; i++ {
		img, dimg := x[i*3*c*t:(i+1)*3*c*t], dx[i*3*c*t:(i+1)*3*c*t]
		for h := 0; h < f.heads; h++ {
			f.probabilities(img, c, t, h, p, threads)
			q, k, v := img[h*d*t:(h+1)*d*t], img[(c+h*d)*t:(c+(h+1)*d)*t], img[(2*c+h*d)*t:(2*c+(h+1)*d)*t]
			dq, dk, dv := dimg[h*d*t:(h+1)*d*t], dimg[(c+h*d)*t:(c+(h+1)*d)*t], dimg[(2*c+h*d)*t:(2*c+(h+1)*d)*t]
			do := dy[(i*c+h*d)*t : (i*c+(h+1)*d)*t]
			gemm(false, false, d, t, t, do, p, false, dv, threads) // dVᵀ = dOᵀ P
			gemm(true, false, t, t, d, do, v, false, dp, threads)  // dP = dO Vᵀ
			for r := 0; r < t; r++ {
				pr, dr := p[r*t:(r+1)*t], dp[r*t:(r+1)*t]
				sum := float32(0)
				for j := range pr {
					sum += pr[j] * dr[j]
				}
				for j := range pr {
					dr[j] = pr[j] * (dr[j] - sum) * f.scale
				}
			}
			gemm(false, true, d, t, t, k, dp, false, dq, threads)  // dQᵀ = Kᵀ dSᵀ
			gemm(false, false, d, t, t, q, dp, false, dk, threads) // dKᵀ = Qᵀ dS
		}
	}
	return out, nil
}

func (op *attentionGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *attentionGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// tokSliceOp takes tokens [from, to) of x (B, C, T, W) as (B, C, h, w),
// h·w = (to-from)·W: the patch tokens on their grid (a place's maps), or
// the tokens before them. Its gradient puts them back among zeros
// (tokUnsliceOp).
type tokSliceOp struct {
	opBase
	from, to, h, w int
	out            *tensor.Dense
}

func (op *tokSliceOp) Arity() int    { return 1 }
func (op *tokSliceOp) Type() hm.Type { return fnType(4, 4) }
func (op *tokSliceOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	if op.to > s[2] || (op.to-op.from)*s[3] != op.h*op.w {
		return nil, fmt.Errorf("%s: tokens [%d, %d) of %v are not %dx%d", op.name, op.from, op.to, s, op.h, op.w)
	}
	return tensor.Shape{s[0], s[1], op.h, op.w}, nil
}

func (op *tokSliceOp) Do(in ...G.Value) (G.Value, error) {
	x, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	t, n := s[2]*s[3], op.h*op.w
	out := reuse(&op.out, tensor.Shape{s[0], s[1], op.h, op.w})
	y := out.Float32s()
	for i := 0; i < s[0]*s[1]; i++ {
		copy(y[i*n:(i+1)*n], x[i*t+op.from*s[3]:])
	}
	return out, nil
}

func (op *tokSliceOp) DiffWRT(int) []bool { return []bool{true} }
func (op *tokSliceOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	s := inputs[0].Shape()
	dx, err := G.ApplyOp(&tokUnsliceOp{opBase: newOpBase("%sGrad", op.name), from: op.from * s[3], t: s[2], w: s[3]}, grad)
	return G.Nodes{dx}, err
}

// tokUnsliceOp puts dy (B, C, h, w) at values [from, from+h·w) of each
// channel of (B, C, t, w) among zeros.
type tokUnsliceOp struct {
	opBase
	from, t, w int
	out        *tensor.Dense
}

func (op *tokUnsliceOp) Arity() int    { return 1 }
func (op *tokUnsliceOp) Type() hm.Type { return fnType(4, 4) }
func (op *tokUnsliceOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], s[1], op.t, op.w}, nil
}

func (op *tokUnsliceOp) Do(in ...G.Value) (G.Value, error) {
	dy, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	n, t := s[2]*s[3], op.t*op.w
	out := reuse(&op.out, tensor.Shape{s[0], s[1], op.t, op.w})
	d := out.Float32s()
	clear(d)
	for i := 0; i < s[0]*s[1]; i++ {
		copy(d[i*t+op.from:i*t+op.from+n], dy[i*n:(i+1)*n])
	}
	return out, nil
}

func (op *tokUnsliceOp) DiffWRT(int) []bool { return []bool{false} }
func (op *tokUnsliceOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}

// tokJoinOp joins the tokens of its inputs (B, C, ·, ·) in order as (B,
// C, T, 1): the tokens before the grid and the grid, taken apart for a
// place (gridPlace) and put back for the layers after.
type tokJoinOp struct {
	opBase
	arity int
	out   *tensor.Dense
}

func (op *tokJoinOp) Arity() int { return op.arity }
func (op *tokJoinOp) Type() hm.Type {
	d := make([]int, op.arity+1)
	for i := range d {
		d[i] = 4
	}
	return fnType(d...)
}
func (op *tokJoinOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	t := 0
	var s tensor.Shape
	for _, d := range in {
		var err error
		if s, err = shapeOf(op.name, d); err != nil {
			return nil, err
		}
		t += s[2] * s[3]
	}
	return tensor.Shape{s[0], s[1], t, 1}, nil
}

func (op *tokJoinOp) Do(in ...G.Value) (G.Value, error) {
	s, err := op.InferShape(shapesOf(in)...)
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, s)
	y := out.Float32s()
	t := s[2]
	at := 0
	for _, v := range in {
		x, err := f32s(op.name, v)
		if err != nil {
			return nil, err
		}
		vs := v.Shape()
		n := vs[2] * vs[3]
		for i := 0; i < s[0]*s[1]; i++ {
			copy(y[i*t+at:i*t+at+n], x[i*n:(i+1)*n])
		}
		at += n
	}
	return out, nil
}

// shapesOf returns the shapes of values as gorgonia's DimSizers.
func shapesOf(in []G.Value) []G.DimSizer {
	d := make([]G.DimSizer, len(in))
	for i, v := range in {
		d[i] = v.Shape()
	}
	return d
}

func (op *tokJoinOp) DiffWRT(int) []bool {
	d := make([]bool, op.arity)
	for i := range d {
		d[i] = true
	}
	return d
}
func (op *tokJoinOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	var ds G.Nodes
	at := 0
	for _, x := range inputs {
		s := x.Shape()
		n := s[2] * s[3]
		d, err := G.ApplyOp(&tokSliceOp{opBase: newOpBase("%sGrad%d", op.name, len(ds)), from: at, to: at + n, h: s[2], w: s[3]}, grad)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
		at += n
	}
	return ds, nil
}

// GridPlace takes x (B, C, extra + gh·gw, 1), a place on tokens, apart:
// grid is its patch tokens as maps (B, C, gh, gw), the place's
// activations; y is x again, joined from the tokens before the grid and
// grid, so that a gradient with respect to grid is that of the place.
func GridPlace(name string, x *G.Node, extra, gh, gw int) (grid, y *G.Node, err error) {
	t := x.Shape()[2]
	grid, err = G.ApplyOp(&tokSliceOp{opBase: newOpBase("Grid(%s)", name), from: extra, to: t, h: gh, w: gw}, x)
	if err != nil {
		return nil, nil, err
	}
	parts := G.Nodes{grid}
	if extra > 0 {
		e, err := G.ApplyOp(&tokSliceOp{opBase: newOpBase("Extra(%s)", name), from: 0, to: extra, h: extra, w: 1}, x)
		if err != nil {
			return nil, nil, err
		}
		parts = G.Nodes{e, grid}
	}
	y, err = G.ApplyOp(&tokJoinOp{opBase: newOpBase("Join(%s)", name), arity: len(parts)}, parts...)
	return grid, y, err
}
