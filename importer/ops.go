package importer

import (
	"math"
	"slices"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// step is what an op's function gets: the node, its inputs of
// activations (the running value, r.value, is a copy of the first), and
// refuse, which makes an error naming the node.
type step struct {
	n      *onnxpb.NodeProto
	op     string
	out    string   // the node's first output
	data   []string // the names of its inputs of activations
	vals   []*value // their values
	refuse func(string, ...any) error
	// biasFor is where a bias-less MatMul just before waits for its bias
	// (value.biasFor of the input), -1 when none does.
	biasFor int
}

// in returns the node's input k, "" when absent.
func (s *step) in(k int) string {
	if k < len(s.n.GetInput()) {
		return s.n.GetInput()[k]
	}
	return ""
}

// opFunc reads one node of activations into layers, updating r.value, the
// running activation, to the node's output.
type opFunc func(r *reader, s *step) error

// ops is the table of the ONNX ops read on activations, one function per
// op (ops on constants alone are folded by fold): a new op is a function
// and a row.
var ops = map[string]opFunc{
	"Identity":           func(*reader, *step) error { return nil },
	"Relu":               opRelu,
	"Dropout":            opDropout,
	"Conv":               opConv,
	"MaxPool":            opPool,
	"AveragePool":        opPool,
	"Pad":                opPadMaps,
	"GlobalAveragePool":  opGlobalAveragePool,
	"BatchNormalization": opBatchNormalization,
	"Flatten":            opFlatten,
	"Reshape":            func(r *reader, s *step) error { return r.reshape(s.n, s.refuse) },
	"Transpose":          opTranspose,
	"Slice":              func(r *reader, s *step) error { return r.slice(s.n, s.refuse) },
	"Gemm":               func(r *reader, s *step) error { return r.gemm(s.n, s.refuse) },
	"MatMul":             opMatMul,
	"Add":                opArith,
	"Mul":                opArith,
	"Sub":                opArith,
	"Div":                opDiv,
	"Concat":             opConcat,
	"Clip":               opClip,
	"Sigmoid":            func(r *reader, _ *step) error { r.add(engine.Layer{Kind: engine.Sigmoid}); return nil },
	"HardSigmoid":        opHardSigmoid,
	"HardSwish":          func(r *reader, _ *step) error { r.add(engine.Layer{Kind: engine.HardSwish}); return nil },
	"ReduceMean":         opReduceMean,
	"Softmax":            opSoftmax,
	"LogSoftmax":         opSoftmax,
	"LayerNormalization": opLayerNormalization,
	"Gelu":               opGelu,
	"Gather":             opGather,
}

// maps refuses a node that needs feature maps when the running value is
// not.
func (r *reader) maps(s *step) error {
	if r.lay != nchw {
		return s.refuse("it needs feature maps but its input is a flat vector")
	}
	return nil
}

func opRelu(r *reader, _ *step) error {
	r.add(engine.Layer{Kind: engine.ReLU})
	return nil
}

func opDropout(r *reader, s *step) error {
	rate := attrFloat(s.n, "ratio", 0.5)
	if in := s.in(1); in != "" {
		c := r.consts[in]
		if len(c.f) != 1 {
			return s.refuse("its ratio is not one number")
		}
		rate = c.f[0]
	}
	if in := s.in(2); in != "" {
		if c, ok := r.consts[in].ints(); !ok || len(c) != 1 || c[0] != 0 {
			return s.refuse("it is in training mode")
		}
	}
	if rate < 0 || rate >= 1 {
		return s.refuse("its ratio %v is outside [0, 1)", rate)
	}
	r.add(engine.Layer{Kind: engine.Dropout, Rate: math.Round(float64(rate)*1e6) / 1e6})
	return nil
}

func opConv(r *reader, s *step) error {
	if err := r.maps(s); err != nil {
		return err
	}
	return r.conv(s.n, s.refuse)
}

func opPool(r *reader, s *step) error {
	if err := r.maps(s); err != nil {
		return err
	}
	return r.pool(s.n, s.refuse)
}

// opPad keeps a Pad of the height and width for the convolution or
// pooling after it.
func opPad(r *reader, s *step) error {
	if err := r.maps(s); err != nil {
		return err
	}
	n := s.n
	if m := attrString(n, "mode", "constant"); m != "constant" {
		return s.refuse("it pads in %q mode; ArtLens pads with a constant", m)
	}
	var pads []int64
	var value float32
	if r.opset < 11 {
		pads, value = attrInts(n, "pads"), attrFloat(n, "value", 0)
	} else {
		if s.in(1) == "" {
			return s.refuse("it has no pads input")
		}
		pads, _ = r.consts[s.in(1)].ints()
		if in := s.in(2); in != "" {
			if v := r.consts[in].f; len(v) == 1 {
				value = v[0]
			}
		}
		if s.in(3) != "" {
			return s.refuse("it pads chosen axes; ArtLens reads a Pad of all four axes")
		}
	}
	if len(pads) != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 {
		return s.refuse("it pads %v; ArtLens reads a Pad of the height and width only", pads)
	}
	for _, p := range pads {
		if p < 0 {
			return s.refuse("it crops (negative pads %v)", pads)
		}
	}
	if p := [4]int{int(pads[2]), int(pads[3]), int(pads[6]), int(pads[7])}; p != [4]int{} {
		r.pad = &pending{node: n, pads: p, value: value}
	}
	return nil
}

func opGlobalAveragePool(r *reader, s *step) error {
	if err := r.maps(s); err != nil {
		return err
	}
	r.add(engine.Layer{Kind: engine.GlobalAvgPool})
	r.h, r.w = 1, 1
	return nil
}

func opBatchNormalization(r *reader, s *step) error {
	n := s.n
	c := r.c
	if r.lay == flat {
		c = r.n // after a dense layer (BatchNorm1d): one statistic per unit
	}
	if attrInt(n, "training_mode", 0) != 0 {
		return s.refuse("it is in training mode")
	}
	if len(n.GetInput()) != 5 {
		return s.refuse("it has %d inputs, want 5", len(n.GetInput()))
	}
	var ws [][]float32
	for k, in := range n.GetInput()[1:] {
		v := r.consts[in].f
		if len(v) != c {
			return s.refuse("its %s has %d values for %d channels", []string{"scale", "bias", "mean", "variance"}[k], len(v), c)
		}
		if r.lay == flat && r.hwcRows {
			v = r.chwOrder(v, 1)
		}
		ws = append(ws, v)
	}
	eps := math.Round(float64(attrFloat(n, "epsilon", 1e-5))*1e9) / 1e9
	r.add(engine.Layer{Kind: engine.BatchNorm, Epsilon: eps}, ws...)
	return nil
}

func opFlatten(r *reader, s *step) error {
	axis := attrInt(s.n, "axis", 1)
	if axis < 0 {
		axis += int64(len(r.shape()))
	}
	if axis != 1 {
		return s.refuse("it flattens from axis %d; ArtLens flattens each picture (axis 1)", axis)
	}
	r.flatten()
	return nil
}

func opTranspose(r *reader, s *step) error {
	p := attrInts(s.n, "perm")
	is := func(a, b, c, d int64) bool { return len(p) == 4 && p[0] == a && p[1] == b && p[2] == c && p[3] == d }
	switch {
	case r.inputIsT && is(0, 3, 1, 2):
		r.inputIsT = false
	case r.lay == nchw && is(0, 2, 3, 1):
		r.lay = nhwc
	case r.lay == nhwc && is(0, 3, 1, 2):
		r.lay = nchw
	case r.shuffle != 0 && !r.shuffled && slices.Equal(p, []int64{0, 2, 1, 3, 4}):
		r.shuffled = true
	case r.lay == ctok && slices.Equal(p, []int64{0, 2, 1}):
		r.lay = tokens
	case r.lay == tokens && slices.Equal(p, []int64{0, 2, 1}):
		r.lay = ctok
	case r.lay == tokens && slices.Equal(p, []int64{1, 0, 2}):
		return r.attentionPattern(s)
	default:
		return s.refuse("it permutes the axes by %v; ArtLens reads only the transposes between channels-first and channels-last maps", p)
	}
	return nil
}

func opMatMul(r *reader, s *step) error {
	if r.lay == nhwc || r.lay == tokens {
		return r.pointwise(s)
	}
	if r.lay != flat {
		return s.refuse("it multiplies feature maps; ArtLens reads a MatMul only as a dense layer on a flat vector")
	}
	b := r.consts[s.in(1)]
	if len(b.dims) != 2 || b.dims[0] != r.n || b.f == nil {
		return s.refuse("its weights have shape %v, want (%d, units)", b.dims, r.n)
	}
	r.dense(b.f, b.dims[1], nil)
	if r.uses[s.out] > 1 {
		r.biasFor = -1 // read elsewhere too: no bias to take in
	}
	return nil
}

// opArith reads an Add, Mul, Sub or Div: a join of two tensors of
// activations, a dense layer's bias, or an affine layer by a constant.
func opArith(r *reader, s *step) error {
	op, n := s.op, s.n
	if len(s.vals) == 2 {
		if op == "Sub" || op == "Div" {
			return s.refuse("it subtracts or divides two tensors of activations; ArtLens joins branches with Add, Mul and Concat")
		}
		return r.join(n, op, s.vals, s.refuse)
	}
	var c constant
	for _, in := range n.GetInput() {
		if in != s.data[0] {
			c = r.consts[in]
		}
	}
	if c.f == nil {
		return s.refuse("its constant is not of floats")
	}
	last := len(r.layers) - 1
	if op == "Add" && s.biasFor >= 0 && r.src == last && r.layers[last].Kind == engine.Conv2D && size(c.dims) == r.c {
		r.layers[last].NoBias = false // a Linear on channels-last maps
		r.weights = append(r.weights, c.f)
		return nil
	}
	if op == "Add" && s.biasFor >= 0 && r.src == last && r.layers[last].Kind == engine.Dense && size(c.dims) == r.n {
		r.layers[last].NoBias = false
		r.weights = append(r.weights, c.f)
		return nil
	}
	if op == "Add" && r.lay == tokens && size(c.dims) == r.c*r.h && r.h > 1 {
		return r.posEmbed(s, c)
	}
	if n.GetInput()[0] != s.data[0] && (op == "Sub" || op == "Div") {
		return s.refuse("it subtracts or divides by the activations; ArtLens reads a Sub or Div by a constant")
	}
	return r.affine(op, c, s.refuse)
}

func opConcat(r *reader, s *step) error {
	if len(s.vals) == 1 && len(s.n.GetInput()) == 1 {
		return nil // one tensor: nothing joined
	}
	if len(s.vals) == 1 && r.lay == tokens {
		return r.classToken(s)
	}
	if len(s.vals) != len(s.n.GetInput()) {
		return s.refuse("it joins activations with constants")
	}
	return r.join(s.n, s.op, s.vals, s.refuse)
}

func opClip(r *reader, s *step) error {
	n := s.n
	lo, hi := float32(-math.MaxFloat32), float32(math.MaxFloat32)
	if r.opset < 11 {
		lo, hi = attrFloat(n, "min", lo), attrFloat(n, "max", hi)
	} else {
		for k, bound := range []*float32{&lo, &hi} {
			if in := s.in(k + 1); in != "" {
				v := r.consts[in].f
				if len(v) != 1 {
					return s.refuse("its bounds are not constant numbers")
				}
				*bound = v[0]
			}
		}
	}
	if lo == 0 && hi == math.MaxFloat32 {
		r.add(engine.Layer{Kind: engine.ReLU})
		return nil
	}
	r.add(engine.Layer{Kind: engine.Clip, Min: float64(lo), Max: float64(hi)})
	return nil
}

func opHardSigmoid(r *reader, s *step) error {
	r.add(engine.Layer{Kind: engine.HardSigmoid, Alpha: float64(attrFloat(s.n, "alpha", 0.2)), Beta: float64(attrFloat(s.n, "beta", 0.5))})
	return nil
}

// opReduceMean reads a mean over the height and width as a global average
// pooling.
func opReduceMean(r *reader, s *step) error {
	axes := attrInts(s.n, "axes")
	if in := s.in(1); in != "" {
		axes, _ = r.consts[in].ints() // opset 18
	}
	if len(axes) == 1 && (axes[0] == -1 || axes[0] == int64(len(r.shape())-1)) {
		return r.splitLayerNorm(s)
	}
	if err := r.maps(s); err != nil {
		return err
	}
	spatial := len(axes) == 2
	for _, a := range axes {
		spatial = spatial && (a == 2 || a == 3 || a == -1 || a == -2)
	}
	if !spatial || axes[0] == axes[1] || axes[0]-axes[1] == 4 || axes[1]-axes[0] == 4 {
		return s.refuse("it averages over axes %v; ArtLens reads a mean over the height and width (a global average pooling)", axes)
	}
	r.add(engine.Layer{Kind: engine.GlobalAvgPool})
	r.h, r.w = 1, 1
	if attrInt(s.n, "keepdims", 1) == 0 {
		r.flatten()
	}
	return nil
}

// opSoftmax reads a final Softmax; a final LogSoftmax (PyTorch's
// F.log_softmax, for NLLLoss) ranks the classes as a softmax does, and
// ArtLens shows probabilities.
func opSoftmax(r *reader, s *step) error {
	axis := attrInt(s.n, "axis", map[bool]int64{true: -1, false: 1}[r.opset >= 13])
	if r.lay != flat || (axis != 1 && axis != -1) {
		return s.refuse("it is not a softmax over the class scores")
	}
	r.add(engine.Layer{Kind: engine.Softmax})
	return nil
}
