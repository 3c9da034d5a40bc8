package picture

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/nfnt/resize"
)

// ToInput returns img as the network's input, a size×size RGB image in CHW
// layout. It is the model's preprocessing contract:
//
//  1. img, whatever its colour model (Gray, Gray16, CMYK, YCbCr, Paletted,
//     NRGBA64, ...), is drawn over an opaque white *image.RGBA of the same
//     size (8 bits per channel), so transparent areas become white and every
//     source type goes the same path;
//  2. that RGBA image is resized to exactly size×size with
//     github.com/nfnt/resize and resize.Bilinear; the aspect ratio is not
//     kept (the image is stretched, as the seed study did with OpenCV's
//     resize);
//  3. each 8-bit channel value v becomes float32(v)/255, in [0, 1];
//  4. the values are laid out channel-major (CHW): the R plane, then the G
//     plane, then the B plane, each row-major from the top-left pixel.
//
// The result has length 3*size*size; the value of channel c at pixel (x, y)
// is at index c*size*size + y*size + x. ToInput panics if size < 1 or img is
// empty.
func ToInput(img image.Image, size int) []float32 {
	if size < 1 {
		panic(fmt.Sprintf("picture: bad input size %d", size))
	}
	b := img.Bounds()
	if b.Empty() {
		panic("picture: empty image")
	}
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)

	var small *image.RGBA
	switch r := resize.Resize(uint(size), uint(size), rgba, resize.Bilinear).(type) {
	case *image.RGBA:
		small = r
	default:
		// Not reached with the current resize package, which returns
		// *image.RGBA for an *image.RGBA input; kept for safety.
		small = image.NewRGBA(image.Rect(0, 0, size, size))
		draw.Draw(small, small.Bounds(), r, r.Bounds().Min, draw.Src)
	}

	plane := size * size
	out := make([]float32, 3*plane)
	for y := 0; y < size; y++ {
		row := small.Pix[small.PixOffset(small.Rect.Min.X, small.Rect.Min.Y+y):]
		for x := 0; x < size; x++ {
			i := y*size + x
			out[i] = float32(row[4*x]) / 255
			out[plane+i] = float32(row[4*x+1]) / 255
			out[2*plane+i] = float32(row[4*x+2]) / 255
		}
	}
	return out
}

// FromInput returns the picture that the network sees in input, a CHW
// array as returned by ToInput: an opaque size×size image whose channel
// values are the input values times 255, rounded and clamped to [0, 255].
// FromInput panics if len(input) != 3*size*size.
func FromInput(input []float32, size int) *image.NRGBA {
	if size < 1 || len(input) != 3*size*size {
		panic(fmt.Sprintf("picture: input length %d does not match size %d", len(input), size))
	}
	plane := size * size
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for i := 0; i < plane; i++ {
		p := img.Pix[4*i : 4*i+4 : 4*i+4]
		p[0] = to8(input[i])
		p[1] = to8(input[plane+i])
		p[2] = to8(input[2*plane+i])
		p[3] = 255
	}
	return img
}

// to8 converts a value in [0, 1] to an 8-bit channel value.
func to8(v float32) uint8 {
	f := math.Round(float64(v) * 255)
	switch {
	case f >= 255:
		return 255
	case f > 0:
		return uint8(f)
	}
	return 0 // also NaN
}
