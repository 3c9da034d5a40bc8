package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomBatch returns n random images and labels drawn from seed.
func randomBatch(n, classes int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*3*InputSize*InputSize)
	for i := range x {
		x[i] = rng.Float32()
	}
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(classes)
	}
	return x, y
}

// TestGradientsMatchFiniteDifferences checks the backward pass of every
// weight tensor against central finite differences of the loss.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	m, err := NewModel([]string{"a", "b", "c", "d"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(2, 4, 11)
	loss, analytic := trainingLoss(t, m, x, y)
	rng := rand.New(rand.NewPCG(5, 5))
	for pi, p := range m.Params() {
		// Probe the entries with the largest gradients (where float32
		// differences are well above rounding noise) plus a random one.
		probe := []int{argmaxAbs(analytic[pi]), rng.IntN(len(p.Data))}
		for _, j := range probe {
			checkFiniteDifference(t, loss, p, j, analytic[pi][j], 2e-3)
		}
	}
}

// trainingLoss returns the loss of a training graph of m for the batch x,
// y (len(y) images) with dropout off and batch norms on their running
// averages (the batch statistics of two images make a loss too steep for
// finite differences: batchnorm_test.go checks them on larger batches), as
// a function that runs the graph on m's current weights, and the gradients
// of a first run, copied.
func trainingLoss(t *testing.T, m *Model, x []float32, y []int) (loss func() float64, grads [][]float32) {
	t.Helper()
	return trainingLossMode(t, m, x, y, RunningStatistics)
}

// trainingLossMode is trainingLoss with the batch norms in the given mode.
func trainingLossMode(t *testing.T, m *Model, x []float32, y []int, bn BatchNormMode) (loss func() float64, grads [][]float32) {
	t.Helper()
	tg, err := m.NewTrainingGraph(len(y), bn)
	if err != nil {
		t.Fatal(err)
	}
	loss = func() float64 {
		l, _, err := tg.Forward(x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	loss()
	gs, err := tg.Gradients()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		grads = append(grads, append([]float32(nil), g...))
	}
	return loss, grads
}

// checkFiniteDifference compares grad, the gradient of loss with respect
// to entry j of p, with the central finite difference of step h (the
// tolerance allows for float32 rounding and for steps across a ReLU's or
// a max's kink).
func checkFiniteDifference(t *testing.T, loss func() float64, p Param, j int, grad, h float32) {
	t.Helper()
	orig := p.Data[j]
	p.Data[j] = orig + h
	up := loss()
	p.Data[j] = orig - h
	down := loss()
	p.Data[j] = orig
	numeric := (up - down) / (2 * float64(h))
	if math.Abs(numeric-float64(grad)) > 2e-3+0.05*math.Abs(numeric) {
		t.Errorf("%s[%d]: gradient %.6g, finite difference %.6g", p.Name, j, grad, numeric)
	}
}

func argmaxAbs(v []float32) int {
	best := 0
	for i, x := range v {
		if math.Abs(float64(x)) > math.Abs(float64(v[best])) {
			best = i
		}
	}
	return best
}

// TestSplitBatchGradients checks that two graphs of half a batch, run at
// the same time, average to the gradient of the whole batch: the trainer's
// data parallelism relies on it (and on gorgonia graphs being independent).
func TestSplitBatchGradients(t *testing.T) {
	m, _ := NewModel([]string{"a", "b", "c", "d"}, 4)
	whole, _ := m.NewTrainingGraph(4, BatchStatistics)
	h1, _ := m.NewTrainingGraph(2, BatchStatistics)
	h2, _ := m.NewTrainingGraph(2, BatchStatistics)
	x, y := randomBatch(4, 4, 12)
	if _, _, err := whole.Forward(x, y, nil); err != nil {
		t.Fatal(err)
	}
	half := len(x) / 2
	done := make(chan error, 2)
	go func() { _, _, err := h1.Forward(x[:half], y[:2], nil); done <- err }()
	go func() { _, _, err := h2.Forward(x[half:], y[2:], nil); done <- err }()
	for i := 0; i < 2; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	gw, _ := whole.Gradients()
	g1, _ := h1.Gradients()
	g2, _ := h2.Gradients()
	for i := range gw {
		for j := range gw[i] {
			avg := (g1[i][j] + g2[i][j]) / 2
			if d := math.Abs(float64(avg - gw[i][j])); d > 1e-5+1e-3*math.Abs(float64(gw[i][j])) {
				t.Fatalf("param %d entry %d: whole batch %g, halves %g", i, j, gw[i][j], avg)
			}
		}
	}
}

// TestWeightUpdatesReachInference checks that changing Params in place (as
// the optimizer does) changes what Predict computes.
func TestWeightUpdatesReachInference(t *testing.T) {
	m, _ := NewModel([]string{"a", "b"}, 5)
	x, _ := randomBatch(1, 2, 1)
	before, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()
	last := ps[len(ps)-1] // dense3.bias
	last.Data[0] += 5
	after, _ := m.Predict(x)
	if !(after.Probabilities[0] > before.Probabilities[0]+0.3) {
		t.Fatalf("raising class 0's bias did not raise its probability: %v -> %v", before.Probabilities, after.Probabilities)
	}
}

// TestDropoutMasks checks the inverted-dropout mask statistics.
func TestDropoutMasks(t *testing.T) {
	mask := make([]float32, 100000)
	fillMask(mask, 0.25, rand.NewPCG(1, 1))
	zeros := 0
	var sum float64
	for _, v := range mask {
		if v == 0 {
			zeros++
		} else if math.Abs(float64(v)-1/0.75) > 1e-6 {
			t.Fatalf("kept unit scaled by %v, want %v", v, 1/0.75)
		}
		sum += float64(v)
	}
	if f := float64(zeros) / float64(len(mask)); math.Abs(f-0.25) > 0.01 {
		t.Errorf("dropped %.3f of units, want 0.25", f)
	}
	if mean := sum / float64(len(mask)); math.Abs(mean-1) > 0.01 {
		t.Errorf("mask mean %.3f, want 1 (expectation preserved)", mean)
	}
	fillMask(mask, 0.25, nil)
	for _, v := range mask {
		if v != 1 {
			t.Fatal("a mask without generator must keep every unit")
		}
	}
}

// TestLabelSmoothing checks the smoothed loss and the last bias's gradient
// against their definitions, from the probabilities Predict gives: with
// targets t (1-s+s/K for the label, s/K for the others) the loss is the
// mean of -sum t_k log p_k and the gradient of the output bias the mean of
// p - t.
func TestLabelSmoothing(t *testing.T) {
	const classes, s = 4, 0.2
	m, err := NewModel([]string{"a", "b", "c", "d"}, 9)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(3, classes, 21)
	tg, err := m.NewTrainingGraph(len(y), RunningStatistics)
	if err != nil {
		t.Fatal(err)
	}
	tg.Smoothing = s
	loss, _, err := tg.Forward(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := tg.Gradients()
	if err != nil {
		t.Fatal(err)
	}
	biasGrad := grads[len(grads)-1]
	var want float64
	wantGrad := make([]float64, classes)
	n := len(x) / len(y)
	for i, label := range y {
		pred, err := m.Predict(x[i*n : (i+1)*n])
		if err != nil {
			t.Fatal(err)
		}
		for k, p := range pred.Probabilities {
			target := s / classes
			if k == label {
				target += 1 - s
			}
			want -= target * math.Log(float64(p)) / float64(len(y))
			wantGrad[k] += (float64(p) - target) / float64(len(y))
		}
	}
	if math.Abs(loss-want) > 1e-4*math.Max(1, want) {
		t.Errorf("smoothed loss %v, want %v", loss, want)
	}
	for k := range wantGrad {
		if math.Abs(float64(biasGrad[k])-wantGrad[k]) > 1e-5 {
			t.Errorf("output bias gradient %d: %v, want %v", k, biasGrad[k], wantGrad[k])
		}
	}
	tg.Smoothing = 1
	if _, _, err := tg.Forward(x, y, nil); err == nil {
		t.Error("smoothing 1 was taken")
	}
}
