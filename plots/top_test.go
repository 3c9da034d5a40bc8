package plots

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
)

// TestTileGridMarksRegion draws a white 200x100 picture whose region is the
// right half of the network's 64x64 input: it must stay white, the left
// half must be dimmed, and the outline must lie at the region's edge scaled
// to the picture.
func TestTileGridMarksRegion(t *testing.T) {
	pic := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	draw.Draw(pic, pic.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	tiles := []Tile{
		{Image: pic, Region: image.Rect(32, 0, 64, 64), InputW: 64, InputH: 64, Caption: "a very long caption that cannot fit under the picture at all"},
		{Image: pic, Caption: "no region"},
	}
	img := TileGrid("Layer 1, filter 2", tiles, 200, 2, Light)
	gap := max(10, 200/12)
	titleH := 36 // ceil(1.8 * the title's 20 px, 200*0.1)
	x0, y0 := gap, titleH+gap
	// The picture is 200x100 in a 200x200 cell: rows 50..149.
	inside := img.NRGBAAt(x0+150, y0+100)
	outside := img.NRGBAAt(x0+50, y0+100)
	if inside != (color.NRGBA{255, 255, 255, 255}) {
		t.Errorf("inside the region %v, want white", inside)
	}
	if outside.R > 130 {
		t.Errorf("outside the region %v, want dimmed", outside)
	}
	if edge := img.NRGBAAt(x0+99, y0+100); edge != RegionColor {
		t.Errorf("left edge of the region %v, want the outline colour", edge)
	}
	// The second tile, without a region, is not dimmed.
	if c := img.NRGBAAt(x0+200+gap+50, y0+100); c != (color.NRGBA{255, 255, 255, 255}) {
		t.Errorf("tile without region %v, want white", c)
	}
	face := sansFace(15, false)
	if s := fitText(face, tiles[0].Caption, 200); textWidth(face, s) > 200 || s[len(s)-3:] != "…" {
		t.Errorf("caption %q not cut to fit", s)
	}
}
