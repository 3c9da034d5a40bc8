package explain

import (
	"context"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/weights"
)

// scene draws a made-up picture with structure in it (a sky gradient, a
// dark hill, a bright disc), so that a trained model's maps have something
// to point at.
func scene(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{uint8(40 + 100*y/h), uint8(60 + 80*y/h), 200, 255}
			if float64(y) > 0.6*float64(h)+0.15*float64(h)*math.Sin(float64(x)/float64(w)*6) {
				c = color.NRGBA{30, 60, 20, 255}
			}
			if dx, dy := x-w*3/4, y-h/4; dx*dx+dy*dy < (h/8)*(h/8) {
				c = color.NRGBA{250, 230, 120, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// spearman is the rank correlation of a and b (ties get their mean rank);
// 0 when either is constant.
func spearman(a, b []float32) float64 {
	ra, rb := ranks(a), ranks(b)
	var ma, mb float64
	for i := range ra {
		ma += ra[i]
		mb += rb[i]
	}
	ma /= float64(len(ra))
	mb /= float64(len(rb))
	var sab, saa, sbb float64
	for i := range ra {
		sab += (ra[i] - ma) * (rb[i] - mb)
		saa += (ra[i] - ma) * (ra[i] - ma)
		sbb += (rb[i] - mb) * (rb[i] - mb)
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

func ranks(v []float32) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			r[idx[k]] = float64(i+j-1) / 2
		}
		i = j
	}
	return r
}

// TestSanityRandomisedTopLayers is the model-randomisation check of
// Adebayo et al. (2018): an explanation that does not change when the top
// layers' trained weights are replaced by random ones explains the picture,
// not the model. The weights of dense3, dense2, dense1 and conv5 are
// randomised in turn (cascading from the top); the rank correlation of
// Grad-CAM (conv layer 5) with the trained model's must fall clearly.
func TestSanityRandomisedTopLayers(t *testing.T) {
	m, err := weights.Model()
	if err != nil {
		t.Fatal(err)
	}
	in := picture.ToInput(scene(300, 200), engine.InputSize)
	for _, layer := range []int{5, 4} {
		trained, err := GradCAM(m, in, layer, -1)
		if err != nil {
			t.Fatal(err)
		}
		if trained.Max() != 1 {
			t.Fatalf("trained Grad-CAM at conv%d is empty", layer)
		}
		if r := spearman(trained.Values, trained.Values); !near(r, 1, 1e-9) {
			t.Fatalf("self-correlation %g", r)
		}
		r, err := weights.Model()
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(42, uint64(layer)))
		ps := r.Params()
		for step, name := range []string{"dense3", "dense2", "dense1", "conv5"} {
			for _, p := range ps {
				if p.Name == name+".weight" {
					// Glorot-uniform, as a fresh model starts.
					fanIn, fanOut := p.Shape[0], p.Shape[1]
					if len(p.Shape) == 4 {
						fanIn, fanOut = p.Shape[1]*9, p.Shape[0]*9
					}
					lim := math.Sqrt(6 / float64(fanIn+fanOut))
					for i := range p.Data {
						p.Data[i] = float32((rng.Float64()*2 - 1) * lim)
					}
				}
			}
			// Explain the same class, which the random model may not predict.
			rand, err := GradCAM(r, in, layer, trained.Class)
			if err != nil {
				t.Fatal(err)
			}
			rho := spearman(trained.Values, rand.Values)
			t.Logf("conv%d, randomised up to %s: rank correlation %.2f", layer, name, rho)
			if step == 3 && rho > 0.5 {
				t.Errorf("conv%d: with dense3..conv5 random, Grad-CAM keeps a rank correlation of %.2f with the trained model's", layer, rho)
			}
		}
	}
}

// BenchmarkGradCAM is one click in the app: Grad-CAM of the predicted
// class at the last conv layer with the shipped model (one or two forward
// and backward passes).
func BenchmarkGradCAM(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	in := picture.ToInput(scene(300, 200), engine.InputSize)
	if _, err := GradCAM(m, in, 0, -1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := GradCAM(m, in, 0, -1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOcclusion is a default occlusion map (49 positions).
func BenchmarkOcclusion(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	in := picture.ToInput(scene(300, 200), engine.InputSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Occlusion(context.Background(), m, in, -1, OcclusionOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredict is the prediction these compare with.
func BenchmarkPredict(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	in := picture.ToInput(scene(300, 200), engine.InputSize)
	m.Predict(in)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Predict(in); err != nil {
			b.Fatal(err)
		}
	}
}
