package picture

import (
	"image"

	xdraw "golang.org/x/image/draw"
)

// Thumbnail returns img scaled down, keeping its aspect ratio, so that its
// longer side is at most side pixels (img itself when it is small enough).
// A large picture is first brought to twice that with a fast filter, whose
// cost follows the result's size, then finished with Catmull-Rom for
// quality.
func Thumbnail(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	scaled := func(src image.Image, long int, k xdraw.Interpolator) image.Image {
		sb := src.Bounds()
		dw, dh := long, long
		if sb.Dx() >= sb.Dy() {
			dh = max(1, sb.Dy()*long/sb.Dx())
		} else {
			dw = max(1, sb.Dx()*long/sb.Dy())
		}
		dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
		k.Scale(dst, dst.Bounds(), src, sb, xdraw.Src, nil)
		return dst
	}
	if max(w, h) > 4*side {
		img = scaled(img, 2*side, xdraw.ApproxBiLinear)
	}
	return scaled(img, side, xdraw.CatmullRom)
}
