package plots

import (
	"image"
	"image/color"
	"testing"

	"gonum.org/v1/plot"
)

func contrast(a, b color.Color) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestThemeContrast checks that text reads on each theme's background
// (WCAG's 4.5:1 for text) and the curves stand out (3:1 for graphics).
func TestThemeContrast(t *testing.T) {
	for _, tc := range []struct {
		name string
		th   Theme
	}{{"light", Light}, {"dark", Dark}} {
		if c := contrast(tc.th.Text, tc.th.Background); c < 4.5 {
			t.Errorf("%s: text contrast %.2f, want >= 4.5", tc.name, c)
		}
		for _, curve := range []color.Color{tc.th.Train, tc.th.Validation} {
			if c := contrast(curve, tc.th.Background); c < 3 {
				t.Errorf("%s: curve %v contrast %.2f, want >= 3", tc.name, curve, c)
			}
		}
	}
}

// TestThemeIsDrawn renders each chart in each theme and checks the
// background and that text of the theme's colour is drawn.
func TestThemeIsDrawn(t *testing.T) {
	charts := map[string]func(Theme) (*plot.Plot, error){
		"history":   func(th Theme) (*plot.Plot, error) { return History(sampleHistory(), "accuracy", 9, th) },
		"confusion": func(th Theme) (*plot.Plot, error) { return Confusion(sampleEvaluation(), true, th) },
	}
	for name, build := range charts {
		for _, tc := range []struct {
			name string
			th   Theme
		}{{"light", Light}, {"dark", Dark}} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				p, err := build(tc.th)
				if err != nil {
					t.Fatal(err)
				}
				img, err := Image(p, 640, 480, 96)
				if err != nil {
					t.Fatal(err)
				}
				if got := color.NRGBAModel.Convert(img.At(2, 2)); !near(got, tc.th.Background, 2) {
					t.Errorf("corner is %v, want the background %v", got, tc.th.Background)
				}
				// The title is in the top 40 pixels: some of them are the text colour.
				if n := countNear(img, image.Rect(0, 0, 640, 40), tc.th.Text); n < 50 {
					t.Errorf("%d title pixels of the text colour, want at least 50", n)
				}
			})
		}
	}
}

func near(a, b color.Color, tol int) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return within(ar, br, tol) && within(ag, bg, tol) && within(ab, bb, tol)
}

func countNear(img image.Image, r image.Rectangle, c color.Color) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if near(img.At(x, y), c, 24) {
				n++
			}
		}
	}
	return n
}
