package training

import (
	"math"
	"math/rand/v2"

	"github.com/artlens/artlens/engine"
)

// maxShift is the largest translation, in pixels, of the small random
// crops for pictures side pixels across: 4 for the study's 64 (its
// recipe), a sixteenth of the side for larger inputs (6 at 96, as the
// reference residual recipe of issue 20 used), so that a shift moves the
// picture's content by the same share at every size.
func maxShift(side int) int { return max(4, side/16) }

// augment writes into dst the image src (in.Len() values, CHW) after a
// random horizontal flip (half the time) and a random shift of up to
// maxShift pixels in each direction, borders filled by repeating the edge
// pixels. This is a crop of the image padded by maxShift, the usual "small
// crops".
func augment(dst, src []float32, in engine.Input, rng *rand.Rand) {
	flip := rng.IntN(2) == 1
	ms := maxShift(min(in.Width, in.Height))
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

// cropAugment writes into dst the image src (in.Len() values, CHW) after a
// random horizontal flip (half the time) and a random crop scaled back to
// the input's size with bilinear interpolation: the crop covers a share of
// the picture's area drawn uniformly from [minArea, 1], its aspect ratio
// drawn log-uniformly from 3:4 to 4:3 (torchvision's RandomResizedCrop,
// whose default smallest share, 0.08, is for ImageNet's million pictures;
// a few thousand need milder crops).
func cropAugment(dst, src []float32, in engine.Input, minArea float64, rng *rand.Rand) {
	flip := rng.IntN(2) == 1
	w, h := in.Width, in.Height
	area := minArea + (1-minArea)*rng.Float64()
	ratio := math.Exp(math.Log(3.0/4) + (math.Log(4.0/3)-math.Log(3.0/4))*rng.Float64())
	cw := min(w, max(1, int(math.Round(math.Sqrt(area*ratio)*float64(w)))))
	ch := min(h, max(1, int(math.Round(math.Sqrt(area/ratio)*float64(h)))))
	x0 := float64(rng.IntN(w - cw + 1))
	y0 := float64(rng.IntN(h - ch + 1))
	sx, sy := float64(cw)/float64(w), float64(ch)/float64(h)
	// Source coordinates and weights of each output column and row, the
	// same for every channel (pixel centres aligned, as image resizers do).
	xs := make([]lerp, w)
	for x := range xs {
		ox := x
		if flip {
			ox = w - 1 - x
		}
		xs[x] = newLerp(x0+(float64(ox)+0.5)*sx-0.5, x0, cw)
	}
	ys := make([]lerp, h)
	for y := range ys {
		ys[y] = newLerp(y0+(float64(y)+0.5)*sy-0.5, y0, ch)
	}
	plane := w * h
	for c := 0; c < in.Channels; c++ {
		s := src[c*plane : (c+1)*plane]
		d := dst[c*plane : (c+1)*plane]
		for y, ly := range ys {
			r0, r1 := s[ly.i0*w:(ly.i0+1)*w], s[ly.i1*w:(ly.i1+1)*w]
			out := d[y*w : (y+1)*w]
			for x, lx := range xs {
				top := r0[lx.i0]*(1-lx.t) + r0[lx.i1]*lx.t
				bottom := r1[lx.i0]*(1-lx.t) + r1[lx.i1]*lx.t
				out[x] = top*(1-ly.t) + bottom*ly.t
			}
		}
	}
}

// lerp is a sample between two source pixels: (1-t) of i0 and t of i1.
type lerp struct {
	i0, i1 int
	t      float32
}

// newLerp places the source coordinate f within the crop [lo, lo+n) of
// whole pixels, clamped to its edge pixels.
func newLerp(f, lo float64, n int) lerp {
	f = min(max(f, lo), lo+float64(n-1))
	i0 := int(math.Floor(f))
	i1 := min(i0+1, int(lo)+n-1)
	return lerp{i0: i0, i1: i1, t: float32(f - float64(i0))}
}
