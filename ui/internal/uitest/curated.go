package uitest

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/brightmodel"
)

// BrightModel returns the hand-set model of package brightmodel: "bright"
// when a uniform picture's red is above 0.5, filter 1 of every conv layer
// equal to the red value.
func BrightModel(t testing.TB) *engine.Model {
	t.Helper()
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// CuratedFolder writes a collection sorted into dark/ and bright/ folders,
// with mistakes: bright pictures under dark/ and a dark one under bright/,
// and an unlabelled folder. Red values near 128 give unsure answers.
func CuratedFolder(t testing.TB) (root string, reds map[string]uint8) {
	t.Helper()
	root = t.TempDir()
	reds = map[string]uint8{
		"dark/night.png": 20, "dark/dusk.png": 60, "dark/grey.png": 125, "dark/lamp.png": 135, "dark/sun.png": 240,
		"bright/day.png": 230, "bright/noon.png": 250, "bright/haze.png": 130, "bright/cave.png": 30,
		"misc/unsorted.png": 200,
	}
	for name, red := range reds {
		img := image.NewNRGBA(image.Rect(0, 0, 48, 36))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = red, 90, 160, 255
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		WriteFile(t, root, name, buf.Bytes())
	}
	return root, reds
}
