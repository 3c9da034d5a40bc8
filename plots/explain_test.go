package plots

import (
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine"
)

func TestUpsample(t *testing.T) {
	// Cell centres of [0 1] stretched to 4 values sit at 0.5 and 2.5.
	got := Upsample([]float32{0, 1}, 2, 1, 4, 1)
	want := []float32{0, 0.25, 0.75, 1}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("Upsample = %v, want %v", got, want)
		}
	}
	// Same size is the identity; a flat map stays flat.
	m := []float32{1, 2, 3, 4, 5, 6}
	if got := Upsample(m, 3, 2, 3, 2); !slices.Equal(got, m) {
		t.Errorf("same-size Upsample = %v", got)
	}
	for _, v := range Upsample([]float32{0.3, 0.3, 0.3, 0.3}, 2, 2, 7, 5) {
		if v != 0.3 {
			t.Fatalf("a flat map got %g", v)
		}
	}
	// Columns go with x, rows with y.
	col := Upsample([]float32{0, 1, 0, 1}, 2, 2, 4, 4)
	if col[0] != 0 || col[3] != 1 || col[12] != 0 || col[15] != 1 {
		t.Errorf("row-major order lost: %v", col)
	}
}

func TestOverlay(t *testing.T) {
	pic := image.NewNRGBA(image.Rect(10, 20, 130, 80)) // 120×60, not at the origin
	for i := range pic.Pix {
		pic.Pix[i] = 200
		if i%4 == 3 {
			pic.Pix[i] = 255
		}
	}
	heat := []float32{0, 1}
	for _, tc := range []struct {
		opacity     float64
		left, right color.NRGBA
	}{
		{0, color.NRGBA{200, 200, 200, 255}, color.NRGBA{200, 200, 200, 255}},
		{1, Color(0), Color(1)},
		{0.5, color.NRGBA{100, 100, 100, 255}, color.NRGBA{228, 228, 228, 255}},
	} {
		ov, err := Overlay(pic, heat, 2, 1, 0, 1, tc.opacity)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Bounds() != image.Rect(0, 0, 120, 60) {
			t.Fatalf("overlay bounds %v", ov.Bounds())
		}
		l, r := ov.NRGBAAt(0, 30), ov.NRGBAAt(119, 30)
		if !near(l, tc.left, 1) || !near(r, tc.right, 1) {
			t.Errorf("opacity %g: left %v right %v, want %v and %v", tc.opacity, l, r, tc.left, tc.right)
		}
	}
	if _, err := Overlay(pic, heat, 3, 1, 0, 1, 1); err == nil {
		t.Error("a map of the wrong size gave no error")
	}
}

func TestFilterPatches(t *testing.T) {
	w := engine.Param{Name: "conv1.weight", Shape: []int{2, 3, 3, 3}, Data: make([]float32, 54)}
	// Filter 1: red at its top-left tap (the maximum), everything else -1
	// (the minimum): a red pixel on black.
	for i := 0; i < 27; i++ {
		w.Data[i] = -1
	}
	w.Data[0] = 1
	// Filter 2: all weights equal, mid grey.
	img, err := FilterPatches(w, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	gap := 2
	if img.Bounds().Dx() != 2*12+3*gap || img.Bounds().Dy() != 12+2*gap {
		t.Fatalf("size %v", img.Bounds())
	}
	if c := img.NRGBAAt(gap+1, gap+1); c != (color.NRGBA{255, 0, 0, 255}) {
		t.Errorf("top-left tap of filter 1 is %v, want red", c)
	}
	if c := img.NRGBAAt(gap+5, gap+5); c != (color.NRGBA{0, 0, 0, 255}) {
		t.Errorf("centre of filter 1 is %v, want black", c)
	}
	if c := img.NRGBAAt(2*gap+12+6, gap+6); c != (color.NRGBA{128, 128, 128, 255}) {
		t.Errorf("flat filter 2 is %v, want grey", c)
	}
	if _, err := FilterPatches(engine.Param{Shape: []int{2, 4, 3, 3}, Data: make([]float32, 72)}, 4, 2); err == nil {
		t.Error("a kernel of 4 channels gave no error")
	}
	// Grey 5×3 kernels (height 5, width 3) are drawn grey, at their shape.
	g := engine.Param{Name: "conv1.weight", Shape: []int{1, 1, 5, 3}, Data: make([]float32, 15)}
	g.Data[14] = 1 // bottom-right tap
	img, err = FilterPatches(g, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 12+2*gap || img.Bounds().Dy() != 20+2*gap {
		t.Fatalf("grey kernel figure %v", img.Bounds())
	}
	if c := img.NRGBAAt(gap+9, gap+17); c != (color.NRGBA{255, 255, 255, 255}) {
		t.Errorf("bottom-right tap is %v, want white", c)
	}
}

// sampleScene is a 180×120 picture: a blue sky over a green field with a
// yellow sun, fully determined.
func sampleScene() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 180, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 180; x++ {
			c := color.NRGBA{60, 110, 200, 255}
			if y > 80 {
				c = color.NRGBA{40, 120, 40, 255}
			}
			if dx, dy := x-130, y-35; dx*dx+dy*dy < 400 {
				c = color.NRGBA{250, 220, 90, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// TestGoldenExplain compares the explanation figures with PNGs in
// testdata (`go test ./plots -update` rewrites them).
func TestGoldenExplain(t *testing.T) {
	cam := make([]float32, 9*9)
	for y := 0; y < 9; y++ {
		for x := 0; x < 9; x++ {
			dx, dy := float32(x-6), float32(y-2)
			cam[y*9+x] = max(0, 1-(dx*dx+dy*dy)/12)
		}
	}
	ov, err := Overlay(sampleScene(), cam, 9, 9, 0, 1, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	fig := ExplainFigure(ov, "scene.png — Grad-CAM, conv layer 5 — why painting (72.0%)", "0", "1", "where the evidence for painting lies (brighter: more)")
	items := []CompareItem{
		{Name: "scene.png", Answer: "painting 72%", Picture: sampleScene(), CAM: cam, CAMWidth: 9, CAMHeight: 9, CAMLabel: "why painting",
			Activations: []engine.Activation{sampleActivation(1, 4, 16), {}, sampleActivation(3, 4, 8)}},
		{Name: "other.png", Answer: "drawings 51%", Picture: sampleScene().SubImage(image.Rect(0, 0, 90, 120)), CAM: cam, CAMWidth: 9, CAMHeight: 9, CAMLabel: "why drawings",
			Activations: []engine.Activation{sampleActivation(1, 4, 16), {}, sampleActivation(3, 4, 8)}},
	}
	// The second picture's maps are half as strong, to show the shared scale.
	for _, l := range []int{0, 2} {
		a := items[1].Activations[l]
		d := make([]float32, len(a.Data))
		for i, v := range a.Data {
			d[i] = v / 2
		}
		items[1].Activations[l].Data = d
	}
	cmp, err := Comparison(items, CompareOptions{Layers: []int{1, 3}, Filters: [][]int{{0, 2}, {1}}, Tile: 120, Title: "Two pictures side by side"})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		file string
		img  image.Image
	}{{"explain_gradcam.png", fig}, {"compare.png", cmp}} {
		t.Run(g.file, func(t *testing.T) { checkGolden(t, g.file, g.img) })
	}
	if _, err := Comparison(items, CompareOptions{Layers: []int{2}, Filters: [][]int{{0}}}); err == nil {
		t.Error("a layer the items lack gave no error")
	}
}
