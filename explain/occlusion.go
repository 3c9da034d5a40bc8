package explain

import (
	"context"
	"fmt"

	"github.com/artlens/artlens/engine"
)

// OcclusionOptions configures Occlusion. The zero value gives the default.
type OcclusionOptions struct {
	// Patch is the side of the square patch in input pixels (of 64);
	// 0 means DefaultPatch.
	Patch int
	// Stride is the step between positions; 0 means DefaultStride.
	Stride int
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

// MeanColor returns the mean of each channel of input (CHW, 3 channels).
func MeanColor(input []float32) [3]float32 {
	plane := len(input) / 3
	var mean [3]float32
	for c := 0; c < 3; c++ {
		var s float64
		for _, v := range input[c*plane : (c+1)*plane] {
			s += float64(v)
		}
		mean[c] = float32(s / float64(plane))
	}
	return mean
}

// Occlude returns a copy of input (CHW, 3 channels, side x side) with the
// patch x patch square at (x, y) painted in colour.
func Occlude(input []float32, side, x, y, patch int, colour [3]float32) []float32 {
	out := append([]float32(nil), input...)
	plane := side * side
	for c := 0; c < 3; c++ {
		for r := y; r < min(y+patch, side); r++ {
			row := out[c*plane+r*side:]
			for q := x; q < min(x+patch, side); q++ {
				row[q] = colour[c]
			}
		}
	}
	return out
}

// Occlusion explains input (3*64*64 values, CHW) for class (-1: the
// predicted class): a patch of the input's mean colour slides over it, and
// the map's cell (r, c) is the class's probability minus its probability
// with the patch at row position r and column position c (positions as
// OcclusionPatchStarts returns). It stops with ctx's error when ctx is
// cancelled.
func Occlusion(ctx context.Context, m *engine.Model, input []float32, class int, opt OcclusionOptions) (Map, error) {
	size := engine.InputSize
	if len(input) != 3*size*size {
		return Map{}, fmt.Errorf("explain: input has %d values, want %d", len(input), 3*size*size)
	}
	patch, stride := opt.Patch, opt.Stride
	if patch == 0 {
		patch = DefaultPatch
	}
	if stride == 0 {
		stride = DefaultStride
	}
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
	starts := positions(size, patch, stride)
	n := len(starts)
	colour := MeanColor(input)
	values := make([]float32, 0, n*n)
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
	for _, y := range starts {
		for _, x := range starts {
			if err := ctx.Err(); err != nil {
				return Map{}, err
			}
			batch = append(batch, Occlude(input, size, x, y, patch, colour)...)
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
	return Map{Method: MethodOcclusion, Class: class, Width: n, Height: n, Values: values, Probabilities: probs}, nil
}

// OcclusionPatchStarts returns the top-left coordinates (in input pixels)
// of the patch positions of one row or column of an occlusion map made
// with opt (zero fields meaning the defaults).
func OcclusionPatchStarts(opt OcclusionOptions) []int {
	if opt.Patch == 0 {
		opt.Patch = DefaultPatch
	}
	if opt.Stride == 0 {
		opt.Stride = DefaultStride
	}
	return positions(engine.InputSize, opt.Patch, opt.Stride)
}
