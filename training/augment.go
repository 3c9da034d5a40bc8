package training

import (
	"math/rand/v2"

	"github.com/artlens/artlens/engine"
)

// MaxShift is the largest translation, in pixels, of the small random
// crops for pictures side pixels across: 4 for the study's 64 (its
// recipe), a sixteenth of the side for larger inputs (6 at 96, as the
// reference residual recipe of issue 20 used), so that a shift moves the
// picture's content by the same share at every size.
func MaxShift(side int) int { return max(4, side/16) }

// augment writes into dst the image src (in.Len() values, CHW) after a
// random horizontal flip (half the time) and a random shift of up to
// MaxShift pixels in each direction, borders filled by repeating the edge
// pixels. This is a crop of the image padded by MaxShift, the usual "small
// crops".
func augment(dst, src []float32, in engine.Input, rng *rand.Rand) {
	flip := rng.IntN(2) == 1
	ms := MaxShift(min(in.Width, in.Height))
	dx := rng.IntN(2*ms+1) - ms
	dy := rng.IntN(2*ms+1) - ms
	w, h := in.Width, in.Height
	plane := w * h
	for c := 0; c < in.Channels; c++ {
		s := src[c*plane : (c+1)*plane]
		d := dst[c*plane : (c+1)*plane]
		for y := 0; y < h; y++ {
			sy := clamp(y+dy, h)
			row := s[sy*w : (sy+1)*w]
			out := d[y*w : (y+1)*w]
			for x := 0; x < w; x++ {
				sx := x + dx
				if flip {
					sx = w - 1 - x + dx
				}
				out[x] = row[clamp(sx, w)]
			}
		}
	}
}

func clamp(i, n int) int {
	if i < 0 {
		return 0
	}
	if i >= n {
		return n - 1
	}
	return i
}
