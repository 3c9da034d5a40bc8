package importer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// batchMark stands for the batch dimension in folded shape values: it is
// symbolic in a graph exported with a dynamic batch.
const batchMark = math.MinInt32

// attr returns the attribute name of n, or nil.
func attr(n *onnxpb.NodeProto, name string) *onnxpb.AttributeProto {
	for _, a := range n.GetAttribute() {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

func attrInt(n *onnxpb.NodeProto, name string, def int64) int64 {
	if a := attr(n, name); a != nil {
		return a.GetI()
	}
	return def
}

func attrInts(n *onnxpb.NodeProto, name string) []int64 {
	if a := attr(n, name); a != nil {
		return a.GetInts()
	}
	return nil
}

func attrFloat(n *onnxpb.NodeProto, name string, def float32) float32 {
	if a := attr(n, name); a != nil {
		return a.GetF()
	}
	return def
}

func attrString(n *onnxpb.NodeProto, name, def string) string {
	if a := attr(n, name); a != nil {
		return string(a.GetS())
	}
	return def
}

// node reads one node of the chain.
func (r *reader) node(n *onnxpb.NodeProto, i int) error {
	op := n.GetOpType()
	where := fmt.Sprintf("%s node %s", op, nodeName(n, i))
	refuse := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrUnsupported, where, fmt.Sprintf(format, a...))
	}
	if d := n.GetDomain(); d != "" && d != "ai.onnx" {
		return refuse("op of domain %q, which ArtLens does not read; it reads %s", d, Supported)
	}
	if len(n.GetOutput()) == 0 {
		return refuse("the node has no output")
	}
	out := n.GetOutput()[0]

	// Constants and the shape arithmetic of x.view(x.size(0), -1).
	if op == "Constant" {
		c, err := constantNode(n)
		if err != nil {
			return refuse("%v", err)
		}
		r.consts[out] = c
		return nil
	}
	if v, ok := r.vals[firstInput(n)]; op == "Shape" && len(n.GetInput()) == 1 && ok {
		if v.shuffle != 0 {
			return refuse("it reads the shape of the 5-D view of a channel shuffle, which ArtLens does not keep")
		}
		r.value = *v
		r.consts[out] = constant{dims: []int{len(r.shape())}, i: r.shape()}
		return nil
	}
	allConst := true
	var data []string
	for _, in := range n.GetInput() {
		if in == "" {
			continue
		}
		if _, ok := r.consts[in]; !ok {
			allConst = false
			data = append(data, in)
		}
	}
	if allConst {
		c, err := r.fold(n)
		if err != nil {
			return refuse("%v", err)
		}
		r.consts[out] = c
		return nil
	}

	// Layers: inputs of activations made before, the others constants.
	var vals []*value
	for _, in := range data {
		v, ok := r.vals[in]
		if !ok {
			return refuse("it reads %q, which no node before it makes and no initializer holds", in)
		}
		vals = append(vals, v)
	}
	if len(data) > 1 && !joins[op] {
		return refuse("it reads %d tensors of activations; ArtLens joins branches only with Add, Mul and Concat", len(data))
	}
	if n.GetInput()[0] != data[0] && !joins[op] {
		return refuse("its first input %q is a constant, not the activations", n.GetInput()[0])
	}
	r.value = *vals[0]
	if done, err := r.picture(n, op, out, vals, refuse); done || err != nil {
		return err
	}
	if op == "Split" {
		return r.split(n, refuse)
	}
	for _, extra := range n.GetOutput()[1:] {
		if extra != "" && r.uses[extra] > 0 {
			return refuse("its second output %q is used; ArtLens reads only the first", extra)
		}
	}
	for _, v := range vals {
		if v.inputIsT && op != "Transpose" {
			return refuse("the input is channels-last, and this node reads it before it is transposed to channels-first")
		}
		if v.shuffle != 0 && !(op == "Transpose" && !v.shuffled) && !(op == "Reshape" && v.shuffled) {
			return refuse("it reads the 5-D view of a channel shuffle; ArtLens runs a channel shuffle written as Reshape to (batch, groups, channels/groups, height, width), Transpose(0, 2, 1, 3, 4) and Reshape back")
		}
		if v.pad != nil && op != "Conv" && op != "MaxPool" && op != "AveragePool" {
			return refuse("it follows a Pad node; ArtLens merges a Pad only into the convolution or pooling after it")
		}
	}
	if r.lay == nhwc && !perPosition[op] {
		return refuse("it works on channels-last maps; ArtLens reads them only transposed back or flattened")
	}
	if need := minInputs[op]; len(n.GetInput()) < need {
		return refuse("it has %d inputs; a %s has at least %d", len(n.GetInput()), op, need)
	}
	s := &step{n: n, op: op, out: out, data: data, vals: vals, refuse: refuse, biasFor: r.biasFor}
	r.biasFor = -1
	f, ok := ops[op]
	if !ok {
		if notCNN[op] {
			return refuse("op %s belongs to networks that are not convolutional classifiers (transformers, ConvNeXt, recurrent networks); ArtLens reads %s", op, Supported)
		}
		return refuse("unsupported op %s; ArtLens reads %s", op, Supported)
	}
	if err := f(r, s); err != nil {
		return err
	}
	out = s.out
	v := r.value
	r.vals[out] = &v
	return nil
}

// picture follows a transform of the input picture's channels (value.pic:
// Gather of one channel, Unsqueeze, Mul, Add, Sub or Div by one number,
// Concat), as GoogLeNet's transform_input writes it. It reports done when
// n was such a step. A node that reads a whole transform of the picture's
// channels in order folds it into the input's normalisation (the
// picture's value then stands for it); any other use is refused.
func (r *reader) picture(n *onnxpb.NodeProto, op, out string, vals []*value, refuse func(string, ...any) error) (bool, error) {
	keep := func(v value) (bool, error) {
		r.vals[out] = &v
		return true, nil
	}
	if op == "Gather" && len(vals) == 1 && r.src == -1 && r.pic == nil && !r.inputIsT && r.lay == nchw && r.inputAffine == nil {
		idx, ok := r.consts[n.GetInput()[1]].ints()
		if !ok || len(idx) != 1 || len(r.consts[n.GetInput()[1]].dims) != 0 || attrInt(n, "axis", 0) != 1 {
			return true, refuse("it gathers from the picture other than one channel")
		}
		k := int(idx[0])
		if k < 0 {
			k += r.c
		}
		if k < 0 || k >= r.c {
			return true, refuse("channel %d out of range", idx[0])
		}
		v := r.value
		v.pic, v.squeezed, v.c = []chanAffine{{ch: k, a: 1}}, true, 1
		return keep(v)
	}
	isPic := false
	for _, v := range vals {
		isPic = isPic || v.pic != nil
	}
	if !isPic {
		return false, nil
	}
	v := r.value
	switch {
	case op == "Unsqueeze" && r.squeezed:
		axes := attrInts(n, "axes")
		if len(n.GetInput()) > 1 {
			axes, _ = r.consts[n.GetInput()[1]].ints()
		}
		if len(axes) != 1 || axes[0] != 1 {
			return true, refuse("it unsqueezes a channel of the picture along axes %v", axes)
		}
		v.squeezed = false
		return keep(v)
	case (op == "Mul" || op == "Add" || op == "Sub" || op == "Div") && len(vals) == 1 && !r.squeezed:
		var c constant
		for k, in := range n.GetInput() {
			if _, ok := r.consts[in]; ok && (k == 1 || op == "Mul" || op == "Add") {
				c = r.consts[in]
			}
		}
		if c.f == nil || len(c.f) != 1 {
			return true, refuse("it transforms the picture's channels by other than one number")
		}
		v.pic = slices.Clone(v.pic)
		for k := range v.pic {
			switch op {
			case "Mul":
				v.pic[k].a, v.pic[k].b = v.pic[k].a*c.f[0], v.pic[k].b*c.f[0]
			case "Div":
				v.pic[k].a, v.pic[k].b = v.pic[k].a/c.f[0], v.pic[k].b/c.f[0]
			case "Add":
				v.pic[k].b += c.f[0]
			case "Sub":
				v.pic[k].b -= c.f[0]
			}
		}
		return keep(v)
	case op == "Concat" && len(vals) == len(n.GetInput()):
		if axis := attrInt(n, "axis", 1); axis != 1 && axis != -3 {
			return true, refuse("it joins channels of the picture along axis %d", axis)
		}
		v.pic = nil
		for _, w := range vals {
			if w.pic == nil || w.squeezed {
				return true, refuse("it joins a transform of the picture's channels with other activations")
			}
			v.pic = append(v.pic, w.pic...)
		}
		v.c = len(v.pic)
		return keep(v)
	}
	// Another node reads the transform: fold it, if it is whole.
	for _, w := range vals {
		if w.pic == nil {
			continue
		}
		whole := !w.squeezed && len(w.pic) == r.in0.Channels
		for k, t := range w.pic {
			whole = whole && t.ch == k && t.a > 0
		}
		if !whole || (r.inputAffine != nil && !slices.Equal(r.inputAffine, w.pic)) {
			return true, refuse("it reads a transform of the picture's channels that ArtLens cannot fold into the input's normalisation")
		}
		r.inputAffine = w.pic
	}
	for k, w := range vals {
		if w.pic != nil {
			vals[k] = r.vals[r.inputName]
		}
	}
	r.value = *vals[0]
	return false, nil
}

// firstInput returns n's first input, or "".
func firstInput(n *onnxpb.NodeProto) string {
	if len(n.GetInput()) == 0 {
		return ""
	}
	return n.GetInput()[0]
}

// joins are the ops that read several tensors of activations.
var joins = map[string]bool{"Add": true, "Mul": true, "Concat": true}

// perPosition are the ops read on channels-last maps: those that work on
// each position's channels (ConvNeXt's LayerNorm, its Linear layers as
// MatMul, GELU), and the ways back to maps or to a vector.
var perPosition = map[string]bool{"Flatten": true, "Reshape": true, "Transpose": true, "Relu": true, "Identity": true, "Dropout": true,
	"LayerNormalization": true, "ReduceMean": true, "MatMul": true, "Add": true, "Mul": true, "Div": true, "Sub": true, "Gelu": true,
	"Pad": true} // Swin's PatchMerging and window attention start with a Pad (swin.go)

// notCNN are ops of networks ArtLens does not run, named as such.
var notCNN = map[string]bool{"Erf": true, "Attention": true, "MultiHeadAttention": true,
	"LSTM": true, "GRU": true, "RNN": true, "Einsum": true, "Softplus": true}

// join reads an Add or Mul of two tensors of activations, or a Concat of
// several along their channels, as one layer that reads their layers.
func (r *reader) join(n *onnxpb.NodeProto, op string, vals []*value, refuse func(string, ...any) error) error {
	for _, v := range vals {
		if v.lay == nhwc && op != "Concat" && vals[0].lay == nhwc && vals[1].lay == nhwc {
			continue // Swin's residual Adds on channels-last maps
		}
		if v.lay == nhwc || (op == "Concat" && v.lay != nchw) {
			return refuse("it joins channels-last maps or flat vectors; ArtLens joins feature maps, or adds or multiplies flat vectors of one length")
		}
	}
	refs := make([]int, len(vals))
	for k, v := range vals {
		refs[k] = v.src
	}
	if op == "Concat" {
		if axis := attrInt(n, "axis", 1); axis != 1 && axis != -3 {
			return refuse("it joins along axis %d; ArtLens joins feature maps along their channels (axis 1)", axis)
		}
		c := 0
		for _, v := range vals {
			if v.h != vals[0].h || v.w != vals[0].w {
				return refuse("it joins maps of %dx%d and %dx%d", vals[0].w, vals[0].h, v.w, v.h)
			}
			c += v.c
		}
		r.addFrom(engine.Layer{Kind: engine.Concat}, refs)
		r.c = c
		return nil
	}
	a, b := vals[0], vals[1]
	if b.lay == nchw && b.c*b.h*b.w > a.c*a.h*a.w || b.lay == flat && b.n > a.n {
		a, b = b, a
	}
	same := a.lay == b.lay && a.c == b.c && a.h == b.h && a.w == b.w && a.n == b.n
	perChannel := a.lay == nchw && b.lay == nchw && a.c == b.c && b.h == 1 && b.w == 1
	if !same && !perChannel {
		return refuse("it combines tensors of shapes %s and %s; ArtLens combines tensors of one shape, or maps and one value per channel",
			shapeText(vals[0].shapeOf()), shapeText(vals[1].shapeOf()))
	}
	kind := engine.Add
	if op == "Mul" {
		kind = engine.Mul
	}
	r.addFrom(engine.Layer{Kind: kind}, refs)
	r.lay, r.c, r.h, r.w, r.n = a.lay, a.c, a.h, a.w, a.n
	return nil
}

// affine reads an Add, Sub, Mul or Div of the activations by a constant
// (one value, or one per channel or unit) as an affine layer.
func (r *reader) affine(op string, c constant, refuse func(string, ...any) error) error {
	ch := r.c
	if r.lay == flat {
		ch = r.n
	}
	// The constant's shape, without leading ones, must be () or (1), or
	// one value per channel: (C, 1, 1) on maps, (C) on a flat vector.
	dims := c.dims
	for len(dims) > 0 && dims[0] == 1 && size(dims) == size(dims[1:]) && len(dims) > 1 {
		dims = dims[1:]
	}
	perChannel := size(dims) == ch && ((r.lay == nchw && len(dims) == 3 && dims[1] == 1 && dims[2] == 1) || (r.lay != nchw && len(dims) == 1))
	if size(dims) != 1 && !perChannel {
		return refuse("it takes a constant of shape %v; ArtLens reads one value, or one per channel", c.dims)
	}
	scale, shift := make([]float32, ch), make([]float32, ch)
	for i := range scale {
		v := c.f[0]
		if perChannel {
			v = c.f[i]
		}
		scale[i] = 1
		switch op {
		case "Add":
			shift[i] = v
		case "Sub":
			shift[i] = -v
		case "Mul":
			scale[i] = v
		case "Div":
			scale[i] = 1 / v
		}
	}
	if r.lay == flat && r.hwcRows {
		scale, shift = r.chwOrder(scale, 1), r.chwOrder(shift, 1)
	}
	r.add(engine.Layer{Kind: engine.Affine}, scale, shift)
	return nil
}

// minInputs is how many inputs each op must have.
var minInputs = map[string]int{"Conv": 2, "Gemm": 2, "MatMul": 2, "Add": 2, "BatchNormalization": 5, "Reshape": 2}

// add appends a layer that reads the running activation, and its weight
// tensors; the layer's output becomes the running activation.
func (r *reader) add(l engine.Layer, weights ...[]float32) {
	r.addFrom(l, []int{r.src}, weights...)
}

// addFrom appends a layer that reads the layers refs.
func (r *reader) addFrom(l engine.Layer, refs []int, weights ...[]float32) {
	r.layers = append(r.layers, l)
	r.refs = append(r.refs, refs)
	r.from = append(r.from, r.at.GetName())
	r.weights = append(r.weights, weights...)
	r.src = len(r.layers) - 1
}

// shapeOf is shape for a value other than the running one.
func (v value) shapeOf() []int64 {
	r := reader{value: v}
	return r.shape()
}

// shape returns the running activation's shape as ONNX sees it, with
// batchMark for the batch.
func (r *reader) shape() []int64 {
	switch r.lay {
	case nchw:
		return []int64{batchMark, int64(r.c), int64(r.h), int64(r.w)}
	case nhwc:
		return []int64{batchMark, int64(r.h), int64(r.w), int64(r.c)}
	case tokens:
		return []int64{batchMark, int64(r.h), int64(r.c)}
	case ctok:
		return []int64{batchMark, int64(r.c), int64(r.h)}
	}
	return []int64{batchMark, int64(r.n)}
}

// flatten makes the running maps a flat vector; channels-last maps flatten
// in height-width-channel order, which the next dense layer undoes.
func (r *reader) flatten() {
	if r.lay == flat {
		return
	}
	r.hwcRows = r.lay == nhwc
	r.mh, r.mw = r.h, r.w
	r.add(engine.Layer{Kind: engine.Flatten})
	r.n, r.lay = r.c*r.h*r.w, flat
}

// reshape reads a Reshape: ArtLens runs the one to (batch, features), a
// flatten.
func (r *reader) reshape(n *onnxpb.NodeProto, refuse func(string, ...any) error) error {
	if len(n.GetInput()) < 2 {
		// Opset 1-4 kept the shape in an attribute.
		return refuse("it has no shape input")
	}
	target, ok := r.consts[n.GetInput()[1]].ints()
	if !ok {
		return refuse("its shape is not integers")
	}
	total := int64(r.c * r.h * r.w)
	if r.lay == flat {
		total = int64(r.n)
	}
	allowZero := attrInt(n, "allowzero", 0) != 0
	flatTo := func() bool {
		if len(target) != 2 {
			return false
		}
		b, k := target[0], target[1]
		batchOK := b == batchMark || b == 1 || (b == 0 && !allowZero) || (b == -1 && k == total)
		return batchOK && (k == total || (k == -1 && b != -1))
	}
	batchOK := func(b int64) bool { return b == batchMark || b == 1 || (b == 0 && !allowZero) }
	// A channel shuffle (ShuffleNet): maps viewed as (batch, groups,
	// channels/groups, height, width), transposed, and viewed back.
	hw := func(t []int64) bool {
		return (t[len(t)-2] == int64(r.h) || (t[len(t)-2] == 0 && !allowZero)) && (t[len(t)-1] == int64(r.w) || (t[len(t)-1] == 0 && !allowZero))
	}
	if r.shuffled {
		if len(target) != 4 || !batchOK(target[0]) || (target[1] != int64(r.c) && target[1] != -1) || !hw(target) {
			return refuse("it reshapes the transposed view of a channel shuffle to %v; ArtLens reads it only back to (batch, %d, %d, %d)", shapeText(target), r.c, r.h, r.w)
		}
		r.add(engine.Layer{Kind: engine.ChannelShuffle, Groups: r.shuffle})
		r.shuffle, r.shuffled = 0, false
		return nil
	}
	if len(target) == 5 && r.lay == nchw && batchOK(target[0]) && hw(target) && target[1] > 0 &&
		(target[1]*target[2] == int64(r.c) || (target[2] == -1 && int64(r.c)%target[1] == 0)) {
		r.shuffle = int(target[1])
		return nil
	}
	if len(target) == 3 && r.lay == nchw && batchOK(target[0]) && (target[1] == int64(r.c) || target[1] == 0 && !allowZero) &&
		(target[2] == int64(r.h*r.w) || target[2] == -1) {
		// A patch grid flattened: (N, C, H·W), tokens once transposed.
		r.add(engine.Layer{Kind: engine.Tokens})
		r.lay, r.h, r.w = ctok, r.h*r.w, 1
		return nil
	}
	if !flatTo() {
		return refuse("it reshapes to %v; ArtLens reads only a flatten to (batch, %d) and a channel shuffle's views", shapeText(target), total)
	}
	r.flatten()
	return nil
}

// slice reads a Slice of maps along their channels as a Slice layer.
func (r *reader) slice(n *onnxpb.NodeProto, refuse func(string, ...any) error) error {
	if r.lay != nchw {
		return refuse("it slices a flat vector or channels-last maps; ArtLens slices feature maps along their channels")
	}
	var starts, ends, axes, steps []int64
	if r.opset < 10 {
		starts, ends, axes = attrInts(n, "starts"), attrInts(n, "ends"), attrInts(n, "axes")
	} else {
		in := n.GetInput()
		get := func(k int) ([]int64, bool) {
			if len(in) <= k || in[k] == "" {
				return nil, true
			}
			c, ok := r.consts[in[k]]
			if !ok {
				return nil, false
			}
			return c.ints()
		}
		var ok [4]bool
		starts, ok[0] = get(1)
		ends, ok[1] = get(2)
		axes, ok[2] = get(3)
		steps, ok[3] = get(4)
		if ok != [4]bool{true, true, true, true} {
			return refuse("its starts, ends, axes or steps are not constant integers")
		}
	}
	if axes == nil && len(starts) <= 4 {
		axes = []int64{0, 1, 2, 3}[:len(starts)]
	}
	if len(starts) != len(axes) || len(ends) != len(axes) || (steps != nil && len(steps) != len(axes)) {
		return refuse("its starts %v, ends %v and axes %v do not match", starts, ends, axes)
	}
	dims := [4]int64{batchMark, int64(r.c), int64(r.h), int64(r.w)}
	from, to := int64(0), int64(r.c)
	for k, a := range axes {
		if a < 0 {
			a += 4
		}
		if a < 0 || a > 3 {
			return refuse("it slices axis %d of maps", axes[k])
		}
		if steps != nil && steps[k] != 1 {
			return refuse("it slices with step %d; ArtLens takes a range of channels", steps[k])
		}
		clampAt := func(v int64) int64 {
			if v < 0 {
				v += dims[a]
			}
			return min(max(v, 0), dims[a])
		}
		if a != 1 {
			if a > 1 && (clampAt(starts[k]) != 0 || clampAt(ends[k]) != dims[a]) || a == 0 && (starts[k] != 0 || ends[k] < 1) {
				return refuse("it crops axis %d of maps; ArtLens slices feature maps along their channels only", a)
			}
			continue
		}
		from, to = clampAt(starts[k]), clampAt(ends[k])
	}
	if from == 0 && to == int64(r.c) {
		return nil // all channels: nothing taken away
	}
	if to <= from {
		return refuse("it takes no channels ([%d, %d) of %d)", from, to, r.c)
	}
	r.add(engine.Layer{Kind: engine.Slice, Start: int(from), End: int(to)})
	r.c = int(to - from)
	return nil
}

// split reads a Split of maps along their channels as one Slice layer for
// each output that is used.
func (r *reader) split(n *onnxpb.NodeProto, refuse func(string, ...any) error) error {
	if r.lay != nchw {
		return refuse("it splits a flat vector or channels-last maps; ArtLens splits feature maps along their channels")
	}
	if axis := attrInt(n, "axis", 0); axis != 1 && axis != -3 {
		return refuse("it splits along axis %d; ArtLens splits feature maps along their channels (axis 1)", axis)
	}
	outs := n.GetOutput()
	sizes := attrInts(n, "split")
	if len(n.GetInput()) > 1 && n.GetInput()[1] != "" {
		var ok bool
		if sizes, ok = r.consts[n.GetInput()[1]].ints(); !ok {
			return refuse("its sizes are not constant integers")
		}
	}
	if sizes == nil {
		// Equal parts (opset 18's num_outputs: the last may be smaller).
		k := int64(len(outs))
		part := (int64(r.c) + k - 1) / k
		for at := int64(0); at < int64(r.c); at += part {
			sizes = append(sizes, min(part, int64(r.c)-at))
		}
	}
	total := int64(0)
	for _, s := range sizes {
		if s < 0 {
			return refuse("it splits into a negative number of channels %v", sizes)
		}
		total += s
	}
	if len(sizes) != len(outs) || total != int64(r.c) {
		return refuse("it splits %d channels into %v for %d outputs", r.c, sizes, len(outs))
	}
	in := r.value
	from := 0
	for k, out := range outs {
		to := from + int(sizes[k])
		if out != "" && r.uses[out] > 0 {
			if to == from {
				return refuse("its output %q has no channels", out)
			}
			r.value = in
			if from != 0 || to != in.c {
				r.add(engine.Layer{Kind: engine.Slice, Start: from, End: to})
				r.c = to - from
			}
			v := r.value
			r.vals[out] = &v
		}
		from = to
	}
	return nil
}

// shapeText writes a folded shape with "batch" for the batch.
func shapeText(v []int64) string {
	s := make([]string, len(v))
	for i, d := range v {
		if d == batchMark {
			s[i] = "batch"
		} else {
			s[i] = fmt.Sprint(d)
		}
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// window reads the kernel, strides and padding of a conv or pooling node,
// merging a Pad before it. ONNX pads are (top, left, bottom, right) for
// 2-D maps.
func (r *reader) window(n *onnxpb.NodeProto, kernel []int64, refuse func(string, ...any) error) (k, s [2]int, pads [4]int, err error) {
	if len(kernel) != 2 {
		return k, s, pads, refuse("its kernel %v is not 2-D", kernel)
	}
	k = [2]int{int(kernel[0]), int(kernel[1])}
	s = [2]int{1, 1}
	if st := attrInts(n, "strides"); len(st) == 2 {
		s = [2]int{int(st[0]), int(st[1])}
	}
	if d := attrInts(n, "dilations"); len(d) == 2 && (d[0] != 1 || d[1] != 1) {
		return k, s, pads, refuse("it is dilated by %v; ArtLens runs undilated windows", d)
	}
	if p := attrInts(n, "pads"); len(p) == 4 {
		pads = [4]int{int(p[0]), int(p[1]), int(p[2]), int(p[3])}
	}
	switch ap := attrString(n, "auto_pad", "NOTSET"); ap {
	case "NOTSET", "":
	case "VALID":
		pads = [4]int{}
	case "SAME_UPPER", "SAME_LOWER":
		total := func(in, k, s int) int { return max(((in+s-1)/s-1)*s+k-in, 0) }
		th, tw := total(r.h, k[0], s[0]), total(r.w, k[1], s[1])
		pads = [4]int{th / 2, tw / 2, th - th/2, tw - tw/2}
		if ap == "SAME_LOWER" {
			pads = [4]int{th - th/2, tw - tw/2, th / 2, tw / 2}
		}
	default:
		return k, s, pads, refuse("unknown auto_pad %q", ap)
	}
	return k, s, pads, nil
}

// conv reads a Conv node.
func (r *reader) conv(n *onnxpb.NodeProto, refuse func(string, ...any) error) error {
	groups := int(attrInt(n, "group", 1))
	w := r.consts[n.GetInput()[1]]
	if len(w.dims) != 4 || w.f == nil {
		return refuse("its weights have shape %v; ArtLens runs 2-D convolutions", w.dims)
	}
	if groups < 1 || w.dims[1]*groups != r.c || w.dims[0]%groups != 0 {
		return refuse("its weights take %d channels in %d groups but its input has %d", w.dims[1], groups, r.c)
	}
	kernel := attrInts(n, "kernel_shape")
	if kernel == nil {
		kernel = []int64{int64(w.dims[2]), int64(w.dims[3])}
	}
	k, s, pads, err := r.window(n, kernel, refuse)
	if err != nil {
		return err
	}
	if k[0] != w.dims[2] || k[1] != w.dims[3] {
		return refuse("its kernel_shape %v does not match its weights %v", kernel, w.dims)
	}
	if r.pad != nil {
		if r.pad.value != 0 {
			return refuse("the Pad before it pads with %v; a convolution's padding is zeros", r.pad.value)
		}
		for i := range pads {
			pads[i] += r.pad.pads[i]
		}
		r.pad = nil
	}
	l := engine.Layer{Kind: engine.Conv2D, Filters: w.dims[0], Kernel: k[:], Stride: s[:]}
	if groups > 1 {
		l.Groups = groups
	}
	setPads(&l, pads)
	ws := [][]float32{w.f}
	if len(n.GetInput()) > 2 && n.GetInput()[2] != "" {
		b := r.consts[n.GetInput()[2]]
		if len(b.f) != w.dims[0] {
			return refuse("its bias has %d values for %d filters", len(b.f), w.dims[0])
		}
		ws = append(ws, b.f)
	} else {
		l.NoBias = true
	}
	if err := r.out(k, s, pads, false, refuse); err != nil {
		return err
	}
	r.c = w.dims[0]
	r.add(l, ws...)
	return nil
}

// setPads gives l explicit padding when any pad is not zero.
func setPads(l *engine.Layer, pads [4]int) {
	if pads != [4]int{} {
		l.Padding = engine.PaddingExplicit
		l.Pads = pads[:]
	}
}

// out moves the running map size through a window, its size rounded up
// with ceil as PyTorch does (a last window that starts in the bottom or
// right padding is dropped).
func (r *reader) out(k, s [2]int, pads [4]int, ceil bool, refuse func(string, ...any) error) error {
	h, w := r.h+pads[0]+pads[2], r.w+pads[1]+pads[3]
	if h < k[0] || w < k[1] {
		return refuse("its %dx%d window does not fit maps of %dx%d", k[0], k[1], r.h, r.w)
	}
	side := func(n, padded, k, s, p0 int) int {
		if !ceil {
			return (padded-k)/s + 1
		}
		o := (padded-k+s-1)/s + 1
		if (o-1)*s >= n+p0 {
			o--
		}
		return o
	}
	r.h, r.w = side(r.h, h, k[0], s[0], pads[0]), side(r.w, w, k[1], s[1], pads[1])
	return nil
}

// pool reads a MaxPool or an AveragePool.
func (r *reader) pool(n *onnxpb.NodeProto, refuse func(string, ...any) error) error {
	k, s, pads, err := r.window(n, attrInts(n, "kernel_shape"), refuse)
	if err != nil {
		return err
	}
	kind := engine.MaxPool
	countPad := false
	if n.GetOpType() == "AveragePool" {
		kind = engine.AvgPool
		countPad = attrInt(n, "count_include_pad", 0) != 0
	}
	if r.pad != nil {
		p := r.pad
		r.pad = nil
		if p.pads != [4]int{} {
			switch {
			case kind == engine.MaxPool && p.value > -1e38:
				return refuse("the Pad before it pads with %v, which a max pooling could pick; ArtLens pads max pooling with -inf", p.value)
			case kind == engine.AvgPool && p.value != 0:
				return refuse("the Pad before it pads with %v; ArtLens pads average pooling with zeros", p.value)
			case kind == engine.AvgPool && pads != [4]int{} && !countPad:
				return refuse("it mixes a zero Pad with padding it does not count")
			}
			for i := range pads {
				pads[i] += p.pads[i]
			}
			countPad = countPad || kind == engine.AvgPool
		}
	}
	ceil := attrInt(n, "ceil_mode", 0) != 0
	h0, w0 := r.h, r.w
	if err := r.out(k, s, pads, ceil, refuse); err != nil {
		return err
	}
	l := engine.Layer{Kind: kind, Kernel: k[:], Stride: s[:], CountPad: countPad && pads != [4]int{}}
	setPads(&l, pads)
	if ceil && (r.h != (h0+pads[0]+pads[2]-k[0])/s[0]+1 || r.w != (w0+pads[1]+pads[3]-k[1])/s[1]+1) {
		// Only where rounding up adds a window: the file says the
		// same either way otherwise.
		if l.CountPad {
			return refuse("it rounds its output size up (ceil_mode=1) and counts its padding; ArtLens runs that only without counting")
		}
		l.CeilMode = true
	}
	r.add(l)
	return nil
}

// gemm reads a Gemm as a dense layer: Y = alpha A B' + beta C.
func (r *reader) gemm(n *onnxpb.NodeProto, refuse func(string, ...any) error) error {
	if r.lay != flat {
		return refuse("it multiplies feature maps; flatten them first")
	}
	if attrInt(n, "transA", 0) != 0 {
		return refuse("it transposes its input (transA=1)")
	}
	b := r.consts[n.GetInput()[1]]
	if len(b.dims) != 2 || b.f == nil {
		return refuse("its weights have shape %v", b.dims)
	}
	in, units := b.dims[0], b.dims[1]
	w := b.f
	if attrInt(n, "transB", 0) != 0 {
		in, units = units, in
		w = make([]float32, len(b.f))
		for o := 0; o < units; o++ {
			for i := 0; i < in; i++ {
				w[i*units+o] = b.f[o*in+i]
			}
		}
	}
	if in != r.n {
		return refuse("its weights take %d values but its input has %d", in, r.n)
	}
	if alpha := attrFloat(n, "alpha", 1); alpha != 1 {
		for i := range w {
			w[i] *= alpha
		}
	}
	var bias []float32
	if len(n.GetInput()) > 2 && n.GetInput()[2] != "" {
		c := r.consts[n.GetInput()[2]]
		beta := attrFloat(n, "beta", 1)
		bias = make([]float32, units)
		switch size(c.dims) {
		case units:
			copy(bias, c.f)
		case 1:
			for i := range bias {
				bias[i] = c.f[0]
			}
		default:
			return refuse("its bias has shape %v for %d units", c.dims, units)
		}
		for i := range bias {
			bias[i] *= beta
		}
	}
	r.dense(w, units, bias)
	return nil
}

// dense adds a dense layer of kernel w (in, units, row-major), permuting
// its rows when its input was flattened channels-last; with bias nil it
// waits for an Add to give one.
func (r *reader) dense(w []float32, units int, bias []float32) {
	if r.hwcRows {
		w = r.chwOrder(w, units)
		r.hwcRows = false
	}
	l := engine.Layer{Kind: engine.Dense, Units: units}
	if bias == nil {
		l.NoBias = true
		r.add(l, w)
		r.biasFor = len(r.weights) - 1
	} else {
		r.add(l, w, bias)
	}
	r.n = units
}

// chwOrder reorders the rows of a (values, units) row-major matrix from
// the height-width-channel order of a channels-last flatten to ArtLens'
// channel-first one: row (y*W + x)*C + c becomes row (c*H + y)*W + x.
func (r *reader) chwOrder(w []float32, units int) []float32 {
	c, h, wd := r.n/(r.mh*r.mw), r.mh, r.mw
	p := make([]float32, len(w))
	for ch := 0; ch < c; ch++ {
		for y := 0; y < h; y++ {
			for x := 0; x < wd; x++ {
				from := ((y*wd+x)*c + ch) * units
				to := ((ch*h+y)*wd + x) * units
				copy(p[to:to+units], w[from:from+units])
			}
		}
	}
	return p
}

// constantNode reads a Constant node's value.
func constantNode(n *onnxpb.NodeProto) (constant, error) {
	for _, a := range n.GetAttribute() {
		switch a.GetName() {
		case "value":
			return decodeTensor(a.GetT())
		case "value_int":
			return constant{dims: []int{}, i: []int64{a.GetI()}}, nil
		case "value_ints":
			return constant{dims: []int{len(a.GetInts())}, i: a.GetInts()}, nil
		case "value_float":
			return constant{dims: []int{}, f: []float32{a.GetF()}}, nil
		case "value_floats":
			return constant{dims: []int{len(a.GetFloats())}, f: a.GetFloats()}, nil
		}
	}
	return constant{}, fmt.Errorf("the Constant has no value ArtLens reads")
}

// fold computes a node whose inputs are all constants: the shape
// arithmetic PyTorch writes (foldShape, which keeps a dynamic batch as
// batchMark), else any op of evalOps on N-d constants (the masks and
// biases an export builds from shapes and buffers).
func (r *reader) fold(n *onnxpb.NodeProto) (constant, error) {
	in := make([]constant, len(n.GetInput()))
	nd := false
	for k, v := range n.GetInput() {
		if v != "" {
			in[k] = r.consts[v]
			nd = nd || len(in[k].dims) > 1
		}
	}
	switch op := n.GetOpType(); {
	case nd && (op == "Equal" || op == "Where" || op == "Add" || op == "Sub" || op == "Mul" || op == "Div"):
		// Tensors, not shape vectors: broadcast as numpy does.
		return evalNode(n, r.opset, in)
	case op == "Cast" && len(in) == 1 && (in[0].isFloat() || !castsToInt(n)):
		return evalNode(n, r.opset, in)
	}
	c, err := r.foldShape(n)
	if err != nil {
		if c2, err2 := evalNode(n, r.opset, in); err2 == nil {
			return c2, nil
		}
	}
	return c, err
}

// castsToInt says whether a Cast node casts to an integer type (which
// keeps shape values, batchMark included, as they are).
func castsToInt(n *onnxpb.NodeProto) bool {
	switch onnxpb.TensorProto_DataType(attrInt(n, "to", 1)) {
	case onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		return true
	}
	return false
}

// foldShape computes the shape arithmetic PyTorch writes on shape
// vectors and the ViT's class token.
func (r *reader) foldShape(n *onnxpb.NodeProto) (constant, error) {
	in := func(k int) constant { return r.consts[n.GetInput()[k]] }
	axesOf := func() []int64 {
		if a := attrInts(n, "axes"); a != nil {
			return a
		}
		if len(n.GetInput()) > 1 {
			v, _ := in(1).ints()
			return v
		}
		return nil
	}
	switch n.GetOpType() {
	case "Identity", "Cast":
		return in(0), nil
	case "Shape":
		c := constant{dims: []int{len(in(0).dims)}}
		for _, d := range in(0).dims {
			c.i = append(c.i, int64(d))
		}
		return c, nil
	case "Reshape":
		c, target := in(0), in(1)
		t, ok := target.ints()
		if !ok {
			return constant{}, fmt.Errorf("a Reshape to a shape that is not integers")
		}
		dims, free, known := make([]int, len(t)), -1, 1
		for k, d := range t {
			switch {
			case d == -1 && free < 0:
				free = k
				continue
			case d == 0 && k < len(c.dims):
				dims[k] = c.dims[k]
			case d > 0:
				dims[k] = int(d)
			default:
				return constant{}, fmt.Errorf("a Reshape of constants to %v", t)
			}
			known *= dims[k]
		}
		if free >= 0 && known > 0 {
			dims[free] = size(c.dims) / known
		}
		if size(dims) != size(c.dims) {
			return constant{}, fmt.Errorf("a Reshape of %v values to %v", size(c.dims), t)
		}
		c.dims = dims
		return c, nil
	case "ConstantOfShape":
		shape, ok := in(0).ints()
		count := 1
		for _, d := range shape {
			if d < 0 || d > 1<<20 {
				ok = false
			}
			count *= int(max(d, 0))
		}
		if !ok || count > 1<<20 {
			return constant{}, fmt.Errorf("a ConstantOfShape of shape %v", shape)
		}
		c := constant{dims: make([]int, len(shape))}
		for k, d := range shape {
			c.dims[k] = int(d)
		}
		v := constant{dims: []int{1}, f: []float32{0}}
		if a := attr(n, "value"); a != nil {
			var err error
			if v, err = decodeTensor(a.GetT()); err != nil || size(v.dims) != 1 {
				return constant{}, fmt.Errorf("a ConstantOfShape whose value is not one number")
			}
		}
		for range count {
			if v.i != nil {
				c.i = append(c.i, v.i[0])
			} else {
				c.f = append(c.f, v.f[0])
			}
		}
		return c, nil
	case "Equal", "Where":
		// The shape arithmetic of an Expand's target (x.expand(n, -1,
		// -1)): integers, one value or one each.
		var args [][]int64
		for k := range n.GetInput() {
			v, ok := in(k).ints()
			if !ok || len(v) == 0 {
				return constant{}, fmt.Errorf("%s of constants that are not integers", n.GetOpType())
			}
			args = append(args, v)
		}
		out := constant{}
		for k, a := range args {
			if len(a) > len(out.i) {
				out.dims, out.i = in(k).dims, make([]int64, len(a))
			}
		}
		at := func(a []int64, k int) int64 { return a[min(k, len(a)-1)] }
		for k := range out.i {
			if n.GetOpType() == "Equal" {
				if at(args[0], k) == at(args[1], k) {
					out.i[k] = 1
				}
			} else if at(args[0], k) != 0 {
				out.i[k] = at(args[1], k)
			} else {
				out.i[k] = at(args[2], k)
			}
		}
		return out, nil
	case "Expand":
		// A learned token broadcast over the batch (a ViT's class
		// token): the constant stands for its copies.
		if c := in(0); c.f != nil && len(c.dims) > 0 && c.dims[0] == 1 {
			return c, nil
		}
		return constant{}, fmt.Errorf("an Expand of other than one learned token")
	case "Gather":
		data, ok := in(0).ints()
		idx, ok2 := in(1).ints()
		if !ok || !ok2 || len(in(0).dims) != 1 || attrInt(n, "axis", 0) != 0 {
			return constant{}, fmt.Errorf("a Gather that is not an index into a shape")
		}
		out := constant{dims: in(1).dims}
		for _, k := range idx {
			if k < 0 {
				k += int64(len(data))
			}
			if k < 0 || k >= int64(len(data)) {
				return constant{}, fmt.Errorf("index %d out of range", k)
			}
			out.i = append(out.i, data[k])
		}
		return out, nil
	case "Unsqueeze", "Squeeze":
		c := in(0)
		if c.i == nil {
			return constant{}, fmt.Errorf("%s of weights", n.GetOpType())
		}
		dims := append([]int(nil), c.dims...)
		if n.GetOpType() == "Unsqueeze" {
			for _, a := range axesOf() {
				if a < 0 {
					a += int64(len(dims) + 1)
				}
				if a < 0 || int(a) > len(dims) {
					return constant{}, fmt.Errorf("axis %d out of range", a)
				}
				dims = append(dims[:a], append([]int{1}, dims[a:]...)...)
			}
		} else {
			var kept []int
			for _, d := range dims {
				if d != 1 {
					kept = append(kept, d)
				}
			}
			dims = kept
		}
		return constant{dims: dims, i: c.i}, nil
	case "Slice":
		// Keras graphs (tf2onnx) take the batch out of a shape with
		// Slice(shape, [0], [1]) before concatenating it with -1.
		data, ok := in(0).ints()
		if !ok || len(in(0).dims) != 1 {
			return constant{}, fmt.Errorf("a Slice that does not cut a shape")
		}
		var starts, ends, steps []int64
		if r.opset < 10 {
			starts, ends = attrInts(n, "starts"), attrInts(n, "ends")
		} else {
			starts, _ = in(1).ints()
			ends, _ = in(2).ints()
			if len(n.GetInput()) > 4 && n.GetInput()[4] != "" {
				steps, _ = in(4).ints()
			}
		}
		if len(starts) != 1 || len(ends) != 1 || (len(steps) == 1 && steps[0] != 1) {
			return constant{}, fmt.Errorf("a Slice that does not cut a shape")
		}
		clampIdx := func(v int64) int64 {
			if v < 0 {
				v += int64(len(data))
			}
			return min(max(v, 0), int64(len(data)))
		}
		a, b := clampIdx(starts[0]), clampIdx(ends[0])
		b = max(a, b)
		return constant{dims: []int{int(b - a)}, i: append([]int64(nil), data[a:b]...)}, nil
	case "Add", "Sub", "Mul", "Div":
		// The shape arithmetic of torch.chunk and of a channel shuffle
		// (channels // groups): integers, one value or one each. A
		// value made from the batch stays the batch.
		a, ok := in(0).ints()
		b, ok2 := in(1).ints()
		if !ok || !ok2 || len(a) == 0 || len(b) == 0 || (len(a) != len(b) && len(a) != 1 && len(b) != 1) {
			return constant{}, fmt.Errorf("%s of constants that are not integers of one shape", n.GetOpType())
		}
		out := constant{dims: in(0).dims}
		if len(a) < len(b) {
			out.dims = in(1).dims
		}
		for k := range max(len(a), len(b)) {
			x, y := a[min(k, len(a)-1)], b[min(k, len(b)-1)]
			var v int64
			switch {
			case x == batchMark || y == batchMark:
				v = batchMark
			case n.GetOpType() == "Add":
				v = x + y
			case n.GetOpType() == "Sub":
				v = x - y
			case n.GetOpType() == "Mul":
				v = x * y
			case y == 0:
				return constant{}, fmt.Errorf("a division by zero")
			default:
				v = x / y
			}
			out.i = append(out.i, v)
		}
		return out, nil
	case "Concat":
		out := constant{dims: []int{0}}
		for k := range n.GetInput() {
			v, ok := in(k).ints()
			if !ok || len(in(k).dims) > 1 {
				return constant{}, fmt.Errorf("a Concat that does not build a shape")
			}
			out.i = append(out.i, v...)
			out.dims[0] += len(v)
		}
		return out, nil
	}
	return constant{}, fmt.Errorf("op %s on constants, which ArtLens does not compute; it reads %s", n.GetOpType(), Supported)
}
