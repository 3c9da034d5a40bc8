package picture

import (
	"image"
	"image/draw"
)

// Thumbnail returns img scaled down, keeping its aspect ratio, so that its
// longer side is at most side pixels (img itself when it is small enough).
// Each pixel of the result is the mean of the part of img it covers, each
// pixel of img weighted by the area it shares with it (area averaging, as
// OpenCV's INTER_AREA): nothing is sampled over, so fine detail turns into
// its mean colour instead of aliasing. img is converted once, a row at a
// time, and each of its pixels is added to at most four of the result's:
// a thumbnail costs about what converting the picture does. (It was made
// by Catmull-Rom before, whose taps converted each pixel of a JPEG a dozen
// times: half of the Collection view's work on a picture beside the
// network's.)
func Thumbnail(img image.Image, side int) image.Image {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= side && sh <= side {
		return img
	}
	dw, dh := side, side
	if sw >= sh {
		dh = max(1, sh*side/sw)
	} else {
		dw = max(1, sw*side/sh)
	}
	// In units where a source pixel is dw (dh) wide (high), a pixel of
	// the result is sw (sh): column x of img is [x*dw, (x+1)*dw), column
	// d of the result [d*sw, (d+1)*sw). A source column overlaps at most
	// two of the result's, to and to+1, with weights w and dw-w.
	to := make([]int, sw)
	w := make([]uint32, sw)
	for x := range sw {
		to[x] = x * dw / sw
		w[x] = uint32(min((x+1)*dw, (to[x]+1)*sw) - x*dw)
	}
	row := image.NewRGBA(image.Rect(0, 0, sw, 1))
	across := make([]uint32, 4*dw) // one source row, summed across
	// down holds the result's rows r and r+1 being summed (at most 255 *
	// sw*sh each, too much for 32 bits in a large picture).
	down := [2][]uint64{make([]uint64, 4*dw), make([]uint64, 4*dw)}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	total := uint64(sw) * uint64(sh)
	r := 0
	for y := range sh {
		draw.Draw(row, row.Rect, img, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
		clear(across)
		for x := range sw {
			p := row.Pix[4*x : 4*x+4 : 4*x+4]
			d, wx := 4*to[x], w[x]
			a := across[d : d+4 : d+4]
			a[0] += uint32(p[0]) * wx
			a[1] += uint32(p[1]) * wx
			a[2] += uint32(p[2]) * wx
			a[3] += uint32(p[3]) * wx
			if rest := uint32(dw) - wx; rest > 0 {
				a := across[d+4 : d+8 : d+8]
				a[0] += uint32(p[0]) * rest
				a[1] += uint32(p[1]) * rest
				a[2] += uint32(p[2]) * rest
				a[3] += uint32(p[3]) * rest
			}
		}
		// Row y is [y*dh, (y+1)*dh); the result's row r ends at (r+1)*sh.
		wy := uint64(min((y+1)*dh, (r+1)*sh) - y*dh)
		rest := uint64(dh) - wy
		for i, v := range across {
			down[0][i] += uint64(v) * wy
			if rest > 0 {
				down[1][i] += uint64(v) * rest
			}
		}
		for r < dh && (y+1)*dh >= (r+1)*sh {
			dst := out.Pix[r*out.Stride : r*out.Stride+4*dw]
			for i, v := range down[0] {
				dst[i] = uint8((v + total/2) / total)
			}
			down[0], down[1] = down[1], down[0]
			clear(down[1])
			r++
		}
	}
	return out
}
