package engine

import (
	"encoding/json"
	"fmt"
	"io"
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

// Layer kinds of an Arch. The set is fixed: it is what the small sequential
// CNNs of a class use, and what package importer maps ONNX graphs onto.
const (
	Conv2D           = "conv2d"
	ReLU             = "relu"
	MaxPool          = "maxpool"
	AvgPool          = "avgpool"
	GlobalAvgPool    = "globalavgpool"
	BatchNorm        = "batchnorm"
	Dropout          = "dropout"
	Flatten          = "flatten"
	Dense            = "dense"
	Softmax          = "softmax"
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
	// a Softmax may only be last.
	Layers []Layer `json:"layers"`
}

// Layer is one layer of an Arch. Which fields count depends on Kind.
type Layer struct {
	Kind string `json:"kind"`
	// Name names the layer in the summary and its tensors ("conv1" gives
	// "conv1.weight"); empty means a name from the kind and its count.
	Name string `json:"name,omitempty"`
	// Filters is a Conv2D's number of output channels.
	Filters int `json:"filters,omitempty"`
	// Kernel is the window (height, width) of a Conv2D or pooling; one
	// value means a square window.
	Kernel []int `json:"kernel,omitempty"`
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
	// Units is a Dense's number of outputs; 0 on the last Dense means one
	// per class.
	Units int `json:"units,omitempty"`
	// Rate is a Dropout's share of units dropped while training.
	Rate float64 `json:"rate,omitempty"`
	// Epsilon is a BatchNorm's variance epsilon (0 means 1e-5, PyTorch's).
	// A BatchNorm normalises each channel of feature maps, or each unit of
	// a flat vector (after a dense layer).
	Epsilon float64 `json:"epsilon,omitempty"`
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
// padding (top, left, bottom, right), its input and output, and its
// weight tensors.
type step struct {
	Layer
	kh, kw, sh, sw int
	pads           [4]int
	in, out        shape
	params         []paramSpec
	// relu is set on a conv layer followed by a ReLU: its activation is
	// taken after the ReLU.
	relu bool
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
	lastDense := -1
	for i, l := range a.Layers {
		if l.Kind == Dense {
			lastDense = i
		}
	}
	cur := shape{c: in.Channels, h: in.Height, w: in.Width}
	counts := map[string]int{}
	names := map[string]bool{}
	var steps []step
	for i, l := range a.Layers {
		s := step{Layer: l, in: cur}
		where := func() string {
			if s.Name != "" {
				return fmt.Sprintf("layer %d (%s)", i+1, s.Name)
			}
			return fmt.Sprintf("layer %d (%s)", i+1, l.Kind)
		}
		base, ok := map[string]string{Conv2D: "conv", ReLU: "relu", MaxPool: "pool", AvgPool: "pool",
			GlobalAvgPool: "global_pool", BatchNorm: "bn", Dropout: "dropout", Flatten: "flatten", Dense: "dense", Softmax: "softmax"}[l.Kind]
		if !ok {
			return nil, fmt.Errorf("layer %d: unknown kind %q (known: conv2d, relu, maxpool, avgpool, globalavgpool, batchnorm, dropout, flatten, dense, softmax)", i+1, l.Kind)
		}
		counts[base]++
		if s.Name == "" {
			s.Name = fmt.Sprintf("%s%d", base, counts[base])
			if (base == "flatten" || base == "softmax") && counts[base] == 1 {
				s.Name = base
			}
		}
		if names[s.Name] {
			return nil, fmt.Errorf("%s: the name %q is used twice", where(), s.Name)
		}
		names[s.Name] = true
		spatial := l.Kind == Conv2D || l.Kind == MaxPool || l.Kind == AvgPool || l.Kind == GlobalAvgPool
		if spatial && cur.flat {
			return nil, fmt.Errorf("%s: a %s needs feature maps, but its input is flat (%d values)", where(), l.Kind, cur.c)
		}
		switch l.Kind {
		case Conv2D, MaxPool, AvgPool:
			if err := s.window(l.Kind == Conv2D); err != nil {
				return nil, fmt.Errorf("%s: %w", where(), err)
			}
			oh := (cur.h+s.pads[0]+s.pads[2]-s.kh)/s.sh + 1
			ow := (cur.w+s.pads[1]+s.pads[3]-s.kw)/s.sw + 1
			if cur.h+s.pads[0]+s.pads[2] < s.kh || cur.w+s.pads[1]+s.pads[3] < s.kw {
				return nil, fmt.Errorf("%s: a %dx%d window does not fit maps of %dx%d", where(), s.kw, s.kh, cur.w, cur.h)
			}
			if l.Kind == MaxPool && (s.pads[0] >= s.kh || s.pads[2] >= s.kh || s.pads[1] >= s.kw || s.pads[3] >= s.kw) {
				return nil, fmt.Errorf("%s: padding %v is as large as the window", where(), s.pads)
			}
			c := cur.c
			if l.Kind == Conv2D {
				if l.Filters < 1 {
					return nil, fmt.Errorf("%s: a conv layer needs filters", where())
				}
				c = l.Filters
				fanIn, fanOut := cur.c*s.kh*s.kw, c*s.kh*s.kw
				s.params = append(s.params, paramSpec{Name: s.Name + ".weight", Shape: tensor.Shape{c, cur.c, s.kh, s.kw}, FanIn: fanIn, FanOut: fanOut})
				if !l.NoBias {
					s.params = append(s.params, paramSpec{Name: s.Name + ".bias", Shape: tensor.Shape{c}})
				}
				s.relu = i+1 < len(a.Layers) && a.Layers[i+1].Kind == ReLU
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
		}
		s.out = cur
		steps = append(steps, s)
	}
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
}

// kerasType names each kind as Keras' summary does.
var kerasType = map[string]string{Conv2D: "Conv2D", ReLU: "ReLU", MaxPool: "MaxPooling2D", AvgPool: "AveragePooling2D",
	GlobalAvgPool: "GlobalAveragePooling2D", BatchNorm: "BatchNormalization", Dropout: "Dropout", Flatten: "Flatten",
	Dense: "Dense", Softmax: "Softmax"}

// Summary returns the layer table of the model, in the form of the study's
// Figure 1. As in Keras, a ReLU right after a conv or dense layer, and a
// softmax right after the last dense layer, are part of that layer's row.
func (m *Model) Summary() []LayerInfo {
	var rows []LayerInfo
	for i, s := range m.steps {
		if (s.Kind == ReLU || s.Kind == Softmax) && i > 0 && (m.steps[i-1].Kind == Conv2D || m.steps[i-1].Kind == Dense) {
			continue
		}
		out := []int{s.out.c}
		if !s.out.flat {
			out = []int{s.out.h, s.out.w, s.out.c}
		}
		n := 0
		for _, p := range s.params {
			n += p.Shape.TotalSize()
		}
		rows = append(rows, LayerInfo{Name: s.Name, Type: kerasType[s.Kind], OutputShape: out, Params: n})
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
	fmt.Fprintln(tw, "Layer (type)\tOutput shape\tParams")
	for _, l := range layers {
		dims := make([]string, len(l.OutputShape))
		for i, d := range l.OutputShape {
			dims[i] = fmt.Sprint(d)
		}
		fmt.Fprintf(tw, "%s (%s)\t(None, %s)\t%s\n", l.Name, l.Type, strings.Join(dims, ", "), thousands(l.Params))
	}
	fmt.Fprintf(tw, "Total params: %s\n", thousands(TotalParams(layers)))
	return tw.Flush()
}

// thousands formats n with comma separators (1459204 -> "1,459,204").
func thousands(n int) string {
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
