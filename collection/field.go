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

// ModelFields returns the receptive fields of m's places (Model.Places), in
// their order (the order of its activations: a chain's conv layers, a
// graph's conv layers then its other places), worked out from its
// architecture: kernels, strides and padding of its conv and pooling
// layers ("same" padding puts the odd row or column at the bottom and
// right, as Keras does). In a graph, a layer that reads several (an Add,
// a Concat) sees what any of them sees: its field is the smallest square
// that holds theirs, the largest over the paths from the input, as is
// usual. A value per channel spread over maps (a squeeze-excitation's
// scale, read by Mul or Add) is not followed: it sees the whole picture
// through its global pooling, and following it would make every place
// after the first such block see the whole picture, which says nothing of
// where a peak lies. A global pooling's cell sees all of its map. It is
// nil when the fields cannot be told: a window or a padding that is not
// square, or a place after a flattening.
func ModelFields(m *engine.Model) []Field {
	arch := m.Arch()
	names := engine.LayerNames(arch.Layers)
	// The output size of every layer, from the layer table (a chain's
	// table leaves out the ReLUs it fuses, which change no size).
	sides := map[string][2]int{engine.InputName: {arch.Input.Height, arch.Input.Width}}
	for _, r := range m.Summary() {
		if len(r.OutputShape) == 3 {
			sides[r.Name] = [2]int{r.OutputShape[0], r.OutputShape[1]}
		}
	}
	type state struct {
		f    Field
		h, w int
		// flat marks a layer after a flattening (no maps), perChannel one
		// value per channel (1x1 after a global pooling).
		flat, perChannel bool
	}
	at := map[string]state{engine.InputName: {f: Field{Size: 1, Jump: 1}, h: arch.Input.Height, w: arch.Input.Width}}
	prev := engine.InputName
	for i, l := range arch.Layers {
		ins := l.Inputs
		if len(ins) == 0 {
			ins = []string{prev}
		}
		prev = names[i]
		in, ok := at[ins[0]]
		if !ok {
			return nil // cannot happen in a model that was built
		}
		s := in
		if len(ins) > 1 {
			// The union of the fields of the inputs that carry maps.
			var maps []state
			for _, n := range ins {
				if !at[n].perChannel {
					maps = append(maps, at[n])
				}
			}
			if len(maps) == 0 { // values per channel only
				maps = []state{in}
			}
			s = maps[0]
			for _, o := range maps[1:] {
				s.flat = s.flat || o.flat
				start := min(s.f.Start, o.f.Start)
				end := max(s.f.Start+s.f.Size, o.f.Start+o.f.Size)
				s.f = Field{Size: end - start, Jump: max(s.f.Jump, o.f.Jump), Start: start}
			}
		}
		switch l.Kind {
		case engine.Conv2D, engine.MaxPool, engine.AvgPool:
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
			switch l.Padding {
			case engine.PaddingSame:
				outH, outW := (s.h+st-1)/st, (s.w+st-1)/st
				ph := max((outH-1)*st+k-s.h, 0)
				pw := max((outW-1)*st+k-s.w, 0)
				if ph/2 != pw/2 {
					return nil
				}
				pad = ph / 2
			case engine.PaddingExplicit:
				if len(l.Pads) != 4 || l.Pads[0] != l.Pads[1] {
					return nil
				}
				pad = l.Pads[0]
			}
			s.f.Size += (k - 1) * s.f.Jump
			s.f.Start -= pad * s.f.Jump
			s.f.Jump *= st
		case engine.GlobalAvgPool:
			// One window as large as the map.
			k := max(s.h, s.w)
			s.f.Size += (k - 1) * s.f.Jump
			s.f.Jump *= k
			s.perChannel = true
		case engine.Flatten, engine.Dense:
			s.flat = true
		}
		if side, ok := sides[names[i]]; ok {
			s.h, s.w = side[0], side[1]
		}
		at[names[i]] = s
	}
	var out []Field
	for _, p := range m.Places() {
		s, ok := at[p.Name]
		if !ok || s.flat {
			return nil
		}
		out = append(out, s.f)
	}
	return out
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
