package picture

import (
	"image"
	"image/color"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// A checkerboard of single black and white pixels has no detail a
// thumbnail can keep: every pixel of it is the mean grey (a filter that
// samples instead of averaging shows stripes here).
func TestThumbnailAveragesDetail(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			if (x+y)%2 == 0 {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	th := Thumbnail(img, 64)
	if b := th.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
		t.Fatalf("%v, want 64x48", b)
	}
	for y := range 48 {
		for x := range 64 {
			r, g, b, a := th.At(x, y).RGBA()
			if r>>8 < 125 || r>>8 > 130 || g != r || b != r || a != 0xffff {
				t.Fatalf("pixel %d,%d: %d %d %d %d, want 127 or 128 grey", x, y, r>>8, g>>8, b>>8, a>>8)
			}
		}
	}
}

// A JPEG's colour model (YCbCr, chroma halved both ways) keeps its colour,
// and the picture's own origin (a sub-image) does not matter.
func TestThumbnailYCbCr(t *testing.T) {
	want := color.RGBA{200, 120, 40, 255}
	yy, cb, cr := color.RGBToYCbCr(want.R, want.G, want.B)
	full := image.NewYCbCr(image.Rect(0, 0, 400, 330), image.YCbCrSubsampleRatio420)
	for i := range full.Y {
		full.Y[i] = yy
	}
	for i := range full.Cb {
		full.Cb[i], full.Cr[i] = cb, cr
	}
	img := full.SubImage(image.Rect(30, 20, 400, 330))
	th := Thumbnail(img, 64)
	if b := th.Bounds(); b.Dx() != 64 || b.Dy() != 53 {
		t.Fatalf("%v, want 64x53", b)
	}
	exact := color.RGBAModel.Convert(color.YCbCr{yy, cb, cr}).(color.RGBA)
	for y := range 53 {
		for x := range 64 {
			got := color.RGBAModel.Convert(th.At(x, y)).(color.RGBA)
			if absDiff(got.R, exact.R) > 1 || absDiff(got.G, exact.G) > 1 || absDiff(got.B, exact.B) > 1 || got.A != 255 {
				t.Fatalf("pixel %d,%d: %v, want %v", x, y, got, exact)
			}
		}
	}
}

// On a smooth picture the thumbnail is what Catmull-Rom makes of the whole
// picture, to a few levels.
func TestThumbnailMatchesCatmullRom(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1000, 700))
	for y := range 700 {
		for x := range 1000 {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / 999), uint8(y * 255 / 699), uint8((x + y) * 255 / 1698), 255})
		}
	}
	th := Thumbnail(img, 100)
	ref := image.NewRGBA(th.Bounds())
	xdraw.CatmullRom.Scale(ref, ref.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	worst := 0
	for y := range ref.Bounds().Dy() {
		for x := range ref.Bounds().Dx() {
			a := color.RGBAModel.Convert(th.At(x, y)).(color.RGBA)
			b := ref.RGBAAt(x, y)
			worst = max(worst, int(absDiff(a.R, b.R)), int(absDiff(a.G, b.G)), int(absDiff(a.B, b.B)))
		}
	}
	if worst > 4 {
		t.Errorf("differs from Catmull-Rom by up to %d levels", worst)
	}
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

// BenchmarkThumbnail makes the Collection view's thumbnail of a picture
// the size of most of the data set's (a 256x200 JPEG, YCbCr 4:2:0) and of
// a photo.
func BenchmarkThumbnail(b *testing.B) {
	for _, size := range []image.Point{{256, 200}, {3000, 2000}} {
		img := image.NewYCbCr(image.Rect(0, 0, size.X, size.Y), image.YCbCrSubsampleRatio420)
		for i := range img.Y {
			img.Y[i] = uint8(i * 7)
		}
		b.Run(size.String(), func(b *testing.B) {
			for b.Loop() {
				Thumbnail(img, 64)
			}
		})
	}
}
