package collection

import (
	"image"

	"github.com/artlens/artlens/engine"
)

// Step is one layer of a network's spatial path, as far as receptive
// fields go: a window of Kernel pixels moved by Stride, with Pad pixels
// added before the first row and column. Conv marks a conv layer (whose
// output is one of the feature maps).
type Step struct {
	Kernel, Stride, Pad int
	Conv                bool
}

// StudySteps is the study network's path: five 3x3 conv layers without
// padding, with a 2x2 max pooling after conv layers 1, 3 and 5.
var StudySteps = []Step{
	{3, 1, 0, true}, {2, 2, 0, false},
	{3, 1, 0, true},
	{3, 1, 0, true}, {2, 2, 0, false},
	{3, 1, 0, true},
	{3, 1, 0, true}, {2, 2, 0, false},
}

// Field is the receptive field of the cells of one conv layer's maps: cell
// (y, x) sees the input square of side Size whose top-left pixel is
// (Start + y*Jump, Start + x*Jump), Start being negative where padding lies
// before the input.
type Field struct {
	Size, Jump, Start int
}

// Fields returns the receptive field of each conv layer of steps, in order.
// Each step widens the field by (Kernel-1) times the jump so far and
// multiplies the jump by its stride; padding moves the start back.
func Fields(steps []Step) []Field {
	var out []Field
	f := Field{Size: 1, Jump: 1}
	for _, s := range steps {
		f.Size += (s.Kernel - 1) * f.Jump
		f.Start -= s.Pad * f.Jump
		f.Jump *= s.Stride
		if s.Conv {
			out = append(out, f)
		}
	}
	return out
}

// Region returns the input pixels that cell (y, x) sees, clipped to an
// input of w x h pixels.
func (f Field) Region(y, x, w, h int) image.Rectangle {
	x0, y0 := f.Start+x*f.Jump, f.Start+y*f.Jump
	return image.Rect(x0, y0, x0+f.Size, y0+f.Size).Intersect(image.Rect(0, 0, w, h))
}

// ModelFields returns the receptive fields of m's conv layers, in the
// order of its activations, worked out from its architecture (kernels,
// strides and padding of its conv and pooling layers; "same" padding puts
// the odd row or column at the bottom and right, as Keras does). It is nil
// when they cannot be: a window that is not square, a conv layer after
// a global pooling, or a graph (layers that name their inputs).
func ModelFields(m *engine.Model) []Field {
	arch := m.Arch()
	h, w := arch.Input.Height, arch.Input.Width
	var steps []Step
	global := false
	for _, l := range arch.Layers {
		if len(l.Inputs) > 0 || l.CeilMode {
			// A graph's conv layers need not lie on one chain, and a
			// pooling that rounds up changes the sizes: not worked out.
			return nil
		}
		switch l.Kind {
		case engine.Conv2D, engine.MaxPool, engine.AvgPool:
			if global {
				return nil
			}
			k, ok := square(l.Kernel, 0)
			if !ok {
				return nil
			}
			def := 1
			if l.Kind != engine.Conv2D {
				def = k
			}
			st, ok := square(l.Stride, def)
			if !ok {
				return nil
			}
			pad := 0
			var outH, outW int
			switch l.Padding {
			case engine.PaddingSame:
				outH, outW = (h+st-1)/st, (w+st-1)/st
				ph := max((outH-1)*st+k-h, 0)
				pw := max((outW-1)*st+k-w, 0)
				if ph/2 != pw/2 {
					return nil
				}
				pad = ph / 2
			case engine.PaddingExplicit:
				if len(l.Pads) != 4 || l.Pads[0] != l.Pads[1] {
					return nil
				}
				pad = l.Pads[0]
				outH = (h+l.Pads[0]+l.Pads[2]-k)/st + 1
				outW = (w+l.Pads[1]+l.Pads[3]-k)/st + 1
			default:
				outH, outW = (h-k)/st+1, (w-k)/st+1
			}
			steps = append(steps, Step{Kernel: k, Stride: st, Pad: pad, Conv: l.Kind == engine.Conv2D})
			h, w = outH, outW
		case engine.GlobalAvgPool, engine.Flatten, engine.Dense:
			global = true
		}
	}
	return Fields(steps)
}

// square returns the side of a window given as one or two values (def when
// none), and false when the two differ.
func square(v []int, def int) (int, bool) {
	switch {
	case len(v) == 0:
		return def, def > 0
	case len(v) == 1:
		return v[0], true
	case len(v) == 2 && v[0] == v[1]:
		return v[0], true
	}
	return 0, false
}
