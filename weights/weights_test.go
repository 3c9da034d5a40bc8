package weights

import (
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/picture"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the shipped model")

// goldenImages are generated pictures with structure a network reacts to
// differently: a warm gradient with a bright disc (a "portrait"), fine
// black lines on white (a "drawing"), a gold frame around a dark panel (an
// "icon"), and a grey figure on a sky (a "statue").
func goldenImages() map[string]image.Image {
	const n = 160
	mk := func(f func(x, y int) color.NRGBA) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, n, n))
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				img.SetNRGBA(x, y, f(x, y))
			}
		}
		return img
	}
	in := func(x, y, cx, cy, r int) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) < r*r }
	return map[string]image.Image{
		"portrait": mk(func(x, y int) color.NRGBA {
			if in(x, y, 80, 60, 30) {
				return color.NRGBA{230, 190, 150, 255}
			}
			return color.NRGBA{uint8(120 - y/3), uint8(90 - y/4), uint8(40), 255}
		}),
		"drawing": mk(func(x, y int) color.NRGBA {
			if (x+y)%17 == 0 || (x*3+y)%41 == 0 {
				return color.NRGBA{30, 30, 30, 255}
			}
			return color.NRGBA{245, 240, 230, 255}
		}),
		"icon": mk(func(x, y int) color.NRGBA {
			if x < 16 || y < 16 || x >= n-16 || y >= n-16 || in(x, y, 80, 50, 22) {
				return color.NRGBA{212, 175, 55, 255}
			}
			return color.NRGBA{70, 30, 25, 255}
		}),
		"statue": mk(func(x, y int) color.NRGBA {
			if (x > 65 && x < 95 && y > 40) || in(x, y, 80, 30, 14) {
				return color.NRGBA{150, 150, 145, 255}
			}
			return color.NRGBA{uint8(110 + y/4), uint8(160 + y/5), 225, 255}
		}),
	}
}

// TestGoldenPredictions checks that each shipped model gives fixed
// probabilities on generated pictures, testdata/golden-NAME.json
// (regenerate with -update after retraining), so a change to the engine,
// the preprocessing or the weights that alters predictions cannot pass
// unnoticed.
func TestGoldenPredictions(t *testing.T) {
	for _, e := range Shipped {
		t.Run(e.Name, func(t *testing.T) {
			m, err := e.Load()
			if err != nil {
				t.Fatalf("the shipped model does not load: %v", err)
			}
			in := m.Input()
			got := map[string][]float32{}
			for name, img := range goldenImages() {
				p, err := m.Predict(picture.ToInputShape(img, in.Channels, in.Width, in.Height))
				if err != nil {
					t.Fatal(err)
				}
				got[name] = p.Probabilities
			}
			path := filepath.Join("testdata", "golden-"+e.Name+".json")
			if *update {
				data, _ := json.MarshalIndent(got, "", "  ")
				if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s: %v", path, got)
				return
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want map[string][]float32
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if len(want) != len(got) {
				t.Fatalf("golden file has %d images, test has %d", len(want), len(got))
			}
			for name, w := range want {
				g := got[name]
				for i := range w {
					if math.Abs(float64(g[i]-w[i])) > 1e-4 {
						t.Errorf("%s: probabilities %v, golden %v", name, g, w)
						break
					}
				}
			}
		})
	}
}

// TestShippedMetadata checks what the app shows about the shipped model.
func TestShippedMetadata(t *testing.T) {
	m, err := Model()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"drawings", "iconography", "painting", "sculpture"}
	if len(m.Meta.Classes) != 4 {
		t.Fatalf("classes %v, want %v", m.Meta.Classes, want)
	}
	for i, c := range want {
		if m.Meta.Classes[i] != c {
			t.Fatalf("classes %v, want %v", m.Meta.Classes, want)
		}
	}
	if m.ParamCount() != 1459204 {
		t.Errorf("%d parameters, want 1,459,204", m.ParamCount())
	}
	if len(m.Meta.History) == 0 || m.Meta.BestEpoch < 1 || m.Meta.BestEpoch > len(m.Meta.History) {
		t.Errorf("history of %d epochs, best epoch %d", len(m.Meta.History), m.Meta.BestEpoch)
	}
	if m.Meta.Test == nil || m.Meta.Test.Total == 0 || len(m.Meta.Test.Confusion) != 4 {
		t.Fatal("no test metrics in the shipped model")
	}
	if m.Meta.DataFingerprint == "" {
		t.Error("no data fingerprint")
	}
}
