package explain

import (
	"context"
	"fmt"

	"github.com/artlens/artlens/engine"
)

// OcclusionOptions configures Occlusion. The zero value gives the default.
type OcclusionOptions struct {
	// Patch is the side of the square patch in pixels of the network's
	// input; 0 means DefaultPatch for a 64-pixel input, in proportion to
	// the input's shorter side for others.
	Patch int
	// Stride is the step between positions; 0 means DefaultStride, in
	// proportion like Patch.
	Stride int
}

// For returns o with its zero fields set to the defaults for input in.
func (o OcclusionOptions) For(in engine.Input) OcclusionOptions {
	side := min(in.Width, in.Height)
	scaled := func(v int) int { return max(1, (v*side+engine.InputSize/2)/engine.InputSize) }
	if o.Patch == 0 {
		o.Patch = scaled(DefaultPatch)
	}
	if o.Stride == 0 {
		o.Stride = scaled(DefaultStride)
	}
	return o
}

// The default patch and stride give 7x7 = 49 positions: 0.7-1.0 s on a
// busy 2-core machine (about 15 ms per image through the network), where a
// stride of 6 (81 positions) took 1.3 s.
const (
	DefaultPatch  = 16
	DefaultStride = 8
)

// batchSize is the number of occluded images per network run. Small
// batches are faster with gorgonia on 2 cores (49 images: 0.65-0.95 s in
// batches of 7, 1.0-1.8 s in one batch of 49) and cancel sooner.
const batchSize = 7

// positions returns the top-left coordinates of a patch sliding over size
// pixels: 0, stride, 2*stride, ..., and size-patch so the far edge is
// covered too.
func positions(size, patch, stride int) []int {
	var out []int
	for p := 0; p+patch <= size; p += stride {
		out = append(out, p)
	}
	if last := size - patch; len(out) == 0 || out[len(out)-1] != last {
		out = append(out, last)
	}
	return out
}

// MeanColor returns the mean of each of the channels of input (CHW).
func MeanColor(input []float32, channels int) []float32 {
	plane := len(input) / channels
	mean := make([]float32, channels)
	for c := 0; c < channels; c++ {
		var s float64
		for _, v := range input[c*plane : (c+1)*plane] {
			s += float64(v)
		}
		mean[c] = float32(s / float64(plane))
	}
	return mean
}

// Occlude returns a copy of input (CHW: len(colour) channels of width x
// height) with the patch x patch square at (x, y) painted in colour.
func Occlude(input []float32, width, height, x, y, patch int, colour []float32) []float32 {
	out := append([]float32(nil), input...)
	plane := width * height
	for c := range colour {
		for r := y; r < min(y+patch, height); r++ {
			row := out[c*plane+r*width:]
			for q := x; q < min(x+patch, width); q++ {
				row[q] = colour[c]
			}
		}
	}
	return out
}

// Occlusion explains input (m.Input().Len() values, CHW) for class (-1:
// the predicted class): a patch of the input's mean colour slides over it,
// and the map's cell (r, c) is the class's probability minus its
// probability with the patch at row position r and column position c
// (positions as OcclusionPatchStarts returns for the input's height and
// width). It stops with ctx's error when ctx is cancelled.
func Occlusion(ctx context.Context, m *engine.Model, input []float32, class int, opt OcclusionOptions) (Map, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return Map{}, fmt.Errorf("explain: input has %d values, want %d", len(input), in.Len())
	}
	size := min(in.Width, in.Height)
	opt = opt.For(in)
	patch, stride := opt.Patch, opt.Stride
	if patch < 1 || patch > size || stride < 1 || stride > size {
		return Map{}, fmt.Errorf("explain: occlusion patch %d and stride %d must be 1 to %d", patch, stride, size)
	}
	base, err := m.Predict(input) // the model's cached graph
	if err != nil {
		return Map{}, err
	}
	probs := base.Probabilities
	if class < 0 {
		class = engine.Argmax(probs)
	}
	if class >= len(probs) {
		return Map{}, fmt.Errorf("explain: class %d out of range 0..%d", class, len(probs)-1)
	}
	rows, cols := positions(in.Height, patch, stride), positions(in.Width, patch, stride)
	colour := MeanColor(input, in.Channels)
	values := make([]float32, 0, len(rows)*len(cols))
	batch := make([]float32, 0, batchSize*len(input))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		out, err := m.PredictBatch(batch, len(batch)/len(input))
		if err != nil {
			return err
		}
		for _, p := range out {
			values = append(values, probs[class]-p[class])
		}
		batch = batch[:0]
		return ctx.Err()
	}
	for _, y := range rows {
		for _, x := range cols {
			if err := ctx.Err(); err != nil {
				return Map{}, err
			}
			batch = append(batch, Occlude(input, in.Width, in.Height, x, y, patch, colour)...)
			if len(batch) == batchSize*len(input) {
				if err := flush(); err != nil {
					return Map{}, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return Map{}, err
	}
	return Map{Method: MethodOcclusion, Class: class, Width: len(cols), Height: len(rows), Values: values, Probabilities: probs}, nil
}

// OcclusionPatchStarts returns the coordinates (in input pixels) where the
// patches of an occlusion map made with opt start along an input side of
// size pixels: the columns for the width, the rows for the height. Zero
// fields mean the defaults of a 64-pixel input; fill them with opt.For for
// other inputs.
func OcclusionPatchStarts(size int, opt OcclusionOptions) []int {
	if opt.Patch == 0 {
		opt.Patch = DefaultPatch
	}
	if opt.Stride == 0 {
		opt.Stride = DefaultStride
	}
	return positions(size, opt.Patch, opt.Stride)
}

// OcclusionPixels spreads an occlusion map (mp, made with opt for input
// in) over the input's pixels as Captum's Occlusion attributes it: each
// pixel gets the mean of the drops of every patch position that covers
// it (0 for a pixel no patch covers). The result has in.Width*in.Height
// values, row-major.
func OcclusionPixels(mp Map, in engine.Input, opt OcclusionOptions) ([]float32, error) {
	opt = opt.For(in)
	rows := OcclusionPatchStarts(in.Height, opt)
	cols := OcclusionPatchStarts(in.Width, opt)
	if mp.Width != len(cols) || mp.Height != len(rows) || len(mp.Values) != mp.Width*mp.Height {
		return nil, fmt.Errorf("explain: an occlusion map of %dx%d positions is not one made with patch %d, stride %d on a %dx%d input",
			mp.Width, mp.Height, opt.Patch, opt.Stride, in.Width, in.Height)
	}
	sum := make([]float64, in.Width*in.Height)
	count := make([]int, len(sum))
	for r, y := range rows {
		for c, x := range cols {
			v := float64(mp.Values[r*mp.Width+c])
			for py := y; py < min(y+opt.Patch, in.Height); py++ {
				for px := x; px < min(x+opt.Patch, in.Width); px++ {
					sum[py*in.Width+px] += v
					count[py*in.Width+px]++
				}
			}
		}
	}
	out := make([]float32, len(sum))
	for i, s := range sum {
		if count[i] > 0 {
			out[i] = float32(s / float64(count[i]))
		}
	}
	return out, nil
}
