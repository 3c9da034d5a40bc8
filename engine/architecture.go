package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Layer kinds of an Arch. The set is fixed: it is what the study's network
// and ArtLens's own networks use, and what package importer maps ONNX
// graphs (ResNet, MobileNet, EfficientNet, DenseNet...) onto.
const (
	Conv2D        = "conv2d"
	ReLU          = "relu"
	MaxPool       = "maxpool"
	AvgPool       = "avgpool"
	GlobalAvgPool = "globalavgpool"
	BatchNorm     = "batchnorm"
	Dropout       = "dropout"
	Flatten       = "flatten"
	Dense         = "dense"
	Softmax       = "softmax"
	// Add and Mul take two inputs of one shape, or maps (C, H, W) and
	// one value per channel (C, 1, 1), which is spread over each map (a
	// squeeze-excitation's scale); Concat joins maps of one size along
	// their channels.
	Add    = "add"
	Mul    = "mul"
	Concat = "concat"
	// Clip bounds each value to [Min, Max] (ReLU6 is 0 and 6).
	Clip = "clip"
	// Sigmoid is 1/(1+exp(-x)); HardSigmoid is max(0, min(1, Alpha*x +
	// Beta)); HardSwish is x*HardSigmoid(x) with Alpha 1/6 and Beta 1/2.
	Sigmoid     = "sigmoid"
	HardSigmoid = "hardsigmoid"
	HardSwish   = "hardswish"
	// Affine scales and shifts each channel (or unit) by its own weight
	// and bias: a constant transform of the input, or a scale by a
	// constant that an imported graph holds.
	Affine = "affine"
	// LayerNorm normalises each position's channels (a transformer's
	// LayerNorm over the channels of tokens or of channels-last maps), then
	// scales and shifts each channel by its weight and bias; Epsilon as a
	// BatchNorm's (0 means 1e-5). GELU is the exact (erf) GELU,
	// x·Φ(x).
	LayerNorm = "layernorm"
	GELU      = "gelu"
	// A transformer's tokens are maps of C channels of T×1 (nn/token_op.go).
	// Tokens reads maps (C, H, W) as H·W tokens, row by row; ClassToken
	// puts a learned token (its weight, C values) first; PosEmbed adds a
	// learned embedding (C×T) to the tokens; Attention is multi-head
	// self-attention on the queries, keys and values that its input's 3C
	// channels hold (Heads heads, scores scaled by Alpha, 0 meaning
	// 1/sqrt(C/Heads)), its output C channels; Token takes token Start as
	// a flat vector (a ViT's class token, the classifier's input).
	Tokens     = "tokens"
	ClassToken = "classtoken"
	PosEmbed   = "posembed"
	Attention  = "attention"
	Token      = "token"
	// A Swin Transformer's channels-last maps are the engine's maps
	// (engine/nn/swin.go). WindowAttention is shifted-window multi-head
	// self-attention on the queries, keys and values that its input's 3C
	// channels hold (Heads heads, scores scaled by Alpha, 0 meaning
	// 1/sqrt(C/Heads)), in windows of Window (height, width) positions
	// of the maps rolled by minus Shift (height, width; zeros: unshifted),
	// with a learned relative position bias (heads, N, N), N the window's
	// positions; its output is C channels. PatchMerge gathers each 2x2
	// block of positions into 4C channels (Swin's PatchMerging before its
	// LayerNorm and Linear).
	WindowAttention = "windowattention"
	PatchMerge      = "patchmerge"
	// ChannelShuffle permutes the channels of maps as ShuffleNet's
	// channel shuffle does: the C channels, seen as Groups rows of C/Groups,
	// are read column by column (output channel j·Groups + i is input
	// channel i·C/Groups + j).
	ChannelShuffle = "channelshuffle"
	// Slice takes the channels [Start, End) of maps (ShuffleNet's split of
	// a block's input in two halves).
	Slice            = "slice"
	PaddingValid     = "valid"
	PaddingSame      = "same"
	PaddingExplicit  = "explicit"
	defaultBNEpsilon = 1e-5
)

// Input is the shape of one input image: channels (1 for grayscale, 3 for
// RGB), height and width in pixels. Values are laid out CHW.
type Input struct {
	Channels int `json:"channels"`
	Height   int `json:"height"`
	Width    int `json:"width"`
}

// Len returns the number of values of one input image.
func (in Input) Len() int { return in.Channels * in.Height * in.Width }

// Arch describes a sequential network: its input, how the input is
// normalised, and its layers in order. It is stored as JSON in the weights
// file's metadata, so a file says what network its tensors belong to.
type Arch struct {
	Input Input `json:"input"`
	// Mean and Std, when set (one value per channel), normalise the input
	// in [0,1] as (x-mean)/std inside the network, as torchvision's
	// Normalize does.
	Mean []float32 `json:"mean,omitempty"`
	Std  []float32 `json:"std,omitempty"`
	// Layers run in order. ReLU, Dropout and Softmax have no weights;
	// a Softmax may only be last. A layer reads the output of the layer
	// before it (the input picture for the first), or the layers that its
	// Inputs name: a chain needs no names, a graph (a residual block, a
	// branch) names what each join reads. The last layer gives the
	// network's output, and every other layer's output must be read.
	Layers []Layer `json:"layers"`
	// Output says what the network's last values are: OutputSoftmax
	// (empty, the default: logits, or a final Softmax, turned into
	// probabilities that sum to 1) or OutputSigmoid (each value through
	// its own sigmoid: independent scores in [0, 1], several of which can
	// be high, as a multi-label tagger gives; never renormalised).
	Output string `json:"output,omitempty"`
}

// Output kinds of an Arch (Arch.Output).
const (
	OutputSoftmax = "softmax"
	OutputSigmoid = "sigmoid"
)

// OutputKind returns a's output kind, OutputSoftmax when Output is empty
// (every file written before output kinds were stored).
func (a Arch) OutputKind() string {
	if a.Output == "" {
		return OutputSoftmax
	}
	return a.Output
}

// Layer is one layer of an Arch. Which fields count depends on Kind.
type Layer struct {
	Kind string `json:"kind"`
	// Name names the layer in the summary and its tensors ("conv1" gives
	// "conv1.weight"); empty means a name from the kind and its count.
	Name string `json:"name,omitempty"`
	// Inputs names the layers whose outputs this one reads ("input" is the
	// picture, after the normalisation); empty means the layer before.
	// Add and Mul read two, Concat two or more, the others one.
	Inputs []string `json:"inputs,omitempty"`
	// Filters is a Conv2D's number of output channels.
	Filters int `json:"filters,omitempty"`
	// Kernel is the window (height, width) of a Conv2D or pooling; one
	// value means a square window.
	Kernel []int `json:"kernel,omitempty"`
	// Groups splits a Conv2D's input and output channels into groups
	// convolved apart (PyTorch's groups; as many as channels is a
	// depthwise convolution); 0 means 1. A ChannelShuffle's groups (at
	// least 1) must divide its channels.
	Groups int `json:"groups,omitempty"`
	// Stride is (height, width); empty means 1 for a Conv2D and the
	// kernel for a pooling, as in Keras and PyTorch.
	Stride []int `json:"stride,omitempty"`
	// Padding is "valid" (none, the default), "same" (Keras: output side
	// = ceil(input/stride), the extra row or column at the bottom/right)
	// or "explicit" (Pads).
	Padding string `json:"padding,omitempty"`
	// Pads are top, left, bottom, right with explicit padding.
	Pads []int `json:"pads,omitempty"`
	// NoBias drops a Conv2D's or Dense's bias (PyTorch's bias=False, the
	// usual choice before a batch norm).
	NoBias bool `json:"no_bias,omitempty"`
	// CountPad makes an AvgPool divide by the whole window, padding
	// included (PyTorch's default); otherwise by the cells inside the image
	// (Keras' and ONNX's default).
	CountPad bool `json:"count_include_pad,omitempty"`
	// CeilMode rounds a pooling's output size up (PyTorch's ceil_mode): a
	// last window that starts inside the map (or its top or left padding)
	// but sticks out of it is kept.
	CeilMode bool `json:"ceil_mode,omitempty"`
	// Min and Max bound a Clip.
	Min float64 `json:"min,omitempty"`
	Max float64 `json:"max,omitempty"`
	// Alpha and Beta are a HardSigmoid's slope (positive) and offset.
	Alpha float64 `json:"alpha,omitempty"`
	Beta  float64 `json:"beta,omitempty"`
	// Units is a Dense's number of outputs; 0 on the last Dense means one
	// per class.
	Units int `json:"units,omitempty"`
	// Heads is an Attention's number of heads.
	Heads int `json:"heads,omitempty"`
	// Window and Shift are a WindowAttention's window size and shift
	// (height, width); its Pads (top and left 0) say how far its input
	// maps were padded at the bottom and right to whole windows, cropped
	// off its output.
	Window []int `json:"window,omitempty"`
	Shift  []int `json:"shift,omitempty"`
	// Rate is a Dropout's share of units dropped while training.
	Rate float64 `json:"rate,omitempty"`
	// Start and End are the channels [Start, End) that a Slice takes.
	Start int `json:"start,omitempty"`
	End   int `json:"end,omitempty"`
	// Epsilon is a BatchNorm's variance epsilon (0 means 1e-5, PyTorch's).
	// A BatchNorm normalises each channel of feature maps, or each unit of
	// a flat vector (after a dense layer).
	Epsilon float64 `json:"epsilon,omitempty"`
}

// clone returns a deep copy of a, so that a model's architecture cannot
// change under it.
func (a Arch) clone() Arch {
	c := a
	c.Mean, c.Std = slices.Clone(a.Mean), slices.Clone(a.Std)
	c.Layers = slices.Clone(a.Layers)
	for i, l := range c.Layers {
		c.Layers[i].Kernel, c.Layers[i].Stride, c.Layers[i].Pads = slices.Clone(l.Kernel), slices.Clone(l.Stride), slices.Clone(l.Pads)
		c.Layers[i].Inputs = slices.Clone(l.Inputs)
	}
	return c
}

// ReadArch reads an architecture from a JSON file and checks it for
// classes outputs.
func ReadArch(path string, classes int) (Arch, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Arch{}, fmt.Errorf("cannot read the architecture: %w", err)
	}
	var a Arch
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return Arch{}, fmt.Errorf("%s: not an architecture: %v", path, err)
	}
	if _, err := a.plan(classes); err != nil {
		return Arch{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// Validate checks the architecture for a network with classes outputs.
func (a Arch) Validate(classes int) error {
	_, err := a.plan(classes)
	return err
}

// LayerNames returns the name of each layer: its Name, or one made of its
// kind and its count among the layers of that kind ("conv3"; the first
// flatten and softmax are "flatten" and "softmax").
func LayerNames(layers []Layer) []string {
	counts := map[string]int{}
	names := make([]string, len(layers))
	for i, l := range layers {
		base, ok := kindBase[l.Kind]
		if !ok {
			base = l.Kind
		}
		counts[base]++
		names[i] = l.Name
		if names[i] == "" {
			names[i] = fmt.Sprintf("%s%d", base, counts[base])
			if (base == "flatten" || base == "softmax") && counts[base] == 1 {
				names[i] = base
			}
		}
	}
	return names
}

// InputName names the input picture (after the normalisation) in a
// layer's Inputs.
const InputName = "input"

// kindBase gives each kind the base of its layers' default names.
var kindBase = map[string]string{Conv2D: "conv", ReLU: "relu", MaxPool: "pool", AvgPool: "pool",
	GlobalAvgPool: "global_pool", BatchNorm: "bn", Dropout: "dropout", Flatten: "flatten", Dense: "dense", Softmax: "softmax",
	Add: "add", Mul: "mul", Concat: "concat", Clip: "clip", Sigmoid: "sigmoid", HardSigmoid: "hardsigmoid",
	HardSwish: "hardswish", Affine: "affine", ChannelShuffle: "shuffle", Slice: "slice",
	LayerNorm: "ln", GELU: "gelu", Tokens: "tokens", ClassToken: "class_token", PosEmbed: "pos_embedding", Attention: "attention", Token: "token",
	WindowAttention: "window_attention", PatchMerge: "patch_merge"}

// Kinds lists the layer kinds, for messages and help.
var Kinds = []string{Conv2D, ReLU, MaxPool, AvgPool, GlobalAvgPool, BatchNorm, Dropout, Flatten, Dense, Softmax,
	Add, Mul, Concat, Clip, Sigmoid, HardSigmoid, HardSwish, Affine, ChannelShuffle, Slice, LayerNorm, GELU, Tokens, ClassToken, PosEmbed, Attention, Token,
	WindowAttention, PatchMerge}
