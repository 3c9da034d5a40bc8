package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// ErrUnsupported is wrapped by every refusal of a graph that is valid ONNX
// but not a network ArtLens runs (an op outside its set, a branch, a
// second input...).
var ErrUnsupported = errors.New("unsupported model")

// refusedOps are ops that no network ArtLens runs has, and what they
// belong to.
var refusedOps = map[string]string{"LSTM": "recurrent networks", "GRU": "recurrent networks", "RNN": "recurrent networks",
	"Scan": "recurrent networks", "Loop": "recurrent networks",
	"Einsum": "attention written as an Einstein summation (MaxViT's relative position attention)"}

// ErrNotONNX is wrapped by the errors about files that are not readable
// ONNX models (damaged, truncated, another format).
var ErrNotONNX = errors.New("not an ONNX model")

// Supported lists the ONNX ops that Import reads, for messages and help.
const Supported = "Conv (grouped too), Relu, Clip, Sigmoid, HardSigmoid, HardSwish, MaxPool, AveragePool, GlobalAveragePool, " +
	"ReduceMean (spatial), BatchNormalization, Gemm, MatMul+Add, Add and Mul (of branches, or by constants), Sub and Div by constants, " +
	"Concat, Slice and Split (channels), Flatten, Reshape, Transpose (channels-last), a channel shuffle (Reshape, Transpose, Reshape), Pad, Dropout, Softmax or LogSoftmax (last), Identity, " +
	"LayerNormalization and its op-by-op form (ReduceMean, Sub, Pow, Sqrt, Div), GELU (Erf or Gelu), MatMul on channels-last maps or tokens, " +
	"a ViT's tokens (Reshape and Transpose of the patch grid, class token Concat, position embedding Add, Gather of a token) and PyTorch's MultiheadAttention, " +
	"a Swin's shifted-window attention and PatchMerging (torchvision's, read whole), " +
	"and the shape arithmetic and masks on constants Shape, Gather, Slice, Unsqueeze, Squeeze, Concat, Cast, Constant, Add, Sub, Mul, Div, Mod, Pow, Sqrt, Neg, " +
	"Expand, ConstantOfShape, Equal, Not, Where, Range, ScatterND, Transpose, Pad, MatMul, Softmax, Reshape"

// Opset bounds: PyTorch 1.13 writes 11 to 17 (the fixtures cover 11, 13
// and 17); 9, 10 and 18 differ from them, for the ops read here, only in
// attributes that became inputs, which the reader handles.
const (
	minOpset = 9
	maxOpset = 18
)

// Options are what an ONNX file does not say about a model.
type Options struct {
	// Classes names the outputs in order; empty gives "class 1", "class 2"...
	Classes []string
	// Mean and Std, one value per input channel, normalise the input in
	// [0,1] as the model was trained with (torchvision's Normalize).
	Mean, Std []float32
}

// ImportFile reads the ONNX model at path; errors name the file.
func ImportFile(path string, opt Options) (*engine.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the ONNX model: %w", err)
	}
	m, err := Import(data, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return m, nil
}

// Import reads an ONNX model of a CNN and returns it as an ArtLens model
// with its weights. The graph must lead from one input picture (N, C, H,
// W, or N, H, W, C followed by a Transpose) to one output of class scores,
// made of the ops in Supported; branches may split and join (residual
// connections, concatenations, squeeze-excitation). Anything else is
// refused with an error wrapping ErrUnsupported that names the op and the
// node.
func Import(data []byte, opt Options) (m *engine.Model, err error) {
	// A graph that breaks ONNX's own rules in a way no check here foresaw
	// must not end the program (the window opens files users pick).
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%w: the graph is malformed (%v)", ErrNotONNX, p)
		}
	}()
	var mp onnxpb.ModelProto
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrNotONNX)
	}
	if err := proto.Unmarshal(data, &mp); err != nil {
		return nil, fmt.Errorf("%w: the file is damaged or of another format (%v)", ErrNotONNX, err)
	}
	g := mp.GetGraph()
	if g == nil || len(g.GetNode()) == 0 {
		return nil, fmt.Errorf("%w: the file holds no graph", ErrNotONNX)
	}
	opset := int64(0)
	for _, o := range mp.GetOpsetImport() {
		switch o.GetDomain() {
		case "", "ai.onnx":
			opset = o.GetVersion()
		}
	}
	if opset < minOpset || opset > maxOpset {
		return nil, fmt.Errorf("%w: the model uses ONNX opset %d; ArtLens reads opsets %d to %d (export with opset_version=17)", ErrUnsupported, opset, minOpset, maxOpset)
	}
	r := &reader{opset: opset, consts: map[string]constant{}, vals: map[string]*value{}}
	if err := r.read(g); err != nil {
		return nil, err
	}
	if m, err = r.model(opt); err != nil {
		return nil, err
	}
	// Say where the weights came from: the file holds no training record.
	source := fmt.Sprintf("ONNX, opset %d", opset)
	if p := strings.TrimSpace(mp.GetProducerName() + " " + mp.GetProducerVersion()); p != "" {
		source += ", written by " + p
	}
	m.Meta.Training = map[string]string{"imported_from": source}
	return m, nil
}

// layout says how the running activation is laid out.
type layout int

const (
	nchw   layout = iota // feature maps, channels first (ArtLens' own)
	nhwc                 // feature maps transposed channels-last (before a Keras flatten)
	flat                 // a vector per image
	tokens               // a transformer's tokens (N, T, C): the engine's C maps of T×1 (c, h = T, w = 1)
	ctok                 // the same transposed, (N, C, T): a patch grid flattened before its Transpose to tokens
)

// value is what the reader knows of a tensor of activations: the layer
// that makes it, and its layout and shape.
type value struct {
	// src is the layer that makes it (an index in reader.layers), -1 for
	// the input picture.
	src int
	// lay is its layout, c, h, w its shape when it holds maps, n its
	// length when flat.
	lay     layout
	c, h, w int
	n       int
	// hwcRows is set when the flat activation is in height-width-channel
	// order (a channels-last flatten): the next dense layer's rows are
	// permuted to ArtLens' channel-first order.
	hwcRows bool
	mh, mw  int // height and width of those maps, to permute
	// shuffle, when set, says that the maps are viewed in 5-D as shuffle
	// groups of channels (the first Reshape of a channel shuffle); with
	// shuffled, that view is transposed (0, 2, 1, 3, 4), and the Reshape
	// back to maps makes the ChannelShuffle layer.
	shuffle  int
	shuffled bool
	// pad is a Pad node waiting to be merged into the next conv or pooling.
	pad *pending
	// biasFor is the index in weights where a MatMul's bias goes when an
	// Add follows; -1 when src is not a bias-less MatMul.
	biasFor int
	// inputIsT: the input is channels-last and awaits its Transpose.
	inputIsT bool
	// pic, when set, says that the tensor is a transform of the input
	// picture's channels, not yet run: its channel k is channel pic[k].ch
	// times pic[k].a plus pic[k].b (GoogLeNet's transform_input); with
	// squeezed, its one channel's axis is gone (a Gather's output).
	pic      []chanAffine
	squeezed bool
}

// chanAffine is one channel of a transformed picture (value.pic).
type chanAffine struct {
	ch   int
	a, b float32
}

// reader walks the graph's nodes and collects layers.
type reader struct {
	opset  int64
	consts map[string]constant // initializers, Constant nodes and folded shape values
	// value is the tensor that the node at hand reads (its first input of
	// activations), turned into the one it makes.
	value
	vals    map[string]*value // the activations made so far (and the input)
	layers  []engine.Layer
	refs    [][]int           // per layer, the layers it reads (-1: the picture)
	from    []string          // per layer, the name of the node it comes from
	at      *onnxpb.NodeProto // the node being read
	weights [][]float32
	uses    map[string]int      // how many nodes read each value
	in0     engine.Input        // the input picture
	nodes   []*onnxpb.NodeProto // the graph's nodes in order
	// readers lists the nodes that read each value; skip marks the nodes
	// read already as part of a pattern (a GELU or a LayerNorm written op
	// by op, patterns.go).
	readers  map[string][]int
	producer map[string]int // the node that makes each value
	skip     map[int]bool
	// inputAffine is the transform of the picture's channels that the
	// graph runs first, folded into the input's normalisation.
	inputAffine []chanAffine
	inputName   string // the graph's input picture
	output      string // the model's output kind (engine.Arch.Output), set by setOutput
}

// pending is a Pad node not yet merged.
type pending struct {
	node  *onnxpb.NodeProto
	pads  [4]int // top, left, bottom, right
	value float32
}

// nodeName names a node for messages: its name, or its position.
func nodeName(n *onnxpb.NodeProto, i int) string {
	if n.GetName() != "" {
		return fmt.Sprintf("%q", n.GetName())
	}
	return fmt.Sprintf("#%d (unnamed)", i+1)
}

func (r *reader) read(g *onnxpb.GraphProto) error {
	for _, t := range g.GetInitializer() {
		c, err := decodeTensor(t)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrNotONNX, err)
		}
		r.consts[t.GetName()] = c
	}
	var inputs []*onnxpb.ValueInfoProto
	for _, in := range g.GetInput() {
		if _, ok := r.consts[in.GetName()]; !ok {
			inputs = append(inputs, in)
		}
	}
	if len(inputs) != 1 {
		names := make([]string, len(inputs))
		for i, in := range inputs {
			names[i] = fmt.Sprintf("%q", in.GetName())
		}
		return fmt.Errorf("%w: the graph has %d inputs (%s); ArtLens runs networks of one input picture", ErrUnsupported, len(inputs), strings.Join(names, ", "))
	}
	if len(g.GetOutput()) != 1 {
		return fmt.Errorf("%w: the graph has %d outputs; ArtLens runs networks with one output of class scores", ErrUnsupported, len(g.GetOutput()))
	}
	// A recurrent network is refused by its recurrent op, wherever it
	// is, rather than by the reshapes into a sequence before it; MaxViT
	// by its Einsum rather than its window partition.
	for i, n := range g.GetNode() {
		if what, ok := refusedOps[n.GetOpType()]; ok {
			return fmt.Errorf("%w: %s node %s: op %s belongs to %s, which ArtLens does not run; it reads %s", ErrUnsupported, n.GetOpType(), nodeName(n, i), n.GetOpType(), what, Supported)
		}
	}
	kind, err := outputKind(g)
	if err != nil {
		return err
	}
	if err := r.input(inputs[0], g.GetNode()); err != nil {
		return err
	}
	r.uses = map[string]int{}
	r.readers = map[string][]int{}
	r.producer = map[string]int{}
	for i, n := range g.GetNode() {
		for _, out := range n.GetOutput() {
			r.producer[out] = i
		}
		for _, in := range n.GetInput() {
			r.uses[in]++
			r.readers[in] = append(r.readers[in], i)
		}
	}
	r.nodes = g.GetNode()
	r.skip = map[int]bool{}
	for i, n := range g.GetNode() {
		if r.skip[i] {
			continue // read as part of a pattern (patterns.go)
		}
		r.at = n
		if err := r.node(n, i); err != nil {
			return err
		}
	}
	out, ok := r.vals[g.GetOutput()[0].GetName()]
	if !ok || out.src != len(r.layers)-1 {
		return fmt.Errorf("%w: the graph's output %q is not the end of its chain of layers", ErrUnsupported, g.GetOutput()[0].GetName())
	}
	if out.pad != nil {
		return fmt.Errorf("%w: Pad node %s is not followed by a convolution or a pooling", ErrUnsupported, nodeName(out.pad.node, 0))
	}
	if out.inputIsT {
		return fmt.Errorf("%w: the channels-last input is never transposed to channels-first", ErrUnsupported)
	}
	if out.lay != flat {
		return fmt.Errorf("%w: the graph ends with feature maps, not one score per class", ErrUnsupported)
	}
	r.value = *out
	return r.setOutput(kind)
}

// input reads the shape of the graph's input picture.
func (r *reader) input(in *onnxpb.ValueInfoProto, nodes []*onnxpb.NodeProto) error {
	t := in.GetType().GetTensorType()
	if t == nil {
		return fmt.Errorf("%w: the input %q is not a tensor", ErrUnsupported, in.GetName())
	}
	if e := onnxpb.TensorProto_DataType(t.GetElemType()); e != onnxpb.TensorProto_FLOAT {
		return fmt.Errorf("%w: the input %q is of type %v; ArtLens gives float32 pictures", ErrUnsupported, in.GetName(), e)
	}
	var dims []int
	for i, d := range t.GetShape().GetDim() {
		v := int(d.GetDimValue())
		if i > 0 && v <= 0 {
			return fmt.Errorf("%w: the input %q has no fixed size (dimension %d is %q); export with a fixed picture size", ErrUnsupported, in.GetName(), i, d.GetDimParam())
		}
		dims = append(dims, v)
	}
	if len(dims) != 4 {
		return fmt.Errorf("%w: the input %q has shape %v; ArtLens gives pictures as (batch, channels, height, width)", ErrUnsupported, in.GetName(), dims)
	}
	r.value = value{src: -1, lay: nchw, biasFor: -1}
	r.c, r.h, r.w = dims[1], dims[2], dims[3]
	// A channels-last picture (as tf2onnx converts Keras models) is
	// transposed by the graph's first node.
	if dims[1] != 1 && dims[1] != 3 && (dims[3] == 1 || dims[3] == 3) {
		for _, n := range nodes {
			if n.GetOpType() == "Transpose" && len(n.GetInput()) > 0 && n.GetInput()[0] == in.GetName() {
				if p := attrInts(n, "perm"); len(p) == 4 && p[0] == 0 && p[1] == 3 && p[2] == 1 && p[3] == 2 {
					r.c, r.h, r.w = dims[3], dims[1], dims[2]
					r.inputIsT = true
				}
			}
		}
	}
	if r.c != 1 && r.c != 3 {
		return fmt.Errorf("%w: the input %q has %d channels; ArtLens gives pictures of 1 (grayscale) or 3 (RGB) channels", ErrUnsupported, in.GetName(), r.c)
	}
	r.in0 = engine.Input{Channels: r.c, Height: r.h, Width: r.w}
	v := r.value
	r.vals[in.GetName()] = &v
	r.inputName = in.GetName()
	return nil
}

// moduleNames names each layer after the module path in the name of the
// node it comes from, as PyTorch writes them: "/layer1/layer1.0/conv1/Conv"
// is layer1.0.conv1, "/layer1/layer1.0/Add" layer1.0 (a block's output).
// When a module makes several layers (a SiLU's Sigmoid and Mul), its name
// goes to the last, its output, and the others add their kind; a layer
// without a path (an unnamed node, "/Flatten") takes its default name.
// Names are made unique with a count.
func moduleNames(from []string, layers []engine.Layer) []string {
	names := make([]string, len(layers))
	last := map[string]int{}
	for i, f := range from {
		segs := strings.Split(f, "/")
		if len(segs) < 3 || segs[0] != "" {
			continue // no scope: "Identity_3", "/Flatten"
		}
		q, prev := "", ""
		for _, seg := range segs[1 : len(segs)-1] {
			switch {
			case prev != "" && strings.HasPrefix(seg, prev+"."):
				q += seg[len(prev):]
			case q == "":
				q = seg
			default:
				q += "." + seg
			}
			prev = seg
		}
		names[i] = q
		last[q] = i
	}
	for i, n := range names {
		if n != "" && last[n] != i {
			names[i] = n + "." + layers[i].Kind
		}
	}
	auto := engine.LayerNames(layers)
	used := map[string]bool{engine.InputName: true}
	for i := range names {
		if names[i] == "" {
			names[i] = auto[i]
		}
		base := names[i]
		for k := 2; used[names[i]]; k++ {
			names[i] = fmt.Sprintf("%s_%d", base, k)
		}
		used[names[i]] = true
	}
	return names
}

// model returns the collected layers and weights as an engine model.
func (r *reader) model(opt Options) (*engine.Model, error) {
	classes := opt.Classes
	if len(classes) == 0 {
		for i := 0; i < r.n; i++ {
			classes = append(classes, fmt.Sprintf("class %d", i+1))
		}
	}
	if len(classes) != r.n {
		return nil, fmt.Errorf("the model gives %d scores but %d class names were given (%s)", r.n, len(classes), strings.Join(classes, ", "))
	}
	// A layer that reads the one before it names no inputs (a chain reads
	// as before); the others name theirs. A graph's layers take the names
	// of the modules the file says they come from ("layer3.1.conv1").
	graph := false
	for i, refs := range r.refs {
		graph = graph || len(refs) != 1 || refs[0] != i-1
	}
	if graph {
		for i, name := range moduleNames(r.from, r.layers) {
			r.layers[i].Name = name
		}
	}
	names := engine.LayerNames(r.layers)
	for i, refs := range r.refs {
		if len(refs) == 1 && refs[0] == i-1 {
			continue
		}
		r.layers[i].Inputs = nil
		for _, j := range refs {
			name := engine.InputName
			if j >= 0 {
				name = names[j]
			}
			r.layers[i].Inputs = append(r.layers[i].Inputs, name)
		}
	}
	arch := engine.Arch{Input: r.in0, Mean: opt.Mean, Std: opt.Std, Layers: r.layers, Output: r.output}
	if r.inputAffine != nil {
		// The network's first step scales and shifts each channel of the
		// (normalised) picture: ((x-m)/s)·a + b = (x - (m - b·s/a)) / (s/a).
		c := r.in0.Channels
		mean, std := make([]float32, c), make([]float32, c)
		for k, t := range r.inputAffine {
			m, s := float32(0), float32(1)
			if opt.Mean != nil {
				m, s = opt.Mean[k], opt.Std[k]
			}
			if len(opt.Mean) != 0 && len(opt.Mean) != c {
				break // the engine says what is wrong
			}
			mean[k], std[k] = m-t.b*s/t.a, s/t.a
		}
		arch.Mean, arch.Std = mean, std
	}
	if err := arch.Validate(len(classes)); err != nil {
		return nil, err
	}
	return engine.NewModelWeights(arch, classes, r.weights)
}
