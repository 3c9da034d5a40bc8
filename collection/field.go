package collection

import "image"

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

// FieldsFor returns the receptive fields of the conv layers of a model with
// this layout and an input of w x h pixels when its spatial path is the
// study's (StudySteps gives exactly its map sizes), and nil when it is not
// known: callers then mark the whole picture.
func FieldsFor(layout Layout, w, h int) []Field {
	var convs []LayerShape
	for _, s := range StudySteps {
		w = (w+2*s.Pad-s.Kernel)/s.Stride + 1
		h = (h+2*s.Pad-s.Kernel)/s.Stride + 1
		if s.Conv {
			convs = append(convs, LayerShape{Height: h, Width: w})
		}
	}
	if len(convs) != len(layout) {
		return nil
	}
	for i, s := range layout {
		if s.Height != convs[i].Height || s.Width != convs[i].Width {
			return nil
		}
	}
	return Fields(StudySteps)
}
