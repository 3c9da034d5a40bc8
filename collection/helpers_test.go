package collection

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/brightmodel"
)

// redModel returns the hand-set model of package brightmodel: "bright"
// when a uniform picture's red is above 0.5, filter 1 of every conv layer
// equal to the red value.
func redModel(t testing.TB) *engine.Model {
	t.Helper()
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// writePNG writes a w x h picture filled by fill.
func writePNG(t testing.TB, path string, w, h int, fill func(x, y int) color.NRGBA) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, fill(x, y))
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func uniform(red uint8) func(x, y int) color.NRGBA {
	return func(int, int) color.NRGBA { return color.NRGBA{red, 40, 90, 255} }
}

func noise(seed uint64) func(x, y int) color.NRGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	return func(int, int) color.NRGBA {
		return color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	}
}

// analyseAll scans paths and analyses them with m, failing the test on any
// error; items come back sorted by path.
func analyseAll(t testing.TB, m *engine.Model, opt Options, paths ...string) ([]*Item, []Result, Layout) {
	t.Helper()
	files, _, err := Scan(paths)
	if err != nil {
		t.Fatal(err)
	}
	var items []*Item
	var results []Result
	layout, err := Analyse(context.Background(), m, files, opt, func(r Result) {
		results = append(results, r)
		if r.Err != nil {
			t.Errorf("%s: %v", r.File.Path, r.Err)
			return
		}
		items = append(items, r.Item)
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Path < items[j].Path })
	return items, results, layout
}
