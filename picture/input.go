package picture

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/nfnt/resize"
)

// ToInput returns img as the input of a network that takes size×size RGB
// pictures (the study's): ToInputShape(img, 3, size, size).
func ToInput(img image.Image, size int) []float32 {
	return ToInputShape(img, 3, size, size)
}

// ToInputShape returns img as a network's input, a width×height picture of
// channels (3 for RGB, 1 for grayscale) in CHW layout. It is the
// preprocessing contract of every model:
//
//  1. img, whatever its colour model (Gray, Gray16, CMYK, YCbCr, Paletted,
//     NRGBA64, ...), is drawn over an opaque white *image.RGBA of the same
//     size (8 bits per channel), so transparent areas become white and every
//     source type goes the same path;
//  2. that RGBA image is resized to exactly width×height with
//     github.com/nfnt/resize and resize.Bilinear; the aspect ratio is not
//     kept (the image is stretched, as the seed study did with OpenCV's
//     resize);
//  3. for one channel, each pixel becomes the 8-bit luma of ITU-R 601
//     (0.299 R + 0.587 G + 0.114 B, rounded as Pillow's convert("L") does,
//     which is what PyTorch pipelines on grayscale pictures use);
//  4. each 8-bit channel value v becomes float32(v)/255, in [0, 1];
//  5. the values are laid out channel-major (CHW): the R plane, then the G
//     plane, then the B plane (or the one gray plane), each row-major from
//     the top-left pixel.
//
// The result has length channels*width*height; the value of channel c at
// pixel (x, y) is at index c*width*height + y*width + x. ToInputShape
// panics if channels is not 1 or 3, a side is < 1, or img is empty.
func ToInputShape(img image.Image, channels, width, height int) []float32 {
	if width < 1 || height < 1 || (channels != 1 && channels != 3) {
		panic(fmt.Sprintf("picture: bad input shape %dx%dx%d", channels, width, height))
	}
	b := img.Bounds()
	if b.Empty() {
		panic("picture: empty image")
	}
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)

	var small *image.RGBA
	switch r := resize.Resize(uint(width), uint(height), rgba, resize.Bilinear).(type) {
	case *image.RGBA:
		small = r
	default:
		// Not reached with the current resize package, which returns
		// *image.RGBA for an *image.RGBA input; kept for safety.
		small = image.NewRGBA(image.Rect(0, 0, width, height))
		draw.Draw(small, small.Bounds(), r, r.Bounds().Min, draw.Src)
	}

	plane := width * height
	out := make([]float32, channels*plane)
	for y := 0; y < height; y++ {
		row := small.Pix[small.PixOffset(small.Rect.Min.X, small.Rect.Min.Y+y):]
		for x := 0; x < width; x++ {
			i := y*width + x
			r, g, b := row[4*x], row[4*x+1], row[4*x+2]
			if channels == 1 {
				out[i] = float32(Luma(r, g, b)) / 255
				continue
			}
			out[i] = float32(r) / 255
			out[plane+i] = float32(g) / 255
			out[2*plane+i] = float32(b) / 255
		}
	}
	return out
}

// Luma returns the 8-bit gray of an RGB pixel as Pillow's convert("L")
// computes it: (19595 R + 38470 G + 7471 B + 32768) >> 16, the ITU-R 601
// weights 0.299, 0.587 and 0.114 in fixed point.
func Luma(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 0x8000) >> 16)
}

// FromInput returns the picture that the network sees in input, a CHW
// array as returned by ToInput: an opaque size×size image whose channel
// values are the input values times 255, rounded and clamped to [0, 255].
// FromInput panics if len(input) != 3*size*size.
func FromInput(input []float32, size int) *image.NRGBA {
	return FromInputShape(input, 3, size, size)
}

// FromInputShape is FromInput for an input of channels (1 or 3), width
// and height, as ToInputShape returns it; one channel gives a gray picture.
// It panics if len(input) != channels*width*height.
func FromInputShape(input []float32, channels, width, height int) *image.NRGBA {
	if width < 1 || height < 1 || (channels != 1 && channels != 3) || len(input) != channels*width*height {
		panic(fmt.Sprintf("picture: input length %d does not match shape %dx%dx%d", len(input), channels, width, height))
	}
	plane := width * height
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	for i := 0; i < plane; i++ {
		p := img.Pix[4*i : 4*i+4 : 4*i+4]
		if channels == 1 {
			v := to8(input[i])
			p[0], p[1], p[2] = v, v, v
		} else {
			p[0] = to8(input[i])
			p[1] = to8(input[plane+i])
			p[2] = to8(input[2*plane+i])
		}
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
