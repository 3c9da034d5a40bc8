package plots

import (
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
)

var showDir = flag.String("show", "", "write sample figures to this folder for viewing")

// sampleHistory is a 12-epoch training history with its best epoch at 9.
func sampleHistory() []engine.Epoch {
	h := make([]engine.Epoch, 12)
	for i := range h {
		x := float64(i + 1)
		h[i] = engine.Epoch{Epoch: i + 1,
			TrainLoss: 1.3*math.Exp(-x/4) + 0.15, ValLoss: 1.2*math.Exp(-x/4) + 0.3 + 0.004*x*x/4,
			TrainAccuracy: 0.95 - 0.6*math.Exp(-x/3.5), ValAccuracy: 0.88 - 0.55*math.Exp(-x/3) - 0.002*math.Max(0, x-9),
			LearningRate: 0.001, Seconds: 40}
	}
	return h
}

// sampleEvaluation is a fixed 4-class evaluation of 1000 images.
func sampleEvaluation() engine.Evaluation {
	return engine.Evaluation{
		Classes: []string{"drawings", "iconography", "painting", "sculpture"},
		Confusion: [][]int{
			{190, 16, 30, 4},
			{5, 212, 20, 3},
			{12, 9, 241, 8},
			{6, 2, 14, 228},
		},
		Accuracy: 0.871,
		Total:    1000,
	}
}

// sampleActivation makes a layer of c maps of size×size with varied,
// deterministic patterns: gradients, rings, stripes, a dead filter (all 0)
// and maps of different strength.
func sampleActivation(layer, c, size int) engine.Activation {
	a := engine.Activation{Layer: layer, Channels: c, Height: size, Width: size,
		Data: make([]float32, c*size*size)}
	for ch := 0; ch < c; ch++ {
		m := a.Map(ch)
		if ch%11 == 5 {
			continue // dead filter
		}
		strength := 0.3 + float64(ch%7)
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				u, v := float64(x)/float64(size), float64(y)/float64(size)
				var f float64
				switch ch % 4 {
				case 0:
					f = u
				case 1:
					f = math.Sin(2*math.Pi*(float64(ch%3+1)*v)) + 0.2
				case 2:
					d := math.Hypot(u-0.5, v-0.5)
					f = math.Cos(d * 20)
				case 3:
					f = math.Exp(-20 * ((u-0.3)*(u-0.3) + (v-0.6)*(v-0.6)))
				}
				m[y*size+x] = float32(math.Max(0, f) * strength)
			}
		}
	}
	return a
}

func TestWriteSamples(t *testing.T) {
	if *showDir == "" {
		t.Skip("no -show folder")
	}
	if err := os.MkdirAll(*showDir, 0o755); err != nil {
		t.Fatal(err)
	}
	save := func(name string, img image.Image) {
		f, err := os.Create(filepath.Join(*showDir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	for _, metric := range Metrics {
		for name, th := range map[string]Theme{"": Light, "_dark": Dark} {
			p, err := History(sampleHistory(), metric, 9, th)
			if err != nil {
				t.Fatal(err)
			}
			img, err := Image(p, 960, 640, 120)
			if err != nil {
				t.Fatal(err)
			}
			save("history_"+metric+name+".png", img)
		}
	}
	for _, percent := range []bool{true, false} {
		th := Light
		if !percent {
			th = Dark // one of each
		}
		p, err := Confusion(sampleEvaluation(), percent, th)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Image(p, 800, 700, 120)
		if err != nil {
			t.Fatal(err)
		}
		name := "confusion_counts.png"
		if percent {
			name = "confusion_percent.png"
		}
		save(name, img)
	}
	for _, s := range []struct {
		name string
		a    engine.Activation
		opt  GridOptions
	}{
		{"grid_conv1.png", sampleActivation(1, 32, 64), GridOptions{Title: "starry.jpg — conv layer 1 (32 filters) — predicted: painting (93.1%)"}},
		{"grid_conv3_layer.png", sampleActivation(3, 64, 16), GridOptions{Normalize: PerLayer, Order: ByActivation}},
		{"grid_conv5.png", sampleActivation(5, 128, 4), GridOptions{}},
		{"grid_conv4_selected.png", sampleActivation(4, 128, 8), GridOptions{Filters: []int{0, 5, 7}}},
	} {
		img, err := FeatureGrid(s.a, s.opt)
		if err != nil {
			t.Fatal(err)
		}
		save(s.name, img)
	}
	save("legend.png", Legend(0, 3.7, 300, 24))
}
