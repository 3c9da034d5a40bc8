package collection

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/artlens/artlens/engine"
)

// redModel returns a two-class model (dark, bright) set by hand: filter 1
// of every conv layer passes the red channel on (a centre tap), and the
// output layer calls a picture "bright" when its mean red is above 0.5
// (logit 160*red - 80). On a uniform picture every conv layer's filter 1
// equals the red value everywhere.
func redModel(t testing.TB) *engine.Model {
	t.Helper()
	m, err := engine.NewModel([]string{"dark", "bright"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ps := map[string][]float32{}
	for _, p := range m.Params() {
		clear(p.Data)
		ps[p.Name] = p.Data
	}
	for i := range engine.ConvFilters {
		// Filter 1's first kernel is (in 1, 3x3): index 4 is the centre
		// of channel 1 (red, then filter 1 of the layer before).
		ps[fmt.Sprintf("conv%d.weight", i+1)][4] = 1
	}
	d1 := ps["dense1.weight"] // (2048, 512): flatten is channel-major
	for k := range 16 {
		d1[k*engine.DenseUnits[0]] = 1
	}
	ps["dense2.weight"][0] = 1
	ps["dense3.weight"][0*2+1] = 10
	ps["dense3.bias"][1] = -80
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
