package importer

import (
	"math"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// The layers that PyTorch's exporter writes op by op: a LayerNorm below
// opset 17 (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, then Mul
// and Add by its weight and bias) and the exact GELU (Div by √2, Erf, Add
// 1, Mul by the input, Mul by 0.5). Each is read from its first node as
// one engine layer, and its other nodes are skipped.

// reader1 returns the one node that reads value v and its index, or nil
// when none or several do.
func (r *reader) reader1(v string) (*onnxpb.NodeProto, int) {
	if len(r.readers[v]) != 1 || r.skip[r.readers[v][0]] {
		return nil, -1
	}
	k := r.readers[v][0]
	return r.nodes[k], k
}

// other returns n's input that is not v (n has two inputs, one v), or "".
func other(n *onnxpb.NodeProto, v string) string {
	in := n.GetInput()
	if len(in) != 2 {
		return ""
	}
	switch v {
	case in[0]:
		return in[1]
	case in[1]:
		return in[0]
	}
	return ""
}

// constant returns the constant v: an initializer, a value folded
// already, or a Constant node after the node at hand (a pattern reads
// ahead of the walk).
func (r *reader) constant(v string) (constant, bool) {
	if c, ok := r.consts[v]; ok {
		return c, true
	}
	k, ok := r.producer[v]
	if !ok || r.nodes[k].GetOpType() != "Constant" {
		return constant{}, false
	}
	c, err := constantNode(r.nodes[k])
	if err != nil {
		return constant{}, false
	}
	return c, true
}

// scalar returns the one number of constant v.
func (r *reader) scalar(v string) (float32, bool) {
	c, ok := r.constant(v)
	if !ok || len(c.f) != 1 {
		if ok && len(c.i) == 1 {
			return float32(c.i[0]), true
		}
		return 0, false
	}
	return c.f[0], true
}

// near says whether a is b within float32 rounding.
func near(a float32, b float64) bool { return math.Abs(float64(a)-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// opDiv reads a Div: the start of an exact GELU, or arithmetic.
func opDiv(r *reader, s *step) error {
	if ok := r.geluPattern(s); ok {
		return nil
	}
	return opArith(r, s)
}

// geluPattern reads x/√2, Erf, +1, ·x, ·0.5 from the Div as one GELU
// layer; it reports false (nothing read) when the nodes differ.
func (r *reader) geluPattern(s *step) bool {
	x := s.data[0]
	if s.n.GetInput()[0] != x || len(s.vals) != 1 {
		return false
	}
	if c, ok := r.scalar(s.in(1)); !ok || !near(c, math.Sqrt2) {
		return false
	}
	erf, ke := r.reader1(s.out)
	if erf == nil || erf.GetOpType() != "Erf" || len(erf.GetOutput()) != 1 {
		return false
	}
	add, ka := r.reader1(erf.GetOutput()[0])
	if add == nil || add.GetOpType() != "Add" {
		return false
	}
	if c, ok := r.scalar(other(add, erf.GetOutput()[0])); !ok || c != 1 {
		return false
	}
	mul, km := r.reader1(add.GetOutput()[0])
	if mul == nil || mul.GetOpType() != "Mul" || other(mul, add.GetOutput()[0]) != x {
		return false
	}
	half, kh := r.reader1(mul.GetOutput()[0])
	if half == nil || half.GetOpType() != "Mul" {
		return false
	}
	if c, ok := r.scalar(other(half, mul.GetOutput()[0])); !ok || c != 0.5 {
		return false
	}
	for _, k := range []int{ke, ka, km, kh} {
		r.skip[k] = true
	}
	r.add(engine.Layer{Kind: engine.GELU})
	s.out = half.GetOutput()[0]
	return true
}

// opGelu reads the Gelu op (opset 20) in its exact form.
func opGelu(r *reader, s *step) error {
	if a := attrString(s.n, "approximate", "none"); a != "none" {
		return s.refuse("it approximates GELU by %q; ArtLens runs the exact GELU", a)
	}
	r.add(engine.Layer{Kind: engine.GELU})
	return nil
}

// lnAxisOK says whether a LayerNorm over axis (ONNX's) is over the
// channels of the running value: channels-last maps, or a flat vector.
func (r *reader) lnAxisOK(axis int64) bool {
	rank := int64(len(r.shape()))
	if axis < 0 {
		axis += rank
	}
	return axis == rank-1 && (r.lay == nhwc || r.lay == flat || r.lay == tokens)
}

// layerNorm adds a LayerNorm layer with the scale and bias of constants
// gName and bName ("" for none).
func (r *reader) layerNorm(s *step, gName, bName string, eps float32) error {
	ch := r.c
	if r.lay == flat {
		ch = r.n
	}
	g, b := make([]float32, ch), make([]float32, ch)
	for i := range g {
		g[i] = 1
	}
	for k, name := range []string{gName, bName} {
		if name == "" {
			continue
		}
		c, ok := r.constant(name)
		if !ok || len(c.f) != ch && len(c.f) != 1 {
			return s.refuse("its %s is not %d numbers", []string{"scale", "bias"}[k], ch)
		}
		to := [][]float32{g, b}[k]
		for i := range to {
			to[i] = c.f[min(i, len(c.f)-1)]
		}
	}
	e := math.Round(float64(eps)*1e12) / 1e12
	r.add(engine.Layer{Kind: engine.LayerNorm, Epsilon: e}, g, b)
	return nil
}

// opLayerNormalization reads the LayerNormalization op (opset 17) over
// the channels.
func opLayerNormalization(r *reader, s *step) error {
	if !r.lnAxisOK(attrInt(s.n, "axis", -1)) {
		return s.refuse("it normalises from axis %d of %s; ArtLens normalises the channels of each position", attrInt(s.n, "axis", -1), shapeText(r.shape()))
	}
	for _, extra := range s.n.GetOutput()[1:] {
		if extra != "" && r.uses[extra] > 0 {
			return s.refuse("its mean or deviation output %q is used", extra)
		}
	}
	return r.layerNorm(s, s.in(1), s.in(2), attrFloat(s.n, "epsilon", 1e-5))
}

// splitLayerNorm reads a LayerNorm written op by op from its first
// ReduceMean over the last axis.
func (r *reader) splitLayerNorm(s *step) error {
	refuse := func() error {
		return s.refuse("it averages over the last axis, which ArtLens reads only as the start of a LayerNorm (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div) over the channels")
	}
	if !r.lnAxisOK(-1) || attrInt(s.n, "keepdims", 1) == 0 {
		return refuse()
	}
	x := s.data[0]
	sub, k1 := r.reader1(s.out)
	if sub == nil || sub.GetOpType() != "Sub" || len(sub.GetInput()) != 2 || sub.GetInput()[0] != x || sub.GetInput()[1] != s.out {
		return refuse()
	}
	d := sub.GetOutput()[0]
	if len(r.readers[d]) != 2 {
		return refuse()
	}
	var pow, div *onnxpb.NodeProto
	var k2, k7 int
	for _, k := range r.readers[d] {
		switch n := r.nodes[k]; n.GetOpType() {
		case "Pow":
			pow, k2 = n, k
		case "Div":
			div, k7 = n, k
		}
	}
	if pow == nil || div == nil || pow.GetInput()[0] != d || div.GetInput()[0] != d {
		return refuse()
	}
	if c, ok := r.scalar(pow.GetInput()[1]); !ok || c != 2 {
		return refuse()
	}
	mean2, k3 := r.reader1(pow.GetOutput()[0])
	if mean2 == nil || mean2.GetOpType() != "ReduceMean" {
		return refuse()
	}
	axes := attrInts(mean2, "axes")
	if len(mean2.GetInput()) > 1 && mean2.GetInput()[1] != "" {
		c, _ := r.constant(mean2.GetInput()[1])
		axes, _ = c.ints()
	}
	if len(axes) != 1 || !r.lnAxisOK(axes[0]) {
		return refuse()
	}
	addEps, k4 := r.reader1(mean2.GetOutput()[0])
	if addEps == nil || addEps.GetOpType() != "Add" {
		return refuse()
	}
	eps, ok := r.scalar(other(addEps, mean2.GetOutput()[0]))
	if !ok {
		return refuse()
	}
	sqrt, k5 := r.reader1(addEps.GetOutput()[0])
	if sqrt == nil || sqrt.GetOpType() != "Sqrt" || len(div.GetInput()) != 2 || div.GetInput()[1] != sqrt.GetOutput()[0] {
		return refuse()
	}
	if r.uses[sqrt.GetOutput()[0]] != 1 {
		return refuse()
	}
	for _, k := range []int{k1, k2, k3, k4, k5, k7} {
		r.skip[k] = true
	}
	out := div.GetOutput()[0]
	// The weight and bias, when a Mul and an Add by constants alone
	// follow.
	var gName, bName string
	if mul, k := r.reader1(out); mul != nil && mul.GetOpType() == "Mul" {
		if c := other(mul, out); c != "" {
			if _, isConst := r.constant(c); isConst {
				gName, out = c, mul.GetOutput()[0]
				r.skip[k] = true
			}
		}
	}
	if add, k := r.reader1(out); add != nil && add.GetOpType() == "Add" {
		if c := other(add, out); c != "" {
			if _, isConst := r.constant(c); isConst {
				bName, out = c, add.GetOutput()[0]
				r.skip[k] = true
			}
		}
	}
	s.out = out
	return r.layerNorm(s, gName, bName, eps)
}

// pointwise reads a MatMul of channels-last maps by a constant (C, U)
// matrix (a Linear layer on each position: ConvNeXt's) as a 1x1
// convolution; an Add of a bias may follow (opArith).
func (r *reader) pointwise(s *step) error {
	b := r.consts[s.in(1)]
	if len(b.dims) != 2 || b.dims[0] != r.c || b.f == nil {
		return s.refuse("its weights have shape %v, want (%d, units)", b.dims, r.c)
	}
	c, u := b.dims[0], b.dims[1]
	w := make([]float32, len(b.f))
	for i := 0; i < c; i++ {
		for o := 0; o < u; o++ {
			w[o*c+i] = b.f[i*u+o]
		}
	}
	r.add(engine.Layer{Kind: engine.Conv2D, Filters: u, Kernel: []int{1, 1}, NoBias: true}, w)
	r.c = u
	if r.uses[s.out] == 1 {
		r.biasFor = len(r.weights) - 1
	}
	return nil
}
