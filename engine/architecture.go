package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"gorgonia.org/tensor"
)

// InputSize is the side of the square RGB image the study's network takes.
// Other models take their own size: use Model.Input.
const InputSize = 64

// ConvFilters holds the number of filters of the study's conv layers 1..5.
var ConvFilters = [5]int{32, 64, 64, 128, 128}

// DenseUnits holds the sizes of the study's two hidden dense layers; the
// output layer has one unit per class.
var DenseUnits = [2]int{512, 256}

// Dropout rates of the study: after each pooling, and between the dense layers.
const (
	PoolDropout  = 0.25
	DenseDropout = 0.3
)

// poolAfter says after which of the study's conv layers (0-based) a 2x2
// max pooling and a dropout follow.
var poolAfter = [5]bool{true, false, true, false, true}

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

// ResNet18Arch returns torchvision's ResNet-18 for side×side RGB pictures
// with widths filters in its four stages (64, 128, 256, 512 in
// torchvision; the output layer has one unit per class): a 7x7 stride-2
// conv and 3x3 max pooling, then two residual blocks a stage, each two 3x3
// convs with a skip connection around them (a 1x1 conv where the shape
// changes), a batch norm after every conv, global pooling and the output
// layer, under torchvision's layer names (layer3.1.conv2, ...).
func ResNet18Arch(side int, widths [4]int) Arch {
	a := Arch{Input: Input{Channels: 3, Height: side, Width: side}}
	add := func(l Layer) string { a.Layers = append(a.Layers, l); return l.Name }
	conv := func(name string, f, k, s, p int, in ...string) string {
		add(Layer{Kind: Conv2D, Name: name, Inputs: in, Filters: f, Kernel: []int{k, k}, Stride: []int{s, s},
			Padding: PaddingExplicit, Pads: []int{p, p, p, p}, NoBias: true})
		return add(Layer{Kind: BatchNorm, Name: name + ".bn"})
	}
	conv("conv1", widths[0], 7, 2, 3)
	add(Layer{Kind: ReLU, Name: "relu"})
	x := add(Layer{Kind: MaxPool, Name: "maxpool", Kernel: []int{3, 3}, Stride: []int{2, 2},
		Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}})
	in := widths[0]
	for stage, f := range widths {
		for block := range 2 {
			name := fmt.Sprintf("layer%d.%d", stage+1, block)
			s := 1
			if stage > 0 && block == 0 {
				s = 2
			}
			conv(name+".conv1", f, 3, s, 1, x)
			add(Layer{Kind: ReLU, Name: name + ".relu"})
			y := conv(name+".conv2", f, 3, 1, 1)
			skip := x
			if s != 1 || in != f {
				skip = conv(name+".downsample", f, 1, s, 0, x)
			}
			add(Layer{Kind: Add, Name: name, Inputs: []string{y, skip}})
			x = add(Layer{Kind: ReLU, Name: name + ".relu_1"})
			in = f
		}
	}
	add(Layer{Kind: GlobalAvgPool, Name: "avgpool"})
	add(Layer{Kind: Flatten})
	add(Layer{Kind: Dense, Name: "fc"})
	return a
}

// StudyArch returns the seed study's network: five 3x3 conv layers with
// ReLU (32, 64, 64, 128, 128 filters), 2x2 max pooling and dropout 0.25
// after conv layers 1, 3 and 5, then dense layers of 512 (ReLU, dropout
// 0.3) and 256 (ReLU) units and a softmax output, on 64x64 RGB pictures.
// Weights files that hold no architecture are of this network.
func StudyArch() Arch {
	a := Arch{Input: Input{Channels: 3, Height: InputSize, Width: InputSize}}
	for i, f := range ConvFilters {
		a.Layers = append(a.Layers, Layer{Kind: Conv2D, Filters: f, Kernel: []int{3, 3}}, Layer{Kind: ReLU})
		if poolAfter[i] {
			a.Layers = append(a.Layers, Layer{Kind: MaxPool, Kernel: []int{2, 2}}, Layer{Kind: Dropout, Rate: PoolDropout})
		}
	}
	a.Layers = append(a.Layers, Layer{Kind: Flatten},
		Layer{Kind: Dense, Units: DenseUnits[0]}, Layer{Kind: ReLU}, Layer{Kind: Dropout, Rate: DenseDropout},
		Layer{Kind: Dense, Units: DenseUnits[1]}, Layer{Kind: ReLU},
		Layer{Kind: Dense}, Layer{Kind: Softmax})
	return a
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

// shape is the output of a layer for one image: C, H, W for a map, or a
// flat vector of length C (flat set).
type shape struct {
	c, h, w int
	flat    bool
}

func (s shape) size() int {
	if s.flat {
		return s.c
	}
	return s.c * s.h * s.w
}

// step is a layer with everything resolved: its name, window, stride and
// padding (top, left, bottom, right), its inputs and output, and its
// weight tensors.
type step struct {
	Layer
	kh, kw, sh, sw int
	pads           [4]int
	// in is the shape of the first input; ins are the steps read (-1 for
	// the input picture), inShapes their shapes.
	in       shape
	ins      []int
	inShapes []shape
	out      shape
	params   []paramSpec
	// relu is set on a conv, dense, batch norm, Add or Mul layer whose output only
	// a ReLU reads, the next layer: the ReLU is done by the layer
	// (fused), and a conv layer's activation is taken after it.
	relu  bool
	fused bool // a ReLU done by the layer it reads
	// uses counts the layers that read this one's output.
	uses int
}

// paramSpec names one weight tensor and gives its shape.
type paramSpec struct {
	Name  string
	Shape tensor.Shape
	// FanIn and FanOut are those of Glorot initialisation (zero for biases).
	FanIn, FanOut int
	// Init is the constant value of a tensor not drawn at random (batch
	// norm scale and variance start at 1).
	Init float32
	// Frozen tensors (batch norm statistics) get no gradient.
	Frozen bool
}

// Validate checks the architecture for a network with classes outputs.
func (a Arch) Validate(classes int) error {
	_, err := a.plan(classes)
	return err
}

// plan resolves every layer of a for classes outputs and checks that the
// layers fit together.
func (a Arch) plan(classes int) ([]step, error) {
	steps, err := a.resolve(classes)
	if err != nil {
		return nil, err
	}
	for i := range steps[:len(steps)-1] {
		if steps[i].uses == 0 {
			return nil, fmt.Errorf("layer %d (%s): no layer reads its output (only the last layer's is the network's output)", i+1, steps[i].Name)
		}
	}
	// A conv, dense or batch norm layer, or a join of branches (a
	// ResNet's Add), does the ReLU that alone reads it.
	for i := range steps[:len(steps)-1] {
		s, next := &steps[i], &steps[i+1]
		if (s.Kind == Conv2D || s.Kind == Dense || s.Kind == BatchNorm || s.Kind == Add || s.Kind == Mul) && next.Kind == ReLU && next.ins[0] == i && s.uses == 1 {
			s.relu, next.fused = true, true
		}
	}
	cur := steps[len(steps)-1].out
	if !cur.flat || cur.c != classes {
		if cur.flat {
			return nil, fmt.Errorf("the network gives %d outputs but there are %d classes", cur.c, classes)
		}
		return nil, fmt.Errorf("the network ends with feature maps (%dx%dx%d), not one output per class: end with flatten and dense", cur.c, cur.h, cur.w)
	}
	// Checked here, so that every way a model comes in (a weights file,
	// an ONNX import, an --arch file for training) is refused alike.
	if err := checkLayerSizes(steps); err != nil {
		return nil, err
	}
	return steps, nil
}

// resolve resolves every layer of a for classes outputs (names, inputs,
// windows, padding, shapes, weight tensors) and checks that each fits
// what it reads; plan adds the checks of a whole network. A prefix of a
// network's layers resolves alone (Model.ConvPrefix).
func (a Arch) resolve(classes int) ([]step, error) {
	in := a.Input
	if in.Channels != 1 && in.Channels != 3 {
		return nil, fmt.Errorf("the input has %d channels; ArtLens reads pictures as 1 (grayscale) or 3 (RGB)", in.Channels)
	}
	if in.Height < 1 || in.Width < 1 || in.Height > 4096 || in.Width > 4096 {
		return nil, fmt.Errorf("the input size %dx%d is not usable", in.Width, in.Height)
	}
	if len(a.Mean) != 0 || len(a.Std) != 0 {
		if len(a.Mean) != in.Channels || len(a.Std) != in.Channels {
			return nil, fmt.Errorf("mean and std need one value per input channel (%d), got %d and %d", in.Channels, len(a.Mean), len(a.Std))
		}
		for _, s := range a.Std {
			if !(s > 0) {
				return nil, fmt.Errorf("std %v is not positive", a.Std)
			}
		}
	}
	if len(a.Layers) == 0 {
		return nil, fmt.Errorf("the architecture has no layers")
	}
	switch a.Output {
	case "", OutputSoftmax:
	case OutputSigmoid:
		switch a.Layers[len(a.Layers)-1].Kind {
		case Softmax:
			return nil, fmt.Errorf("the output is %q but the last layer is a softmax", a.Output)
		case Sigmoid:
			return nil, fmt.Errorf("the output is %q and the last layer is a sigmoid too: it would be applied twice", a.Output)
		}
	default:
		return nil, fmt.Errorf("unknown output kind %q (want %q or %q)", a.Output, OutputSoftmax, OutputSigmoid)
	}
	lastDense := -1
	for i, l := range a.Layers {
		if l.Kind == Dense {
			lastDense = i
		}
	}
	picture := shape{c: in.Channels, h: in.Height, w: in.Width}
	names := LayerNames(a.Layers)
	index := map[string]int{InputName: -1} // the step of each name
	var steps []step
	for i, l := range a.Layers {
		s := step{Layer: l}
		where := func() string {
			if s.Name != "" {
				return fmt.Sprintf("layer %d (%s)", i+1, s.Name)
			}
			return fmt.Sprintf("layer %d (%s)", i+1, l.Kind)
		}
		if _, ok := kindBase[l.Kind]; !ok {
			return nil, fmt.Errorf("layer %d: unknown kind %q (known: %s)", i+1, l.Kind, strings.Join(Kinds, ", "))
		}
		s.Name = names[i]
		if _, used := index[s.Name]; used {
			return nil, fmt.Errorf("%s: the name %q is used twice", where(), s.Name)
		}
		// The inputs: the layer before, or the layers named.
		if len(l.Inputs) == 0 {
			s.ins = []int{i - 1}
		}
		for _, name := range l.Inputs {
			j, ok := index[name]
			if !ok {
				return nil, fmt.Errorf("%s: its input %q is not the name of a layer before it (or %q, the picture)", where(), name, InputName)
			}
			s.ins = append(s.ins, j)
		}
		want := 1
		switch l.Kind {
		case Add, Mul:
			want = 2
		case Concat:
			want = max(2, len(s.ins))
		}
		if len(s.ins) != want {
			return nil, fmt.Errorf("%s: a %s reads %d inputs, not %d", where(), l.Kind, want, len(s.ins))
		}
		for _, j := range s.ins {
			sh := picture
			if j >= 0 {
				sh = steps[j].out
				steps[j].uses++
			}
			s.inShapes = append(s.inShapes, sh)
		}
		cur := s.inShapes[0]
		s.in = cur
		spatial := l.Kind == Conv2D || l.Kind == MaxPool || l.Kind == AvgPool || l.Kind == GlobalAvgPool || l.Kind == Concat ||
			l.Kind == ChannelShuffle || l.Kind == Slice
		for _, sh := range s.inShapes {
			if spatial && sh.flat {
				return nil, fmt.Errorf("%s: a %s needs feature maps, but its input is flat (%d values)", where(), l.Kind, sh.c)
			}
		}
		switch l.Kind {
		case Conv2D, MaxPool, AvgPool:
			if err := s.window(l.Kind == Conv2D); err != nil {
				return nil, fmt.Errorf("%s: %w", where(), err)
			}
			if cur.h+s.pads[0]+s.pads[2] < s.kh || cur.w+s.pads[1]+s.pads[3] < s.kw {
				return nil, fmt.Errorf("%s: a %dx%d window does not fit maps of %dx%d", where(), s.kw, s.kh, cur.w, cur.h)
			}
			if l.CeilMode {
				if l.Kind == Conv2D {
					return nil, fmt.Errorf("%s: ceil_mode is for poolings", where())
				}
				// PyTorch's rule: the output size rounded up, less a
				// last window that would start in the bottom or right
				// padding; the windows that stick out read padding,
				// which poolings ignore.
				extra := func(n, k, st, p0, p1 int) int {
					o := (n+p0+p1-k+st-1)/st + 1
					if (o-1)*st >= n+p0 {
						o--
					}
					return max(0, (o-1)*st+k-(n+p0+p1))
				}
				eh, ew := extra(cur.h, s.kh, s.sh, s.pads[0], s.pads[2]), extra(cur.w, s.kw, s.sw, s.pads[1], s.pads[3])
				if (eh > 0 || ew > 0) && l.Kind == AvgPool && l.CountPad {
					return nil, fmt.Errorf("%s: an average pooling that rounds up and counts its padding is not supported", where())
				}
				s.pads[2] += eh
				s.pads[3] += ew
			}
			oh := (cur.h+s.pads[0]+s.pads[2]-s.kh)/s.sh + 1
			ow := (cur.w+s.pads[1]+s.pads[3]-s.kw)/s.sw + 1
			if l.Kind == MaxPool && (s.pads[0] >= s.kh || s.pads[2] >= s.kh || s.pads[1] >= s.kw || s.pads[3] >= s.kw) {
				return nil, fmt.Errorf("%s: padding %v is as large as the window", where(), s.pads)
			}
			c := cur.c
			if l.Kind == Conv2D {
				if l.Filters < 1 {
					return nil, fmt.Errorf("%s: a conv layer needs filters", where())
				}
				g := max(l.Groups, 1)
				if l.Groups < 0 || cur.c%g != 0 || l.Filters%g != 0 {
					return nil, fmt.Errorf("%s: %d groups do not divide %d input channels and %d filters", where(), l.Groups, cur.c, l.Filters)
				}
				c = l.Filters
				fanIn, fanOut := cur.c/g*s.kh*s.kw, c/g*s.kh*s.kw
				s.params = append(s.params, paramSpec{Name: s.Name + ".weight", Shape: tensor.Shape{c, cur.c / g, s.kh, s.kw}, FanIn: fanIn, FanOut: fanOut})
				if !l.NoBias {
					s.params = append(s.params, paramSpec{Name: s.Name + ".bias", Shape: tensor.Shape{c}})
				}
			}
			cur = shape{c: c, h: oh, w: ow}
		case GlobalAvgPool:
			cur = shape{c: cur.c, h: 1, w: 1}
		case BatchNorm:
			if l.Epsilon < 0 {
				return nil, fmt.Errorf("%s: negative epsilon", where())
			}
			if s.Epsilon == 0 {
				s.Epsilon = defaultBNEpsilon
			}
			for _, p := range []struct {
				suffix string
				init   float32
				frozen bool
			}{{".weight", 1, false}, {".bias", 0, false}, {".mean", 0, true}, {".var", 1, true}} {
				s.params = append(s.params, paramSpec{Name: s.Name + p.suffix, Shape: tensor.Shape{cur.c}, Init: p.init, Frozen: p.frozen})
			}
		case LayerNorm:
			if l.Epsilon < 0 {
				return nil, fmt.Errorf("%s: negative epsilon", where())
			}
			if s.Epsilon == 0 {
				s.Epsilon = defaultBNEpsilon
			}
			s.params = append(s.params, paramSpec{Name: s.Name + ".weight", Shape: tensor.Shape{cur.c}, Init: 1},
				paramSpec{Name: s.Name + ".bias", Shape: tensor.Shape{cur.c}})
		case Tokens:
			cur = shape{c: cur.c, h: cur.h * cur.w, w: 1}
		case ClassToken, PosEmbed, Attention, Token:
			if cur.w != 1 || cur.flat {
				return nil, fmt.Errorf("%s: a %s reads tokens (C maps of T×1), not %s", where(), l.Kind, cur)
			}
			switch l.Kind {
			case ClassToken:
				s.params = append(s.params, paramSpec{Name: s.Name + ".token", Shape: tensor.Shape{cur.c}})
				cur.h++
			case PosEmbed:
				s.params = append(s.params, paramSpec{Name: s.Name + ".embedding", Shape: tensor.Shape{cur.c, cur.h}})
			case Attention:
				if l.Heads < 1 || cur.c%(3*l.Heads) != 0 {
					return nil, fmt.Errorf("%s: %d channels are not queries, keys and values for %d heads", where(), cur.c, l.Heads)
				}
				cur.c /= 3
			case Token:
				if l.Start < 0 || l.Start >= cur.h {
					return nil, fmt.Errorf("%s: there is no token %d of %d", where(), l.Start, cur.h)
				}
				cur = shape{c: cur.c, flat: true}
			}
		case Affine:
			s.params = append(s.params, paramSpec{Name: s.Name + ".weight", Shape: tensor.Shape{cur.c}, Init: 1},
				paramSpec{Name: s.Name + ".bias", Shape: tensor.Shape{cur.c}})
		case Dropout:
			if l.Rate < 0 || l.Rate >= 1 {
				return nil, fmt.Errorf("%s: dropout rate %v is outside [0, 1)", where(), l.Rate)
			}
		case Flatten:
			cur = shape{c: cur.size(), flat: true}
		case Dense:
			if !cur.flat {
				return nil, fmt.Errorf("%s: a dense layer needs a flat input: put a flatten or a global pooling and a flatten before it", where())
			}
			units := l.Units
			if units == 0 && i == lastDense {
				units = classes
			}
			if units < 1 {
				return nil, fmt.Errorf("%s: a dense layer needs units", where())
			}
			if i == lastDense && units != classes {
				return nil, fmt.Errorf("%s: the output layer has %d units but there are %d classes", where(), units, classes)
			}
			s.Units = units
			s.params = append(s.params, paramSpec{Name: s.Name + ".weight", Shape: tensor.Shape{cur.c, units}, FanIn: cur.c, FanOut: units})
			if !l.NoBias {
				s.params = append(s.params, paramSpec{Name: s.Name + ".bias", Shape: tensor.Shape{units}})
			}
			cur = shape{c: units, flat: true}
		case Softmax:
			if i != len(a.Layers)-1 {
				return nil, fmt.Errorf("%s: a softmax may only be the last layer", where())
			}
		case Add, Mul:
			x, y := s.inShapes[0], s.inShapes[1]
			if y.size() > x.size() {
				x, y = y, x
			}
			if x.flat != y.flat || x.c != y.c || (x != y && (y.h != 1 || y.w != 1)) {
				return nil, fmt.Errorf("%s: it cannot combine %s and %s (one shape, or maps and one value per channel)", where(), s.inShapes[0], s.inShapes[1])
			}
			cur = x
		case Concat:
			c := 0
			for _, sh := range s.inShapes {
				if sh.h != cur.h || sh.w != cur.w {
					return nil, fmt.Errorf("%s: it cannot join maps of %dx%d and %dx%d", where(), cur.w, cur.h, sh.w, sh.h)
				}
				c += sh.c
			}
			cur.c = c
		case ChannelShuffle:
			if l.Groups < 1 || cur.c%l.Groups != 0 {
				return nil, fmt.Errorf("%s: %d groups do not divide %d channels", where(), l.Groups, cur.c)
			}
		case Slice:
			if l.Start < 0 || l.End <= l.Start || l.End > cur.c {
				return nil, fmt.Errorf("%s: channels [%d, %d) are not a range of its input's %d", where(), l.Start, l.End, cur.c)
			}
			cur.c = l.End - l.Start
		case Clip:
			if !(l.Min <= l.Max) {
				return nil, fmt.Errorf("%s: min %v is above max %v", where(), l.Min, l.Max)
			}
		case HardSigmoid:
			if !(l.Alpha > 0) || math.IsInf(l.Alpha, 0) || math.IsNaN(l.Beta) || math.IsInf(l.Beta, 0) {
				return nil, fmt.Errorf("%s: alpha %v and beta %v are not a positive slope and an offset", where(), l.Alpha, l.Beta)
			}
		}
		s.out = cur
		index[s.Name] = i
		steps = append(steps, s)
	}
	return steps, nil
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
	LayerNorm: "ln", GELU: "gelu", Tokens: "tokens", ClassToken: "class_token", PosEmbed: "pos_embedding", Attention: "attention", Token: "token"}

// Kinds lists the layer kinds, for messages and help.
var Kinds = []string{Conv2D, ReLU, MaxPool, AvgPool, GlobalAvgPool, BatchNorm, Dropout, Flatten, Dense, Softmax,
	Add, Mul, Concat, Clip, Sigmoid, HardSigmoid, HardSwish, Affine, ChannelShuffle, Slice, LayerNorm, GELU, Tokens, ClassToken, PosEmbed, Attention, Token}

// String writes a shape as the layer table does: C×H×W or a length.
func (s shape) String() string {
	if s.flat {
		return fmt.Sprintf("(%d)", s.c)
	}
	return fmt.Sprintf("(%d, %d, %d)", s.c, s.h, s.w)
}

// window resolves the kernel, stride and padding of a conv or pooling
// layer; conv layers default to stride 1, poolings to their kernel.
func (s *step) window(conv bool) error {
	pair := func(v []int, what string, def [2]int) ([2]int, error) {
		switch len(v) {
		case 0:
			return def, nil
		case 1:
			v = []int{v[0], v[0]}
		case 2:
		default:
			return [2]int{}, fmt.Errorf("%s has %d values, want 1 or 2", what, len(v))
		}
		if v[0] < 1 || v[1] < 1 {
			return [2]int{}, fmt.Errorf("%s %v is not positive", what, v)
		}
		return [2]int{v[0], v[1]}, nil
	}
	if len(s.Kernel) == 0 {
		return fmt.Errorf("no kernel size")
	}
	k, err := pair(s.Kernel, "kernel", [2]int{})
	if err != nil {
		return err
	}
	def := k
	if conv {
		def = [2]int{1, 1}
	}
	st, err := pair(s.Stride, "stride", def)
	if err != nil {
		return err
	}
	s.kh, s.kw, s.sh, s.sw = k[0], k[1], st[0], st[1]
	switch s.Padding {
	case "", PaddingValid:
		if len(s.Pads) != 0 {
			return fmt.Errorf("pads %v given without explicit padding", s.Pads)
		}
	case PaddingSame:
		// Resolved against the input in sameFor.
		s.pads = sameFor(s.in.h, s.in.w, s.kh, s.kw, s.sh, s.sw)
	case PaddingExplicit:
		if len(s.Pads) != 4 {
			return fmt.Errorf("explicit padding needs 4 pads (top, left, bottom, right), got %v", s.Pads)
		}
		for _, p := range s.Pads {
			if p < 0 {
				return fmt.Errorf("negative padding %v", s.Pads)
			}
		}
		copy(s.pads[:], s.Pads)
	default:
		return fmt.Errorf("unknown padding %q (valid, same or explicit)", s.Padding)
	}
	return nil
}

// sameFor returns Keras' "same" padding (top, left, bottom, right): the
// output side is ceil(input/stride) and the odd extra row or column goes
// to the bottom or right.
func sameFor(h, w, kh, kw, sh, sw int) [4]int {
	total := func(in, k, s int) int {
		out := (in + s - 1) / s
		return max((out-1)*s+k-in, 0)
	}
	th, tw := total(h, kh, sh), total(w, kw, sw)
	return [4]int{th / 2, tw / 2, th - th/2, tw - tw/2}
}

// paramSpecs returns the weight tensors of the steps, in order.
func paramSpecs(steps []step) []paramSpec {
	var specs []paramSpec
	for _, s := range steps {
		specs = append(specs, s.params...)
	}
	return specs
}

// LayerInfo is one row of the layer table (the study's Figure 1).
type LayerInfo struct {
	Name string
	Type string
	// OutputShape is the output of one image, height-width-channels as in
	// the study's table (a flat layer has one dimension).
	OutputShape []int
	Params      int
	// Inputs names the layers it reads ("input" for the picture), in a
	// graph network only (a chain's layers read the row above).
	Inputs []string
}

// kerasType names each kind as Keras' summary does.
var kerasType = map[string]string{Conv2D: "Conv2D", ReLU: "ReLU", MaxPool: "MaxPooling2D", AvgPool: "AveragePooling2D",
	GlobalAvgPool: "GlobalAveragePooling2D", BatchNorm: "BatchNormalization", Dropout: "Dropout", Flatten: "Flatten",
	Dense: "Dense", Softmax: "Softmax", Add: "Add", Mul: "Multiply", Concat: "Concatenate", Clip: "Clip",
	Sigmoid: "Sigmoid", HardSigmoid: "HardSigmoid", HardSwish: "HardSwish", Affine: "Affine",
	ChannelShuffle: "ChannelShuffle", Slice: "Slice", LayerNorm: "LayerNormalization", GELU: "GELU",
	Tokens: "Tokens", ClassToken: "ClassToken", PosEmbed: "PositionEmbedding", Attention: "MultiHeadAttention", Token: "Token"}

// Summary returns the layer table of the model, in the form of the study's
// Figure 1. As in Keras, a ReLU right after a conv or dense layer, and a
// softmax right after the last dense layer, are part of that layer's row.
//
// A graph network's table has a row for every layer, with the layers it
// reads.
func (m *Model) Summary() []LayerInfo {
	var rows []LayerInfo
	graph := isGraph(m.steps)
	for _, s := range m.steps {
		if j := s.ins[0]; !graph && (s.Kind == ReLU || s.Kind == Softmax) && j >= 0 && (m.steps[j].Kind == Conv2D || m.steps[j].Kind == Dense) {
			continue
		}
		var inputs []string
		for _, j := range s.ins {
			if !graph {
				break
			}
			if j < 0 {
				inputs = append(inputs, InputName)
			} else {
				inputs = append(inputs, m.steps[j].Name)
			}
		}
		out := []int{s.out.c}
		if !s.out.flat {
			out = []int{s.out.h, s.out.w, s.out.c}
		}
		n := 0
		for _, p := range s.params {
			n += p.Shape.TotalSize()
		}
		rows = append(rows, LayerInfo{Name: s.Name, Type: kerasType[s.Kind], OutputShape: out, Params: n, Inputs: inputs})
	}
	return rows
}

// TotalParams sums the Params column of a layer table.
func TotalParams(layers []LayerInfo) int {
	t := 0
	for _, l := range layers {
		t += l.Params
	}
	return t
}

// WriteSummary writes the layer table as aligned text with a total line,
// like the study's Figure 1.
func WriteSummary(w io.Writer, layers []LayerInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	graph := slices.ContainsFunc(layers, func(l LayerInfo) bool { return len(l.Inputs) > 0 })
	if graph {
		fmt.Fprintln(tw, "Layer (type)\tOutput shape\tParams\tInputs")
	} else {
		fmt.Fprintln(tw, "Layer (type)\tOutput shape\tParams")
	}
	for _, l := range layers {
		dims := make([]string, len(l.OutputShape))
		for i, d := range l.OutputShape {
			dims[i] = fmt.Sprint(d)
		}
		fmt.Fprintf(tw, "%s (%s)\t(None, %s)\t%s", l.Name, l.Type, strings.Join(dims, ", "), Thousands(l.Params))
		if graph {
			fmt.Fprintf(tw, "\t%s", strings.Join(l.Inputs, ", "))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "Total params: %s\n", Thousands(TotalParams(layers)))
	return tw.Flush()
}

// Thousands formats n, a count (n >= 0), with comma separators (1459204 ->
// "1,459,204"), as the study's Figure 1 writes parameter counts.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
