package uitest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/artlens/artlens/engine"
)

// Classes4 are the test model's classes, the study's four.
var Classes4 = []string{"drawings", "iconography", "painting", "sculpture"}

var (
	modelOnce sync.Once
	modelData []byte
)

// TestModel returns a model of the study's architecture with seeded random
// weights and a made-up training history and test evaluation. Each call
// returns a new Model.
func TestModel(t testing.TB) *engine.Model {
	t.Helper()
	modelOnce.Do(func() {
		m, err := engine.NewModel(Classes4, 7)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 12; i++ {
			f := float64(i)
			m.Meta.History = append(m.Meta.History, engine.Epoch{Epoch: i,
				TrainLoss: 1.3 * math.Exp(-f/5), ValLoss: 1.2*math.Exp(-f/6) + 0.1,
				TrainAccuracy: 0.9 - 0.6*math.Exp(-f/4), ValAccuracy: 0.85 - 0.55*math.Exp(-f/4),
				LearningRate: 0.001, Seconds: 30})
		}
		m.Meta.BestEpoch = 10
		var truth, pred []int
		for c := range Classes4 {
			for k := 0; k < 25; k++ {
				truth = append(truth, c)
				if k < 21 {
					pred = append(pred, c)
				} else {
					pred = append(pred, (c+k)%4)
				}
			}
		}
		ev, err := engine.NewEvaluation(Classes4, truth, pred)
		if err != nil {
			t.Fatal(err)
		}
		m.Meta.Test = &ev
		m.Meta.Training = map[string]string{"optimizer": "adam", "batch": "64"}
		m.Meta.Created = "2026-01-02T03:04:05Z"
		if modelData, err = m.Marshal(); err != nil {
			t.Fatal(err)
		}
	})
	m, err := engine.Load(modelData)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ArtImage draws a w×h test picture: a dark frame, a coloured gradient and
// a bright disc, so that the feature maps have edges to respond to.
func ArtImage(w, h int, seed int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := float64(w)*0.5, float64(h)*0.4, float64(min(w, h))*0.25
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{uint8((x*255/w + seed*40) % 256), uint8(y * 255 / h), uint8((x + y + seed*30) % 256), 255}
			if dx, dy := float64(x)-cx, float64(y)-cy; dx*dx+dy*dy < r*r {
				c = color.NRGBA{240, 220, 180, 255}
			}
			if x < w/12 || y < h/12 || x > w-w/12 || y > h-h/12 {
				c = color.NRGBA{40, 25, 10, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// WriteJPEG writes ArtImage(w, h, seed) as a JPEG file in dir.
func WriteJPEG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, ArtImage(w, h, seed), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return WriteFile(t, dir, name, buf.Bytes())
}

// WritePNG writes ArtImage(w, h, seed) as a PNG file in dir.
func WritePNG(t testing.TB, dir, name string, w, h, seed int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, ArtImage(w, h, seed)); err != nil {
		t.Fatal(err)
	}
	return WriteFile(t, dir, name, buf.Bytes())
}

// WriteFile writes data as the file name in dir and returns its path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TruncatedJPEG writes the first half of a JPEG file.
func TruncatedJPEG(t testing.TB, dir, name string) string {
	t.Helper()
	full, err := os.ReadFile(WriteJPEG(t, t.TempDir(), "full.jpg", 120, 90, 3))
	if err != nil {
		t.Fatal(err)
	}
	return WriteFile(t, dir, name, full[:len(full)/2])
}

// ClassFolders writes n small pictures into a folder per class and returns
// the folder holding them.
func ClassFolders(t testing.TB, classes []string, n int) string {
	t.Helper()
	root := t.TempDir()
	for c, name := range classes {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			WritePNG(t, dir, fmt.Sprintf("%s%02d.png", name, i), 40+i, 36+c, 3*c)
		}
	}
	return root
}
