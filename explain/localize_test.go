package explain

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/artlens/artlens/engine"
)

// evidence is where the class evidence of the generated data set lies:
// a red square of side evidenceSide with its top-left corner anywhere in
// [evidenceLo, evidenceHi] on both axes, that is inside the input's
// top-left quarter.
const (
	evidenceSide = 10
	evidenceLo   = 4
	evidenceHi   = 20
)

// generated returns one image of the generated data set: grey noise, and
// for class 1 a red square at (x, y) too.
func generated(rng *rand.Rand, class, x, y int) []float32 {
	n := engine.InputSize
	in := make([]float32, 3*n*n)
	for i := range in {
		in[i] = 0.35 + 0.3*rng.Float32()
	}
	if class == 1 {
		for r := y; r < y+evidenceSide; r++ {
			for c := x; c < x+evidenceSide; c++ {
				in[r*n+c], in[n*n+r*n+c], in[2*n*n+r*n+c] = 0.9, 0.1, 0.1
			}
		}
	}
	return in
}

// trainGenerated trains a fresh model on the generated data set with Adam
// until it classifies a batch perfectly several times in a row.
func trainGenerated(t *testing.T) *engine.Model {
	t.Helper()
	m, err := engine.NewModel([]string{"plain", "marked"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 16
	tg, err := m.NewTrainingGraph(batch, engine.BatchStatistics)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	params := m.Params()
	mom := make([][]float32, len(params))
	vel := make([][]float32, len(params))
	for i, p := range params {
		mom[i], vel[i] = make([]float32, len(p.Data)), make([]float32, len(p.Data))
	}
	const lr, b1, b2 = 1e-3, 0.9, 0.999
	perfect := 0
	for step := 1; step <= 150; step++ {
		var x []float32
		labels := make([]int, batch)
		for i := range labels {
			labels[i] = i % 2
			x = append(x, generated(rng, labels[i], evidenceLo+rng.IntN(evidenceHi-evidenceLo+1), evidenceLo+rng.IntN(evidenceHi-evidenceLo+1))...)
		}
		loss, correct, err := tg.Forward(x, labels, nil)
		if err != nil {
			t.Fatal(err)
		}
		if correct == batch && loss < 0.05 {
			if perfect++; perfect == 5 {
				t.Logf("trained in %d steps, loss %.4f", step, loss)
				return m
			}
		} else {
			perfect = 0
		}
		grads, err := tg.Gradients()
		if err != nil {
			t.Fatal(err)
		}
		c1, c2 := 1-math.Pow(b1, float64(step)), 1-math.Pow(b2, float64(step))
		for i, p := range params {
			for j, g := range grads[i] {
				mom[i][j] = b1*mom[i][j] + (1-b1)*g
				vel[i][j] = b2*vel[i][j] + (1-b2)*g*g
				p.Data[j] -= float32(lr * (float64(mom[i][j]) / c1) / (math.Sqrt(float64(vel[i][j])/c2) + 1e-7))
			}
		}
	}
	t.Fatal("the model did not learn the generated data set in 150 steps")
	return nil
}

// argmax2 returns the row and column of a map's largest value.
func argmax2(m Map) (int, int) {
	i := engine.Argmax(m.Values)
	return i / m.Width, i % m.Width
}

// quarterMax is the largest value of a map's bottom-right quarter (cells
// from the middle on, both ways).
func quarterMax(m Map) float32 {
	var hi float32 = -1
	for r := m.Height / 2; r < m.Height; r++ {
		for c := m.Width / 2; c < m.Width; c++ {
			hi = max(hi, m.Values[r*m.Width+c])
		}
	}
	return hi
}

// TestMapsFindTheEvidence trains a model on a generated data set whose
// class evidence lies in a known region (a red square in the top-left
// quarter) and checks that Grad-CAM and occlusion both peak there, for
// squares at several places of that region.
func TestMapsFindTheEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	m := trainGenerated(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, at := range [][2]int{{4, 4}, {20, 6}, {8, 18}} {
		in := generated(rng, 1, at[0], at[1])
		cx, cy := float64(at[0])+evidenceSide/2, float64(at[1])+evidenceSide/2 // in input pixels
		for _, layer := range []int{5, 3} {
			cam, err := GradCAM(m, in, layer, 1)
			if err != nil {
				t.Fatal(err)
			}
			r, c := argmax2(cam)
			// A conv layer's cell (r, c) covers the input around
			// ((c+0.5)/W, (r+0.5)/H) of its side, give or take the
			// receptive field's border.
			px, py := (float64(c)+0.5)/float64(cam.Width)*64, (float64(r)+0.5)/float64(cam.Height)*64
			if math.Abs(px-cx) > 14 || math.Abs(py-cy) > 14 {
				t.Errorf("square at %v: Grad-CAM conv%d peaks at cell (%d,%d) ≈ input (%.0f,%.0f), far from the square's centre (%.0f,%.0f)\n%v",
					at, layer, r, c, px, py, cx, cy, cam.Rows())
			}
			// Not a flat map whose first cell wins by default: the far
			// quarter, where nothing was drawn, stays low.
			if far := quarterMax(cam); cam.Max() != 1 || far > 0.5 {
				t.Errorf("square at %v: Grad-CAM conv%d reaches %.2f in the bottom-right quarter", at, layer, far)
			}
		}
		occ, err := Occlusion(context.Background(), m, in, 1, OcclusionOptions{Patch: 12, Stride: 8})
		if err != nil {
			t.Fatal(err)
		}
		r, c := argmax2(occ)
		starts := OcclusionPatchStarts(64, OcclusionOptions{Patch: 12, Stride: 8})
		px, py := float64(starts[c])+6, float64(starts[r])+6
		if math.Abs(px-cx) > 8 || math.Abs(py-cy) > 8 {
			t.Errorf("square at %v: occlusion peaks with the patch centred at (%.0f,%.0f), far from the square's centre (%.0f,%.0f)", at, px, py, cx, cy)
		}
		if occ.Values[r*occ.Width+c] < 0.2 {
			t.Errorf("square at %v: hiding it drops the class by only %.2f", at, occ.Values[r*occ.Width+c])
		}
		if far := quarterMax(occ); far > 0.05 {
			t.Errorf("square at %v: hiding parts of the bottom-right quarter drops the class by %.2f", at, far)
		}
	}
}
