package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"

	"github.com/rwcarlsen/goexif/exif"
)

// orientation returns the EXIF orientation tag (1 to 8) of the JPEG data,
// or 1 when there is no valid tag. Malformed EXIF data is ignored.
func orientation(data []byte) (o int) {
	defer func() {
		if recover() != nil {
			o = 1
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data))
	if x == nil || (err != nil && exif.IsCriticalError(err)) {
		return 1
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return 1
	}
	v, err := tag.Int(0)
	if err != nil || v < 1 || v > 8 {
		return 1
	}
	return v
}

// orient returns img transformed so that an image stored with the EXIF
// orientation o is upright. Orientation 1, or a value outside 1 to 8,
// returns img unchanged. For orientations 5 to 8 the width and height of
// the result are swapped. The result of a transform is an *image.NRGBA with
// its origin at (0, 0).
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	// from maps a destination pixel to its source pixel.
	var from func(x, y int) (int, int)
	switch o {
	case 2: // mirrored horizontally
		from = func(x, y int) (int, int) { return w - 1 - x, y }
	case 3: // rotated 180°
		from = func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4: // mirrored vertically
		from = func(x, y int) (int, int) { return x, h - 1 - y }
	case 5: // transposed
		from = func(x, y int) (int, int) { return y, x }
	case 6: // to be rotated 90° clockwise
		from = func(x, y int) (int, int) { return y, h - 1 - x }
	case 7: // transversed
		from = func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }
	case 8: // to be rotated 90° counter-clockwise
		from = func(x, y int) (int, int) { return w - 1 - y, x }
	default:
		panic(fmt.Sprintf("picture: bad orientation %d", o))
	}
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			sx, sy := from(x, y)
			si := src.PixOffset(sx, sy)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}
