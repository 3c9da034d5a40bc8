package plots

import (
	"image"
	"image/color"
	"testing"
)

// TestMapFigure draws three pictures (one without a thumbnail), one label
// and a legend, and checks the figure against its golden image.
func TestMapFigure(t *testing.T) {
	thumb := func(c color.NRGBA, w, h int) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
		}
		return img
	}
	pics := []MapPicture{
		{X: 0.1, Y: 0.1, Thumb: thumb(color.NRGBA{0xff, 0, 0, 0xff}, 64, 48), Color: ClassColor(0)},
		{X: 0.5, Y: 0.5, Thumb: thumb(color.NRGBA{0, 0xff, 0, 0xff}, 48, 64), Color: ClassColor(1)},
		{X: 0.9, Y: 0.8, Thumb: nil, Color: ClassColor(2)},
	}
	key := []MapKey{{ClassColor(0), "drawings (1)"}, {ClassColor(1), "painting (1)"}, {ClassColor(2), "sculpture (1)"}}
	img := MapFigure("Three pictures", pics, []MapLabel{{X: 0.5, Y: 0.3, Text: "painting 1"}}, key, 300, 48, Light)
	checkGolden(t, "map.png", img)
	b := img.Bounds()
	if b.Dx() <= 300+48 || b.Dy() <= 300+48 {
		t.Fatalf("figure %v too small for a 300-pixel map", b)
	}
	if ClassColor(-1) == ClassColor(0) || ClassColor(8) != ClassColor(0) {
		t.Error("ClassColor: no class must differ from class 0; the palette repeats after 8")
	}
}
