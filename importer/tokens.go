package importer

import (
	"math"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// A transformer's tokens (N, T, C) are the layout tokens: the engine's C
// maps of T×1 (engine/nn/token_op.go). A patch grid becomes tokens by a
// Reshape to (N, C, H·W) and a Transpose (0, 2, 1); the class token is
// a Concat with a constant, the position embedding an Add of one, the
// class token is taken back by a Gather on axis 1, and PyTorch's
// MultiheadAttention is read whole (attentionPattern).

// opGather reads a Gather of one token (axis 1, one index) as the Token
// layer: a ViT's class token for its classifier.
func opGather(r *reader, s *step) error {
	idx, ok := r.consts[s.in(1)].ints()
	if r.lay != tokens || !ok || len(idx) != 1 || len(r.consts[s.in(1)].dims) != 0 || attrInt(s.n, "axis", 0) != 1 {
		return s.refuse("it gathers %v from %s; ArtLens reads a Gather of one token (axis 1)", idx, shapeText(r.shape()))
	}
	k := idx[0]
	if k < 0 {
		k += int64(r.h)
	}
	if k < 0 || k >= int64(r.h) {
		return s.refuse("token %d out of %d", idx[0], r.h)
	}
	r.add(engine.Layer{Kind: engine.Token, Start: int(k)})
	r.lay, r.n = flat, r.c
	return nil
}

// posEmbed reads an Add of a constant (1, T, C) to tokens as the
// position embedding, its values reordered to the engine's (C, T).
func (r *reader) posEmbed(s *step, c constant) error {
	t, ch := r.h, r.c
	e := make([]float32, ch*t)
	for i := 0; i < t; i++ {
		for k := 0; k < ch; k++ {
			e[k*t+i] = c.f[i*ch+k]
		}
	}
	r.add(engine.Layer{Kind: engine.PosEmbed}, e)
	if n := s.n.GetName(); strings.HasSuffix(n, "/Add") {
		r.from[len(r.from)-1] = strings.TrimSuffix(n, "Add") + "pos_embedding/Add"
	}
	return nil
}

// classToken reads a Concat along the tokens of a learned token (a
// constant (1, 1, C), the Expand of it folded) before the tokens.
func (r *reader) classToken(s *step) error {
	in := s.n.GetInput()
	if len(in) != 2 || in[1] != s.data[0] {
		return s.refuse("it joins tokens with constants other than one token before them")
	}
	if a := attrInt(s.n, "axis", 0); a != 1 && a != -2 {
		return s.refuse("it joins tokens along axis %d; ArtLens puts a class token before the tokens (axis 1)", a)
	}
	c := r.consts[in[0]]
	if c.f == nil || size(c.dims) != r.c {
		return s.refuse("its constant of shape %v is not one token of %d channels", c.dims, r.c)
	}
	r.add(engine.Layer{Kind: engine.ClassToken}, c.f)
	r.h++
	return nil
}

// attentionPattern reads PyTorch's MultiheadAttention (self-attention,
// batch first) as written by its exporter, from the Transpose (1, 0, 2)
// of its input tokens to the value that the residual Add reads: the
// in-projection (MatMul by (C, 3C) and Add), the heads' reshapes, the
// query's scaling (Div by √d or Mul by 1/√d), Q Kᵀ, Softmax on the last
// axis, P V, the heads joined and the out-projection (Gemm, or MatMul
// and Add), back to (N, T, C). It becomes a 1x1 convolution, an
// Attention layer and a 1x1 convolution; the nodes between are skipped.
func (r *reader) attentionPattern(s *step) error {
	refuse := func(why string) error {
		return s.refuse("it starts what ArtLens reads only as PyTorch's multi-head self-attention, but %s", why)
	}
	// The nodes that depend on the Transpose, up to the Add that joins
	// them with activations from before (the residual).
	inD := map[int]bool{}
	var order []int
	queue := []string{s.out}
	end, endNode := "", -1
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, k := range r.readers[v] {
			if inD[k] {
				continue
			}
			n := r.nodes[k]
			if n.GetOpType() == "Add" {
				if o := other(n, v); o != "" {
					if _, ok := r.vals[o]; ok {
						if endNode >= 0 && endNode != k {
							return refuse("its output is read by two joins")
						}
						end, endNode = v, k
						continue
					}
				}
			}
			inD[k] = true
			order = append(order, k)
			queue = append(queue, n.GetOutput()...)
		}
		if len(inD) > 400 {
			return refuse("it does not come back to the tokens within 400 nodes")
		}
	}
	if endNode < 0 {
		return refuse("no residual Add reads its output")
	}
	// In the order of the graph.
	first := map[string]bool{}
	var mats, softmaxes []*onnxpb.NodeProto
	scale := float32(0)
	var inW, inB, outW, outB constant
	outT := false
	for k := range r.nodes {
		if !inD[k] {
			continue
		}
		n := r.nodes[k]
		in := n.GetInput()
		switch n.GetOpType() {
		case "MatMul":
			if c, ok := r.constant(in[1]); ok {
				if inW.f == nil {
					inW = c
				} else {
					outW = c
				}
				first[n.GetOutput()[0]] = true
				continue
			}
			mats = append(mats, n)
		case "Gemm":
			c, ok := r.constant(in[1])
			if !ok || attrInt(n, "transA", 0) != 0 || attrFloat(n, "alpha", 1) != 1 || attrFloat(n, "beta", 1) != 1 {
				return refuse("its out-projection is not a plain Gemm")
			}
			outW, outT = c, attrInt(n, "transB", 0) != 0
			if len(in) > 2 {
				outB, _ = r.constant(in[2])
			}
		case "Add":
			for _, v := range in {
				if !first[v] {
					continue
				}
				if c, ok := r.constant(other(n, v)); ok {
					if outW.f == nil {
						inB = c
					} else {
						outB = c
					}
				}
			}
		case "Softmax":
			softmaxes = append(softmaxes, n)
		}
	}
	// The queries' scaling: a Div or Mul by a constant that Q Kᵀ reads.
	if len(mats) > 0 {
		for _, v := range mats[0].GetInput() {
			k, ok := r.producer[v]
			if !ok || !inD[k] {
				continue
			}
			n := r.nodes[k]
			if n.GetOpType() != "Div" && n.GetOpType() != "Mul" || len(n.GetInput()) != 2 {
				continue
			}
			if c, ok := r.scalar(n.GetInput()[1]); ok {
				scale = c
				if n.GetOpType() == "Div" {
					scale = 1 / c
				}
			}
		}
	}
	ch := r.c
	switch {
	case inW.f == nil || len(inW.dims) != 2 || inW.dims[0] != ch || inW.dims[1] != 3*ch:
		return refuse("its in-projection is not a MatMul by (C, 3C) constants")
	case len(inB.f) != 3*ch:
		return refuse("its in-projection has no bias")
	case outW.f == nil || len(outW.dims) != 2 || outW.dims[0] != ch || outW.dims[1] != ch || len(outB.f) != ch:
		return refuse("its out-projection is not (C, C) with a bias")
	case len(mats) != 2 || len(softmaxes) != 1:
		return refuse("it does not multiply queries by keys, and probabilities by values, once each")
	case !(scale > 0):
		return refuse("its queries are not scaled by a constant")
	}
	ax := attrInt(softmaxes[0], "axis", -1)
	if ax != -1 && ax != 2 {
		return refuse("its Softmax is not over the keys (the last axis)")
	}
	d := float64(1 / (scale * scale))
	heads := int(math.Round(float64(ch) / d))
	if heads < 1 || math.Abs(float64(heads)*d-float64(ch)) > 1e-3*float64(ch) || ch%heads != 0 {
		return refuse("its scaling does not give a whole number of heads")
	}
	// The in-projection (C, 3C) as 3C filters of C channels.
	// The projections are named after the attention's module
	// ("self_attention.in_proj"), the attention after the module itself.
	scope := s.n.GetName()
	if k := strings.LastIndex(scope, "/"); k >= 0 {
		scope = scope[:k+1]
	}
	w := transpose(inW.f, ch, 3*ch)
	r.add(engine.Layer{Kind: engine.Conv2D, Filters: 3 * ch, Kernel: []int{1, 1}}, w, inB.f)
	r.from[len(r.from)-1] = scope + "in_proj/MatMul"
	r.add(engine.Layer{Kind: engine.Attention, Heads: heads, Alpha: float64(scale)})
	ow := outW.f
	if !outT {
		ow = transpose(outW.f, ch, ch)
	}
	r.add(engine.Layer{Kind: engine.Conv2D, Filters: ch, Kernel: []int{1, 1}}, ow, outB.f)
	r.from[len(r.from)-1] = scope + "out_proj/Gemm"
	for k := range inD {
		r.skip[k] = true
	}
	s.out = end
	return nil
}

// transpose returns the (cols, rows) transpose of a row-major (rows, cols)
// matrix.
func transpose(m []float32, rows, cols int) []float32 {
	t := make([]float32, len(m))
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			t[j*rows+i] = m[i*cols+j]
		}
	}
	return t
}
