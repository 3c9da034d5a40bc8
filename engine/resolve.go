package engine

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"
)

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
		case WindowAttention:
			if err := windowLayerOK(l, cur); err != nil {
				return nil, fmt.Errorf("%s: %w", where(), err)
			}
			n := l.Window[0] * l.Window[1]
			s.params = append(s.params, paramSpec{Name: s.Name + ".relative_position_bias", Shape: tensor.Shape{l.Heads, n, n}})
			crop := windowCrop(l, cur.h, cur.w)
			cur = shape{c: cur.c / 3, h: crop[0], w: crop[1]}
		case PatchMerge:
			if cur.flat || cur.h%2 != 0 || cur.w%2 != 0 {
				return nil, fmt.Errorf("%s: a patch merge needs maps of even height and width, not %s", where(), cur)
			}
			cur = shape{c: cur.c * 4, h: cur.h / 2, w: cur.w / 2}
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
