package explain

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/weights"
)

// fixture is one file of testdata written by scripts/make-explain-fixtures.py:
// pictures, PyTorch's logits for them and each method's reference map.
type fixture struct {
	Model     string
	Seed      uint64
	RISEMasks int `json:"rise_masks"`
	Pictures  []struct {
		Name          string
		Class         int
		Logits        []float32
		Probabilities []float32
		Pixels        []int // CHW bytes; the input is byte/255 in float32
		Maps          []struct {
			Method, Place string
			Width, Height int
			Values        []float32
		}
	}
}

func readFixture(t testing.TB, name string) fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// pearson is the correlation of a and b; 1 when both are the same
// constant, 0 when only one is constant.
func pearson(a, b []float32) float64 {
	var ma, mb float64
	for i := range a {
		ma += float64(a[i])
		mb += float64(b[i])
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := float64(a[i])-ma, float64(b[i])-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	switch {
	case saa == 0 && sbb == 0:
		return 1
	case saa == 0 || sbb == 0:
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

// maxRelDiff is the largest difference of a from b relative to b's largest
// magnitude.
func maxRelDiff(a, b []float32) float64 {
	var worst, scale float64
	for i := range a {
		worst = max(worst, math.Abs(float64(a[i])-float64(b[i])))
		scale = max(scale, math.Abs(float64(b[i])))
	}
	if scale == 0 {
		return worst
	}
	return worst / scale
}

// fixtureTolerance is, per method, the largest difference from PyTorch's
// map allowed relative to its largest magnitude, beside the correlation of
// at least 0.99 every method must reach. Grad-CAM has none: ArtLens divides
// its map by the maximum, pytorch-grad-cam takes away the minimum first
// (the correlation is unchanged). The CAMs are arithmetic on float32
// activations and gradients (measured: at most 3e-5); the input methods sum
// 50 float32 gradients (at most 1.1e-4 for Integrated Gradients, 5.4e-4
// for SmoothGrad, whose mean absolute gradient is small where the
// gradients change sign); RISE sums 2,000 probabilities.
var fixtureTolerance = map[string]float64{
	MethodHiResCAM:            1e-4,
	MethodGradCAMPP:           1e-4,
	MethodEigenCAM:            1e-4,
	MethodScoreCAM:            1e-4,
	MethodIntegratedGradients: 1e-3,
	MethodSmoothGrad:          2e-3,
	MethodRISE:                1e-4,
}

// TestMethodsMatchPyTorch computes every method on the fixtures' pictures,
// for the study's network and an imported torchvision ResNet, and compares
// each map with PyTorch's (scripts/make-explain-fixtures.py).
func TestMethodsMatchPyTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of network runs")
	}
	study, err := weights.Model()
	if err != nil {
		t.Fatal(err)
	}
	resnet, err := importer.ImportFile(filepath.Join("..", "importer", "testdata", "resnet-opset17-bn.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    *engine.Model
	}{{"study", study}, {"resnet", resnet}} {
		f := readFixture(t, c.name)
		for _, pic := range f.Pictures {
			input := make([]float32, len(pic.Pixels))
			for i, b := range pic.Pixels {
				input[i] = float32(b) / 255
			}
			p, err := c.m.Predict(input)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxRelDiff(p.Logits, pic.Logits); d > 1e-5 || p.Class != pic.Class {
				t.Fatalf("%s %s: logits %v, PyTorch %v: not the same network", c.name, pic.Name, p.Logits, pic.Logits)
			}
			for _, ref := range pic.Maps {
				name := fmt.Sprintf("%s/%s/%s", c.name, pic.Name, ref.Method)
				if ref.Place != "" {
					name += "@" + ref.Place
				}
				t.Run(name, func(t *testing.T) {
					me, err := LookupMethod(ref.Method)
					if err != nil {
						t.Fatal(err)
					}
					req := Request{Input: input, Class: pic.Class, Seed: f.Seed, RISE: RISEOptions{Masks: f.RISEMasks}}
					if ref.Place != "" {
						if req.Place, err = c.m.PlaceNumber(ref.Place); err != nil {
							t.Fatal(err)
						}
					}
					got, err := me.Run(context.Background(), c.m, req)
					if err != nil {
						t.Fatal(err)
					}
					if got.Width != ref.Width || got.Height != ref.Height || len(got.Values) != len(ref.Values) {
						t.Fatalf("map %dx%d (%d values), PyTorch's %dx%d (%d)", got.Width, got.Height, len(got.Values), ref.Width, ref.Height, len(ref.Values))
					}
					r, d := pearson(got.Values, ref.Values), maxRelDiff(got.Values, ref.Values)
					t.Logf("correlation %.6f, largest difference %.2g of the largest value", r, d)
					if r < 0.99 {
						t.Errorf("correlation with PyTorch's map %.4f, want at least 0.99", r)
					}
					if tol, ok := fixtureTolerance[ref.Method]; ok && d > tol {
						t.Errorf("largest difference from PyTorch's map %.3g of its largest value, want at most %g", d, tol)
					}
				})
			}
		}
	}
}

// TestGaussLegendre checks the nodes and weights against numpy's
// leggauss(3) (+-sqrt(3/5), 0; 5/9, 8/9) and that 50 nodes integrate
// x^98 exactly (2/99).
func TestGaussLegendre(t *testing.T) {
	x, w := GaussLegendre(3)
	want := []float64{-math.Sqrt(0.6), 0, math.Sqrt(0.6)}
	wantW := []float64{5.0 / 9, 8.0 / 9, 5.0 / 9}
	for i := range x {
		if !near(x[i], want[i], 1e-15) || !near(w[i], wantW[i], 1e-15) {
			t.Errorf("leggauss(3): %v %v", x, w)
		}
	}
	x, w = GaussLegendre(50)
	var s, sw float64
	for i := range x {
		s += w[i] * math.Pow(x[i], 98)
		sw += w[i]
	}
	if !near(s, 2.0/99, 1e-13) || !near(sw, 2, 1e-13) {
		t.Errorf("50 nodes: integral of x^98 %g (want %g), of 1 %g", s, 2.0/99, sw)
	}
}

// TestSplitmix checks the stream against splitmix64's published outputs
// for seed 1234567 (the reference C code's state, first output after one
// step).
func TestSplitmix(t *testing.T) {
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423}
	for i, w := range want {
		if got := splitmix(1234567, uint64(i)); got != w {
			t.Errorf("value %d: %d, want %d", i, got, w)
		}
	}
}
