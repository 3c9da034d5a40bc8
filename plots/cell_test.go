package plots

import (
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestConfusionCellFindsTheDrawnCells draws a confusion chart whose
// diagonal is full (dark cells) and the rest empty (light cells), and
// checks, for pixels all over the image, that those ConfusionCell puts on
// the diagonal are dark and the others light (text aside).
func TestConfusionCellFindsTheDrawnCells(t *testing.T) {
	classes := []string{"drawings", "iconography", "painting"}
	ev, err := engine.NewEvaluation(classes, []int{0, 0, 1, 1, 2, 2}, []int{0, 0, 1, 1, 2, 2})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Confusion(ev, false, Light)
	if err != nil {
		t.Fatal(err)
	}
	const w, h, dpi = 700, 560, 120
	img, err := Image(p, w, h, dpi)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = Confusion(ev, false, Light) // a fresh plot, as the window does
	seen := map[[2]int]int{}
	bad, total := 0, 0
	for y := 0; y < h; y += 5 {
		for x := 0; x < w; x += 5 {
			tr, pr, ok := ConfusionCell(p, 3, w, h, dpi, float64(x)+0.5, float64(y)+0.5)
			if !ok {
				continue
			}
			seen[[2]int{tr, pr}]++
			r, g, b, _ := img.At(x, y).RGBA()
			dark := (r+g+b)/3 < 0x8000
			total++
			if dark != (tr == pr) {
				bad++
			}
		}
	}
	if len(seen) != 9 {
		t.Errorf("%d cells found, want 9", len(seen))
	}
	if total == 0 || float64(bad)/float64(total) > 0.05 {
		t.Errorf("%d of %d pixels disagree with their cell", bad, total)
	}
	if _, _, ok := ConfusionCell(p, 3, w, h, dpi, 2, 2); ok {
		t.Error("the corner of the image is a cell")
	}
}
