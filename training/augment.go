package training

import "math/rand/v2"

// maxShift is the largest translation, in pixels, of the small random crops.
const maxShift = 4

// augment writes into dst (3*size*size values) the image src after a random
// horizontal flip (half the time) and a random shift of up to maxShift
// pixels in each direction, borders filled by repeating the edge pixels.
// This is a crop of the image padded by maxShift, the usual "small crops".
func augment(dst, src []float32, size int, rng *rand.Rand) {
	flip := rng.IntN(2) == 1
	dx := rng.IntN(2*maxShift+1) - maxShift
	dy := rng.IntN(2*maxShift+1) - maxShift
	plane := size * size
	for c := 0; c < 3; c++ {
		s := src[c*plane : (c+1)*plane]
		d := dst[c*plane : (c+1)*plane]
		for y := 0; y < size; y++ {
			sy := clamp(y+dy, size)
			row := s[sy*size : (sy+1)*size]
			out := d[y*size : (y+1)*size]
			for x := 0; x < size; x++ {
				sx := x + dx
				if flip {
					sx = size - 1 - x + dx
				}
				out[x] = row[clamp(sx, size)]
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
