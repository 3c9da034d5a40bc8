package featviz

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/weights"
)

// realPictures is the data set's validation set in this project's
// workspace and in CI (beside the clone).
const realPictures = "../../shared/data/art-images/validation_set"

// testInputs returns every 40th picture of the validation set (about
// twenty, of every class) as the shipped model's inputs; the test is
// skipped without the data set.
func testInputs(t testing.TB, m *engine.Model) [][]float32 {
	files, _ := filepath.Glob(filepath.Join(realPictures, "*", "*"))
	if len(files) == 0 {
		t.Skipf("no data set at %s", realPictures)
	}
	slices.Sort(files)
	var out [][]float32
	for i := 0; i < len(files); i += 40 {
		img, _, err := picture.Open(files[i])
		if err != nil {
			continue // the data set has a few broken files
		}
		in := m.Input()
		out = append(out, picture.ToInputShape(img, in.Channels, in.Width, in.Height))
	}
	return out
}

// TestFilterBeatsRealPictures checks, on the shipped model, that for one
// filter of each conv layer (the one that real pictures excite most) the
// visualization's peak is at least the highest peak of any test picture.
func TestFilterBeatsRealPictures(t *testing.T) {
	m, err := weights.Model()
	if err != nil {
		t.Fatal(err)
	}
	inputs := testInputs(t, m)
	layers := len(m.ConvLayers())
	best := make([][]float32, layers) // per layer, per filter: the highest peak
	for _, x := range inputs {
		p, err := m.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		for l, a := range p.Activations {
			if best[l] == nil {
				best[l] = make([]float32, a.Channels)
			}
			for f := range a.Channels {
				best[l][f] = max(best[l][f], slices.Max(a.Map(f)))
			}
		}
	}
	for l := range layers {
		f := argmax(best[l])
		r, err := Visualize(context.Background(), m, Goal{Layer: l + 1, Filter: f}, Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("conv %d filter %d: peak %.3f, best of %d pictures %.3f", l+1, f+1, r.Peak, len(inputs), best[l][f])
		if r.Peak < best[l][f] {
			t.Errorf("conv %d filter %d: the visualization peaks at %.3f, a test picture at %.3f", l+1, f+1, r.Peak, best[l][f])
		}
	}
}

// TestClassProbability checks that the shipped model gives each class's
// visualization that class with a probability of at least 0.9.
func TestClassProbability(t *testing.T) {
	m, err := weights.Model()
	if err != nil {
		t.Fatal(err)
	}
	for c, name := range m.Meta.Classes {
		r, err := Visualize(context.Background(), m, Goal{Class: c}, Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Probability < 0.9 || r.Class != c {
			t.Errorf("%s: probability %.3f (the network says %s)", name, r.Probability, m.Meta.Classes[r.Class])
		}
	}
}

// handSetKernel is conv 1's filter 0 in TestConv1FollowsItsKernel: a
// bright diagonal line on a dark ground, in every colour with a yellow
// cast (blue weighs less), each channel's weights summing to zero as an
// edge detector's do. On pictures in [0,1] its response (after a zero
// bias) is largest on a window that is 1 where the kernel is positive and
// 0 where it is negative.
var handSetKernel = []float32{
	1, -0.5, -0.5, -0.5, 1, -0.5, -0.5, -0.5, 1, // red
	1, -0.5, -0.5, -0.5, 1, -0.5, -0.5, -0.5, 1, // green
	0.5, -0.25, -0.25, -0.25, 0.5, -0.25, -0.25, -0.25, 0.5, // blue
}

// TestConv1FollowsItsKernel visualizes a hand-set conv-1 filter and checks
// that the picture's window under the filter's peak correlates with the
// known optimum, the kernel's signs (Pearson's r >= 0.9), and that the
// peak reaches 80 % of the optimum's: for the centre of its map at the
// input's size, and for its mean on the 128-pixel canvas, where the
// filter's map is computed by the conv layer alone.
func TestConv1FollowsItsKernel(t *testing.T) {
	arch := engine.Arch{Input: engine.Input{Channels: 3, Height: 24, Width: 24}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 2, Kernel: []int{3}}, {Kind: engine.ReLU},
		{Kind: engine.Flatten}, {Kind: engine.Dense}}}
	m, err := engine.NewModelArch(arch, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	copy(p[0].Data, handSetKernel) // filter 0 of conv1.weight (F, C, 3, 3)
	clear(p[1].Data)               // no bias
	for _, c := range []struct {
		goal Goal
		side int // of the picture drawn
	}{{Goal{Layer: 1, Filter: 0, Centre: true}, 24}, {Goal{Layer: 1, Filter: 0}, MinCanvas}} {
		// Without the random transformations: under them the goal is the
		// response averaged over shifted windows, whose optimum is a blur
		// of the one known here.
		r, err := Visualize(context.Background(), m, c.goal, Options{Jitter: -1, Scale: -1, Rotate: -1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b := r.Image.Bounds(); b.Dx() != c.side || b.Dy() != c.side || r.MapWidth != c.side-2 {
			t.Fatalf("%s: a %dx%d picture, maps %d wide; want %d and %d", c.goal, b.Dx(), b.Dy(), r.MapWidth, c.side, c.side-2)
		}
		py, px := r.PeakAt/r.MapWidth, r.PeakAt%r.MapWidth
		var window []float32
		for ch := range 3 {
			for dy := range 3 {
				for dx := range 3 {
					window = append(window, r.Input[(ch*c.side+py+dy)*c.side+px+dx])
				}
			}
		}
		optimum, best := make([]float32, len(handSetKernel)), 0.0
		for i, w := range handSetKernel {
			if w > 0 {
				optimum[i], best = 1, best+float64(w)
			}
		}
		rr := pearson(window, optimum)
		t.Logf("%s on %d px: r = %.3f, peak %.3f (the optimum's %.3f)", c.goal, c.side, rr, r.Peak, best)
		if rr < 0.9 {
			t.Errorf("%s: the window under the peak %v correlates with the optimum at %.3f", c.goal, window, rr)
		}
		if float64(r.Peak) < 0.8*best {
			t.Errorf("%s: the peak %.3f is below 80 %% of the optimum's %.3f", c.goal, r.Peak, best)
		}
	}
}

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
	return sab / math.Sqrt(saa*sbb)
}

// TestCancelAndProgress checks that Visualize reports every step and stops
// with the context's error, and that Cache computes a goal once.
func TestCancelAndProgress(t *testing.T) {
	m, err := engine.NewModelArch(engine.Arch{Input: engine.Input{Channels: 3, Height: 12, Width: 12}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 2, Kernel: []int{3}}, {Kind: engine.ReLU}, {Kind: engine.Flatten}, {Kind: engine.Dense}}}, []string{"a", "b"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var seen []int
	_, err = Visualize(ctx, m, Goal{Class: 1}, Options{Steps: 20}, func(done, total int) {
		seen = append(seen, done)
		if done == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(seen) != 5 {
		t.Errorf("cancelled after step 5: error %v, steps seen %v", err, seen)
	}
	var c Cache
	calls := 0
	count := func(done, total int) { calls++ }
	a, err := c.Visualize(context.Background(), m, Goal{Class: 1}, Options{Steps: 10}, count)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Visualize(context.Background(), m, Goal{Class: 1}, Options{Steps: 10}, count)
	if err != nil || a != b || calls != 11 {
		t.Errorf("second call: same result %v, error %v, progress calls %d (want 10 + 1)", a == b, err, calls)
	}
	if _, err := Visualize(context.Background(), m, Goal{Layer: 2}, Options{}, nil); err == nil {
		t.Error("conv layer 2 of a one-layer model: no error")
	}
}

// TestCanvasSize checks which goals are drawn on the canvas: a filter's
// mean on Options.Size (128 by default), a centre, a class and a negative
// Size at the input's size, and the class given a canvas is the one given
// the canvas resized to the input.
func TestCanvasSize(t *testing.T) {
	m, err := engine.NewModelArch(engine.Arch{Input: engine.Input{Channels: 3, Height: 12, Width: 16}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 2, Kernel: []int{3}}, {Kind: engine.ReLU}, {Kind: engine.Flatten}, {Kind: engine.Dense}}}, []string{"a", "b"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		goal Goal
		size int
		w, h int
	}{
		{Goal{Layer: 1, Filter: 1}, 0, 128, 128},
		{Goal{Layer: 1, Filter: 1}, 40, 40, 40},
		{Goal{Layer: 1, Filter: 1}, -1, 16, 12},
		{Goal{Layer: 1, Filter: 1, Centre: true}, 40, 16, 12},
		{Goal{Class: 1}, 40, 16, 12},
	} {
		r, err := Visualize(context.Background(), m, c.goal, Options{Steps: 3, Size: c.size}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b := r.Image.Bounds(); b.Dx() != c.w || b.Dy() != c.h || len(r.Input) != 3*c.w*c.h {
			t.Errorf("%s, size %d: a %dx%d picture (%d values), want %dx%d", c.goal, c.size, b.Dx(), b.Dy(), len(r.Input), c.w, c.h)
		}
		seen := r.Input
		if c.w != 16 {
			seen = picture.ToInputShape(r.Image, 3, 16, 12)
		}
		p, err := m.Predict(seen)
		if err != nil {
			t.Fatal(err)
		}
		if p.Class != r.Class || p.Probabilities[p.Class] != r.Probability && c.goal.Layer > 0 {
			t.Errorf("%s, size %d: class %d (%.4f), the picture resized gives %d (%.4f)", c.goal, c.size, r.Class, r.Probability, p.Class, p.Probabilities[p.Class])
		}
	}
}

// BenchmarkVisualizeFilter times one filter's visualization (256 steps) on
// the shipped model, conv 3, filter 1: on the input's 64 pixels, and on
// the default 128-pixel canvas (four times the pixels).
func BenchmarkVisualizeFilter(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		size int
	}{{"input64", -1}, {"canvas128", 0}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Visualize(context.Background(), m, Goal{Layer: 3, Filter: 0}, Options{Size: c.size}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
