package plots

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/artlens/artlens/engine"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

func TestHistoryErrors(t *testing.T) {
	h := sampleHistory()
	nan := sampleHistory()
	nan[3].ValLoss = math.NaN()
	for _, tc := range []struct {
		name   string
		h      []engine.Epoch
		metric string
		best   int
		want   string
	}{
		{"empty", nil, "accuracy", 0, "empty"},
		{"unknown metric", h, "f1", 0, `unknown metric "f1"`},
		{"best not in history", h, "loss", 13, "best epoch 13"},
		{"NaN", nan, "loss", 0, "not a finite number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := History(tc.h, tc.metric, tc.best, Light)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestHistory(t *testing.T) {
	percent := sampleHistory()
	for i := range percent {
		percent[i].TrainAccuracy *= 100
		percent[i].ValAccuracy *= 100
	}
	unnumbered := sampleHistory()
	for i := range unnumbered {
		unnumbered[i].Epoch = 0
	}
	for _, tc := range []struct {
		name         string
		h            []engine.Epoch
		metric       string
		best         int
		title        string
		yMin, yMax   float64 // the Y axis must cover this range
		yLimit       float64 // and stay below this
		xMin, xMaxAt float64
	}{
		{"accuracy fractions", sampleHistory(), "accuracy", 9, "Training history: accuracy", 50, 92, 101, 1, 12},
		{"accuracy percent", percent, "accuracy", 0, "Training history: accuracy", 50, 92, 101, 1, 12},
		{"loss", sampleHistory(), "loss", 9, "Training history: loss", 0.3, 1.2, 2, 1, 12},
		{"numbered by position", unnumbered, "loss", 12, "Training history: loss", 0.3, 1.2, 2, 1, 12},
		{"one epoch", sampleHistory()[:1], "accuracy", 1, "Training history: accuracy", 48.6, 49.9, 101, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := History(tc.h, tc.metric, tc.best, Light)
			if err != nil {
				t.Fatal(err)
			}
			if p.Title.Text != tc.title {
				t.Errorf("title %q, want %q", p.Title.Text, tc.title)
			}
			if p.X.Label.Text != "epoch" || p.Y.Label.Text == "" {
				t.Errorf("axis labels %q, %q", p.X.Label.Text, p.Y.Label.Text)
			}
			if p.Y.Min > tc.yMin || p.Y.Max < tc.yMax || p.Y.Max > tc.yLimit {
				t.Errorf("Y axis %g..%g, want it to cover %g..%g and stay below %g", p.Y.Min, p.Y.Max, tc.yMin, tc.yMax, tc.yLimit)
			}
			if p.X.Min > tc.xMin || p.X.Max < tc.xMaxAt {
				t.Errorf("X axis %g..%g, want it to cover %g..%g", p.X.Min, p.X.Max, tc.xMin, tc.xMaxAt)
			}
			checkPNG(t, p, 640, 480, 96)
		})
	}
}

func TestIntegerTicks(t *testing.T) {
	for _, r := range [][2]float64{{1, 3}, {1, 12}, {1, 1.5}, {0, 100}} {
		ticks := integerTicks{}.Ticks(r[0], r[1])
		labelled := 0
		for _, tk := range ticks {
			if tk.Value != math.Trunc(tk.Value) {
				t.Errorf("range %v: tick at %g", r, tk.Value)
			}
			if tk.Label != "" {
				labelled++
				if strings.Contains(tk.Label, ".") {
					t.Errorf("range %v: label %q", r, tk.Label)
				}
			}
		}
		if labelled == 0 && r[1]-r[0] >= 1 {
			t.Errorf("range %v: no labelled tick", r)
		}
	}
}

func TestConfusionErrors(t *testing.T) {
	e := sampleEvaluation()
	for _, tc := range []struct {
		name string
		edit func(e *engine.Evaluation)
		want string
	}{
		{"no classes", func(e *engine.Evaluation) { e.Classes = nil }, "no classes"},
		{"missing row", func(e *engine.Evaluation) { e.Confusion = e.Confusion[:3] }, "3 rows for 4 classes"},
		{"short row", func(e *engine.Evaluation) { e.Confusion[2] = e.Confusion[2][:1] }, "row 2 has 1 columns"},
		{"negative", func(e *engine.Evaluation) { e.Confusion[1][1] = -1 }, "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e
			e.Confusion = make([][]int, len(sampleEvaluation().Confusion))
			for i, r := range sampleEvaluation().Confusion {
				e.Confusion[i] = append([]int(nil), r...)
			}
			tc.edit(&e)
			if _, err := Confusion(e, true, Light); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestConfusion(t *testing.T) {
	e := sampleEvaluation()
	for _, percent := range []bool{true, false} {
		p, err := Confusion(e, percent, Light)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Title.Text, "87.1%") {
			t.Errorf("title %q does not give the accuracy", p.Title.Text)
		}
		if p.X.Label.Text != "predicted class" || p.Y.Label.Text != "true class" {
			t.Errorf("axis labels %q, %q", p.X.Label.Text, p.Y.Label.Text)
		}
		// The first class is the top row: the largest Y tick.
		ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
		top := ticks[0]
		for _, tk := range ticks {
			if tk.Value > top.Value {
				top = tk
			}
		}
		if top.Label != e.Classes[0] {
			t.Errorf("top row is %q, want %q", top.Label, e.Classes[0])
		}
		xt := p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max)
		if xt[0].Label != e.Classes[0] || xt[0].Value != 0 {
			t.Errorf("first column %v, want %q at 0", xt[0], e.Classes[0])
		}
		checkPNG(t, p, 600, 500, 96)
	}
}

func TestConfusionGrid(t *testing.T) {
	g := confusionGrid{n: 2, vals: [][]float64{{1, 2}, {3, 4}}}
	// Row 1 (top) is true class 0.
	for _, tc := range []struct {
		c, r int
		want float64
	}{{0, 1, 1}, {1, 1, 2}, {0, 0, 3}, {1, 0, 4}} {
		if got := g.Z(tc.c, tc.r); got != tc.want {
			t.Errorf("Z(%d,%d) = %g, want %g", tc.c, tc.r, got, tc.want)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{19, "19%"}, {1.6, "1.6%"}, {3, "3.0%"}, {0, "0%"}, {21.24, "21%"},
		{9.94, "9.9%"}, {9.96, "10%"}, {100, "100%"}, {0.04, "0.0%"},
	} {
		if got := formatPercent(tc.v); got != tc.want {
			t.Errorf("formatPercent(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// checkPNG renders p as PNG at w×h pixels and checks that it decodes at
// that size and is not blank.
func checkPNG(t *testing.T, p *plot.Plot, w, h int, dpi float64) {
	t.Helper()
	b, err := Render(p, vg.Length(w)*vg.Inch/vg.Length(dpi), vg.Length(h)*vg.Inch/vg.Length(dpi), "png", dpi)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds(); got.Dx() != w || got.Dy() != h {
		t.Fatalf("PNG is %d×%d, want %d×%d", got.Dx(), got.Dy(), w, h)
	}
	dark := 0
	for y := 0; y < h; y += 2 {
		for x := 0; x < w; x += 2 {
			if relativeLuminance(img.At(x, y)) < 0.5 {
				dark++
			}
		}
	}
	if dark < 100 {
		t.Errorf("PNG looks blank: %d dark pixels", dark)
	}
}

func TestRender(t *testing.T) {
	p, err := History(sampleHistory(), "loss", 9, Light)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		format string
		dpi    float64
		prefix string
		w, h   int // PNG size
	}{
		{"png", 96, "\x89PNG\r\n\x1a\n", 576, 384},
		{"PNG", 150, "\x89PNG\r\n\x1a\n", 900, 600},
		{"png", 0, "\x89PNG\r\n\x1a\n", 576, 384},
		{"svg", 96, "<?xml", 0, 0},
		{"pdf", 96, "%PDF-", 0, 0},
	} {
		t.Run(tc.format, func(t *testing.T) {
			b, err := Render(p, 6*vg.Inch, 4*vg.Inch, tc.format, tc.dpi)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte(tc.prefix)) {
				t.Fatalf("output starts %q, want %q", b[:min(len(b), 16)], tc.prefix)
			}
			switch strings.ToLower(tc.format) {
			case "png":
				cfg, err := png.DecodeConfig(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Width != tc.w || cfg.Height != tc.h {
					t.Errorf("PNG %d×%d, want %d×%d", cfg.Width, cfg.Height, tc.w, tc.h)
				}
			case "svg":
				if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("Training history: loss")) {
					t.Error("SVG lacks the svg element or the title")
				}
			case "pdf":
				if !bytes.Contains(b, []byte("%%EOF")) || len(b) < 1000 {
					t.Errorf("PDF of %d bytes looks truncated", len(b))
				}
			}
		})
	}
	for _, bad := range []struct {
		format string
		w, h   vg.Length
	}{{"gif", vg.Inch, vg.Inch}, {"png", 0, vg.Inch}, {"svg", vg.Inch, -1}} {
		if _, err := Render(p, bad.w, bad.h, bad.format, 96); err == nil {
			t.Errorf("Render(%v×%v, %q) did not fail", bad.w, bad.h, bad.format)
		}
	}
}

func TestImage(t *testing.T) {
	p, err := Confusion(sampleEvaluation(), true, Light)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		w, h int
		dpi  float64
	}{{300, 200, 96}, {1234, 777, 144}, {801, 601, 72.4}} {
		img, err := Image(p, tc.w, tc.h, tc.dpi)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h || b.Min != (image.Point{}) {
			t.Errorf("Image(%d×%d) has bounds %v", tc.w, tc.h, b)
		}
	}
	if _, err := Image(p, 0, 10, 96); err == nil {
		t.Error("Image with zero width did not fail")
	}
}

// TestGolden compares figures whose drawing is fully determined with the
// PNGs in testdata; `go test ./plots -update` rewrites them after a change
// you have looked at.
func TestGolden(t *testing.T) {
	conf, err := Confusion(sampleEvaluation(), true, Light)
	if err != nil {
		t.Fatal(err)
	}
	confImg, err := Image(conf, 640, 560, 96)
	if err != nil {
		t.Fatal(err)
	}
	grid, err := FeatureGrid(sampleActivation(3, 12, 16), GridOptions{
		Title: "test.png — conv layer 3 (12 filters) — predicted: drawings (61.0%)", Scale: 4, Columns: 6})
	if err != nil {
		t.Fatal(err)
	}
	// The Train view's small charts: a confusion matrix whose title and
	// class names must be fitted, and a history whose legend must clear
	// the curves.
	smallConf, err := Image(conf, 330, 300, 96)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := History(sampleHistory(), "loss", 9, Dark)
	if err != nil {
		t.Fatal(err)
	}
	smallHist, err := Image(hist, 300, 190, 96)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		file string
		img  image.Image
	}{{"confusion_percent.png", confImg}, {"grid_conv3.png", grid}, {"confusion_small.png", smallConf}, {"history_small.png", smallHist}} {
		t.Run(g.file, func(t *testing.T) { checkGolden(t, g.file, g.img) })
	}
}

// compareImages fails when the images differ in size or in more than a
// few pixels by more than a rounding step (anti-aliasing may vary slightly
// between architectures).
func compareImages(t *testing.T, got, want image.Image) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("size %v, golden %v", got.Bounds(), want.Bounds())
	}
	b := got.Bounds()
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if !within(r1, r2, 3) || !within(g1, g2, 3) || !within(b1, b2, 3) || !within(a1, a2, 3) {
				differ++
			}
		}
	}
	if limit := b.Dx() * b.Dy() / 1000; differ > limit {
		t.Errorf("%d pixels differ from the golden image (at most %d allowed); look at the new output and run with -update if it is right", differ, limit)
	}
}

// within reports whether two 16-bit colour channels differ by at most tol
// in 8-bit steps.
func within(a, b uint32, tol int) bool {
	d := int(a>>8) - int(b>>8)
	return -tol <= d && d <= tol
}

func BenchmarkImageHistory(b *testing.B) {
	p, err := History(sampleHistory(), "accuracy", 9, Light)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Image(p, 1200, 800, 144); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeatureGridConv1(b *testing.B) {
	a := sampleActivation(1, 32, 64)
	for b.Loop() {
		if _, err := FeatureGrid(a, GridOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// checkGolden compares img with testdata/file, or writes it there with
// -update.
func checkGolden(t *testing.T, file string, img image.Image) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plots -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	compareImages(t, img, want)
}

// BatchLoss puts step i at (i+1)/steps epochs and refuses what it cannot draw.
func TestBatchLoss(t *testing.T) {
	p, err := BatchLoss([]float64{1.4, 1.2, 0.9, 0.8}, 2, Light)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Max != 2 || p.X.Min != 0.5 || p.Y.Min != 0 || p.Y.Max != 1.4 {
		t.Errorf("axes x %v..%v, y %v..%v; want 0.5..2 and 0..1.4", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, err := Image(p, 400, 300, 96); err != nil {
		t.Error(err)
	}
	for _, bad := range [][]float64{nil, {1, math.NaN()}} {
		if _, err := BatchLoss(bad, 2, Light); err == nil {
			t.Errorf("BatchLoss(%v) gives no error", bad)
		}
	}
}
