package training

import (
	"math/rand/v2"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestCropAugment checks the random crops on a picture whose value is its
// column: bilinear sampling of a ramp is a ramp, so every output row must
// be a straight ramp over part of the source, rising when not flipped and
// falling when flipped, and the picture's rows all equal (the source is
// constant down each column). Over many draws both directions, crops
// narrower than the picture and the whole width occur.
func TestCropAugment(t *testing.T) {
	const w, h = 32, 24
	in := engine.Input{Channels: 3, Height: h, Width: w}
	src := make([]float32, in.Len())
	for c := 0; c < 3; c++ {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				src[c*w*h+y*w+x] = float32(x + 100*c)
			}
		}
	}
	dst := make([]float32, in.Len())
	rng := rand.New(rand.NewPCG(3, 4))
	var rising, falling, narrow, whole bool
	for trial := 0; trial < 300; trial++ {
		cropAugment(dst, src, in, 0.35, rng)
		for c := 0; c < 3; c++ {
			p := dst[c*w*h : (c+1)*w*h]
			row := p[:w]
			for y := 1; y < h; y++ {
				for x := 0; x < w; x++ {
					if d := p[y*w+x] - row[x]; d > 1e-4 || d < -1e-4 {
						t.Fatalf("trial %d: row %d differs from row 0 at column %d", trial, y, x)
					}
				}
			}
			// The outermost samples of a scaled-up crop fall outside its
			// pixel centres and are clamped to its edge pixels.
			step := row[w/2] - row[w/2-1]
			for x := 2; x < w-1; x++ {
				if d := row[x] - row[x-1]; d-step > 1e-4 || step-d > 1e-4 {
					t.Fatalf("trial %d: not a ramp at column %d: step %v then %v", trial, x, step, d)
				}
			}
			lo, hi := min(row[0], row[w-1]), max(row[0], row[w-1])
			if lo < float32(100*c) || hi > float32(100*c+w-1) {
				t.Fatalf("trial %d: values %v to %v leave channel %d's range", trial, lo, hi, c)
			}
			span := hi - lo
			switch {
			case step > 0:
				rising = true
			case step < 0:
				falling = true
			}
			if span < float32(w-1)*0.9 {
				narrow = true
			}
			if span > float32(w-1)*0.99 {
				whole = true
			}
			// The smallest crop covers 35 % of the area with an aspect of
			// at most 4:3 to the picture's, so at least sqrt(0.35*3/4) of
			// its width (less rounding and edge clamping).
			if span < float32(w)*0.5-2 {
				t.Fatalf("trial %d: a crop %v wide of %d", trial, span, w)
			}
		}
	}
	if !rising || !falling || !narrow || !whole {
		t.Errorf("crops too narrow a family: rising %v falling %v narrow %v whole %v", rising, falling, narrow, whole)
	}
}
