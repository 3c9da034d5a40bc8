package nn

import (
	"errors"
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// layerNormOp normalises x (B, C, H, W) over its channels at each
// position (or x (B, C) over its units), then scales and shifts each
// channel: y = (x - mean) / sqrt(var + eps) · g[c] + b[c], the
// statistics taken over c. It is a transformer's LayerNorm on tokens laid
// out as maps (ConvNeXt's channels-last LayerNorm, a ViT's tokens as C
// maps of T×1; see LayerNorm in architecture.go).
type layerNormOp struct {
	opBase
	dims int
	eps  float32
	out  *tensor.Dense
}

// LayerNorm returns the LayerNorm of x with scale g and shift b.
func LayerNorm(name string, x, g, b *G.Node, eps float64) (*G.Node, error) {
	op := &layerNormOp{opBase: newOpBase("LayerNorm(%s)", name), dims: x.Dims(), eps: float32(eps)}
	return G.ApplyOp(op, x, g, b)
}

func (op *layerNormOp) Arity() int    { return 3 }
func (op *layerNormOp) Type() hm.Type { return fnType(op.dims, 1, 1, op.dims) }
func (op *layerNormOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
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

// normStats computes, for each image b and position p of x (B, C, P),
// the mean and 1/sqrt(var + eps) over c, in mean and rstd (B·P each).
// The sums run in float64 across channels so that the result does not
// depend on their order.
func normStats(x []float32, b, c, p int, eps float32, mean, rstd []float32) {
	acc := make([]float64, 2*p)
	for i := 0; i < b; i++ {
		s, q := acc[:p], acc[p:]
		clear(acc)
		img := x[i*c*p : (i+1)*c*p]
		for ch := 0; ch < c; ch++ {
			row := img[ch*p : (ch+1)*p]
			for k, v := range row {
				s[k] += float64(v)
			}
		}
		for k := range s {
			s[k] /= float64(c)
		}
		for ch := 0; ch < c; ch++ {
			row := img[ch*p : (ch+1)*p]
			for k, v := range row {
				d := float64(v) - s[k]
				q[k] += d * d
			}
		}
		for k := range s {
			mean[i*p+k] = float32(s[k])
			rstd[i*p+k] = float32(1 / math.Sqrt(q[k]/float64(c)+float64(eps)))
		}
	}
}

// lnDims returns the batch, channels and positions of x's shape.
func lnDims(s tensor.Shape) (b, c, p int) {
	return s[0], s[1], s.TotalSize() / (s[0] * s[1])
}

func (op *layerNormOp) Do(in ...G.Value) (G.Value, error) {
	var v [3][]float32
	for k := range v {
		var err error
		if v[k], err = f32s(op.name, in[k]); err != nil {
			return nil, err
		}
	}
	x, g, bb := v[0], v[1], v[2]
	s := in[0].Shape()
	b, c, p := lnDims(s)
	out := reuse(&op.out, s)
	y := out.Float32s()
	mean, rstd := make([]float32, b*p), make([]float32, b*p)
	normStats(x, b, c, p, op.eps, mean, rstd)
	for i := 0; i < b; i++ {
		m, r := mean[i*p:(i+1)*p], rstd[i*p:(i+1)*p]
		for ch := 0; ch < c; ch++ {
			at := (i*c + ch) * p
			xs, ys := x[at:at+p], y[at:at+p]
			gc, bc := g[ch], bb[ch]
			for k := range xs {
				ys[k] = (xs[k]-m[k])*r[k]*gc + bc
			}
		}
	}
	return out, nil
}

func (op *layerNormOp) DiffWRT(int) []bool { return []bool{true, true, true} }

// SymDiff: dx = rstd·(dx̂ - mean(dx̂) - x̂·mean(dx̂·x̂)) with dx̂ = dy·g, the
// means over c; dg = Σ dy·x̂ and db = Σ dy over images and positions.
func (op *layerNormOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	var ds G.Nodes
	for which := range 3 {
		d, err := G.ApplyOp(&layerNormGradOp{opBase: newOpBase("%sGrad%d", op.name, which), fwd: op, which: which}, inputs[0], inputs[1], grad)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// layerNormGradOp is one gradient of a layerNormOp: with respect to x
// (which 0), g (1) or b (2). Inputs: x, g, dy.
type layerNormGradOp struct {
	opBase
	fwd   *layerNormOp
	which int
	out   *tensor.Dense
}

func (op *layerNormGradOp) Arity() int { return 3 }
func (op *layerNormGradOp) Type() hm.Type {
	d := op.fwd.dims
	if op.which == 0 {
		return fnType(d, 1, d, d)
	}
	return fnType(d, 1, d, 1)
}
func (op *layerNormGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if op.which == 0 {
		return shapeOf(op.name, in[0])
	}
	return shapeOf(op.name, in[1])
}

func (op *layerNormGradOp) Do(in ...G.Value) (G.Value, error) {
	var v [3][]float32
	for k := range v {
		var err error
		if v[k], err = f32s(op.name, in[k]); err != nil {
			return nil, err
		}
	}
	x, g, dy := v[0], v[1], v[2]
	s := in[0].Shape()
	b, c, p := lnDims(s)
	mean, rstd := make([]float32, b*p), make([]float32, b*p)
	normStats(x, b, c, p, op.fwd.eps, mean, rstd)
	if op.which > 0 {
		out := reuse(&op.out, in[1].Shape())
		d := out.Float32s()
		clear(d)
		for i := 0; i < b; i++ {
			m, r := mean[i*p:(i+1)*p], rstd[i*p:(i+1)*p]
			for ch := 0; ch < c; ch++ {
				at := (i*c + ch) * p
				for k := 0; k < p; k++ {
					if op.which == 1 {
						d[ch] += dy[at+k] * (x[at+k] - m[k]) * r[k]
					} else {
						d[ch] += dy[at+k]
					}
				}
			}
		}
		return out, nil
	}
	out := reuse(&op.out, s)
	dx := out.Float32s()
	s1, s2 := make([]float32, p), make([]float32, p) // mean(dx̂), mean(dx̂·x̂)
	for i := 0; i < b; i++ {
		m, r := mean[i*p:(i+1)*p], rstd[i*p:(i+1)*p]
		clear(s1)
		clear(s2)
		for ch := 0; ch < c; ch++ {
			at := (i*c + ch) * p
			for k := 0; k < p; k++ {
				d := dy[at+k] * g[ch]
				s1[k] += d
				s2[k] += d * (x[at+k] - m[k]) * r[k]
			}
		}
		for ch := 0; ch < c; ch++ {
			at := (i*c + ch) * p
			for k := 0; k < p; k++ {
				xh := (x[at+k] - m[k]) * r[k]
				dx[at+k] = r[k] * (dy[at+k]*g[ch] - s1[k]/float32(c) - xh*s2[k]/float32(c))
			}
		}
	}
	return out, nil
}

func (op *layerNormGradOp) DiffWRT(int) []bool { return []bool{false, false, false} }
func (op *layerNormGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("engine: no second derivatives")
}
