package dataset

import (
	"math"

	"github.com/artlens/artlens/picture"
)

// ToGray turns every image of d into one channel, the luma that
// picture.ToInputShape gives for a grayscale model, so that a model of
// grayscale input trains and evaluates on the pictures it will be shown.
// The splits must hold RGB images (3*Size*Size values each).
func (d *Data) ToGray() {
	for _, s := range []*Split{&d.Train, &d.Val, &d.Test} {
		s.X = grayOf(s.X, d.Size*d.Size)
	}
}

// grayOf converts CHW RGB images of plane pixels each to one channel.
func grayOf(x []float32, plane int) []float32 {
	n := len(x) / (3 * plane)
	out := make([]float32, n*plane)
	to8 := func(v float32) uint8 { return uint8(math.Round(float64(v) * 255)) }
	for i := 0; i < n; i++ {
		img := x[i*3*plane : (i+1)*3*plane]
		for p := 0; p < plane; p++ {
			out[i*plane+p] = float32(picture.Luma(to8(img[p]), to8(img[plane+p]), to8(img[2*plane+p]))) / 255
		}
	}
	return out
}
