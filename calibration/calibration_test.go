package calibration

import (
	"math"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestECEHandWorked checks the bins and the ECE of five predictions worked
// by hand. The bins are (i/15, (i+1)/15]:
//
//	a: 0.95 for class 0, truly 0: right, bin 14 (0.933, 1]
//	b: 0.95 for class 0, truly 1: wrong, bin 14
//	c: 0.70 for class 1, truly 1: right, bin 10 (0.667, 0.733]
//	d: 0.55 for class 0, truly 1: wrong, bin 8 (0.533, 0.6]
//	e: 0.85 for class 0, truly 0: right, bin 12 (0.8, 0.867]
//
// bin 14: 2 pictures, confidence 0.95, accuracy 0.5: 2/5 * 0.45 = 0.18
// bin 10: 1 picture, confidence 0.70, accuracy 1:    1/5 * 0.30 = 0.06
// bin 8:  1 picture, confidence 0.55, accuracy 0:    1/5 * 0.55 = 0.11
// bin 12: 1 picture, confidence 0.85, accuracy 1:    1/5 * 0.15 = 0.03
// ECE = 0.18 + 0.06 + 0.11 + 0.03 = 0.38.
func TestECEHandWorked(t *testing.T) {
	probs := [][]float32{{0.95, 0.05}, {0.95, 0.05}, {0.3, 0.7}, {0.55, 0.45}, {0.85, 0.15}}
	truth := []int{0, 1, 1, 1, 0}
	bins, err := Bins(probs, truth)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]Bin{14: {Count: 2, Confidence: 0.95, Accuracy: 0.5}, 10: {Count: 1, Confidence: 0.7, Accuracy: 1},
		8: {Count: 1, Confidence: 0.55}, 12: {Count: 1, Confidence: 0.85, Accuracy: 1}}
	for i, b := range bins {
		w := want[i]
		if b.Count != w.Count || math.Abs(b.Confidence-w.Confidence) > 1e-6 || b.Accuracy != w.Accuracy {
			t.Errorf("bin %d: %+v, want %+v", i, b, w)
		}
		if math.Abs(b.Lower-float64(i)/15) > 1e-12 || math.Abs(b.Upper-float64(i+1)/15) > 1e-12 {
			t.Errorf("bin %d spans (%g, %g]", i, b.Lower, b.Upper)
		}
	}
	if e := ECE(bins); math.Abs(e-0.38) > 1e-6 {
		t.Errorf("ECE %.7f, want 0.38", e)
	}
	if n := ConfidentMistakes(probs, truth, 0.9); n != 1 {
		t.Errorf("%d mistakes at 90 %% or more, want 1", n)
	}
}

func TestBinEdges(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want int
	}{{0, 0}, {1e-9, 0}, {1.0 / 15, 0}, {1.0/15 + 1e-9, 1}, {0.5, 7}, {0.999, 14}, {1, 14}} {
		if got := binOf(c.p); got != c.want {
			t.Errorf("binOf(%g) = %d, want %d", c.p, got, c.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Bins([][]float32{{1, 0}}, []int{2}); err == nil {
		t.Error("a class out of range gave no error")
	}
	if _, err := Bins([][]float32{{1, 0}}, nil); err == nil {
		t.Error("unequal lengths gave no error")
	}
	if _, err := FitTemperature(nil, nil); err == nil {
		t.Error("no pictures gave no error")
	}
	if _, err := FitTemperature([][]float32{{float32(math.NaN()), 0}}, []int{0}); err == nil {
		t.Error("NaN logits gave no error")
	}
}

// TestFitTemperatureKnownOptimum fits T where it is known by hand. Two
// classes, every picture's logits (a, 0): the top probability is
// s = 1/(1+exp(-a/T)) for all, and if a share q of them is right the mean
// NLL is -q log s - (1-q) log(1-s), least at s = q, that is
// a/T = log(q/(1-q)), T = a / log(q/(1-q)).
func TestFitTemperatureKnownOptimum(t *testing.T) {
	for _, c := range []struct {
		a            float32
		right, wrong int
	}{{1, 3, 1}, {2, 6, 4}, {8, 9, 1}, {0.5, 99, 1}} {
		var logits [][]float32
		var truth []int
		for i := 0; i < c.right+c.wrong; i++ {
			logits = append(logits, []float32{c.a, 0})
			truth = append(truth, map[bool]int{true: 0, false: 1}[i < c.right])
		}
		q := float64(c.right) / float64(c.right+c.wrong)
		want := float64(c.a) / math.Log(q/(1-q))
		got, err := FitTemperature(logits, truth)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("a=%g, %d right of %d: T = %.9f, want %.9f", c.a, c.right, c.right+c.wrong, got, want)
		}
	}
}

// TestFitTemperatureStationary checks a three-class fit by its first-order
// condition: at the optimum the derivative of the NLL in 1/T, the mean of
// E_p[z] - z_true, is zero, and the NLL is no higher than at T = 1.
func TestFitTemperatureStationary(t *testing.T) {
	logits := [][]float32{{3, 1, -2}, {0.5, 2.5, 0}, {4, 3.5, -1}, {-1, 0, 6}, {2, 2.2, 1.9}, {5, -3, 0}, {1, 0, 3}}
	truth := []int{0, 1, 1, 2, 0, 0, 0}
	T, err := FitTemperature(logits, truth)
	if err != nil {
		t.Fatal(err)
	}
	g := 0.0
	for i, z := range logits {
		p := Softmax(z, T)
		for k := range z {
			g += float64(p[k]) * float64(z[k])
		}
		g -= float64(z[truth[i]])
	}
	if math.Abs(g/float64(len(logits))) > 1e-5 {
		t.Errorf("T = %g: the NLL's derivative in 1/T is %g, not 0", T, g/float64(len(logits)))
	}
	if NLL(logits, truth, T) > NLL(logits, truth, 1) {
		t.Error("the fitted T is worse than 1")
	}
}

// TestCalibratedKeepsArgmax checks that dividing by T changes the
// probabilities but never the top class.
func TestCalibratedKeepsArgmax(t *testing.T) {
	logits := [][]float32{{3, 1, -2}, {0.5, 2.5, 0}, {4, 3.5, -1}, {-1, 0, 6}}
	for _, T := range []float64{0.3, 1.7, 4} {
		for _, z := range logits {
			plain, scaled := Softmax(z, 1), Softmax(z, T)
			if engine.Argmax(plain) != engine.Argmax(scaled) {
				t.Errorf("T=%g changed the top class of %v", T, z)
			}
			if plain[engine.Argmax(plain)] == scaled[engine.Argmax(scaled)] {
				t.Errorf("T=%g left the top probability of %v as it was", T, z)
			}
		}
	}
}

func TestSentence(t *testing.T) {
	bins := make([]Bin, NumBins)
	for i := range bins {
		bins[i].Lower, bins[i].Upper = float64(i)/15, float64(i+1)/15
	}
	bins[14] = Bin{Count: 120, Confidence: 0.97, Accuracy: 0.71, Lower: 14.0 / 15, Upper: 1}
	bins[13] = Bin{Count: 1, Confidence: 0.9, Accuracy: 0, Lower: 13.0 / 15, Upper: 14.0 / 15}
	r := engine.Reliability{Set: "test", Count: 121, Bins: bins}
	for _, c := range []struct {
		p    float64
		want string
	}{
		{0.99, "when the network is this sure (93–100 %), it was right 71 % of the time (120 test pictures)"},
		{0.9, "when the network was this sure (87–93 %), it was wrong (1 test picture)"},
		{0.5, "no test picture made the network this sure (47–53 %): no record to go by"},
	} {
		if got := Sentence(r, c.p); got != c.want {
			t.Errorf("Sentence(%g) = %q, want %q", c.p, got, c.want)
		}
	}
	if Sentence(engine.Reliability{}, 0.5) != "" {
		t.Error("no bins gave a sentence")
	}
}

func TestTemperatureErrors(t *testing.T) {
	arch := engine.Arch{Input: engine.Input{Channels: 1, Height: 4, Width: 4},
		Layers: []engine.Layer{{Kind: engine.Flatten}, {Kind: engine.Dense, Units: 2}}}
	m, err := engine.NewModelArch(arch, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Temperature(m); err == nil || !strings.Contains(err.Error(), "artlens calibrate") {
		t.Errorf("no temperature: %v", err)
	}
	if _, ok := Stored(m, true); ok {
		t.Error("Stored found bins in a model without calibration")
	}
	m.Meta.Calibration = &engine.Calibration{Temperature: 1.5, Before: engine.Reliability{ECE: 0.1, Bins: make([]Bin, NumBins)},
		After: engine.Reliability{ECE: 0.02, Bins: make([]Bin, NumBins)}}
	if T, err := Temperature(m); err != nil || T != 1.5 {
		t.Errorf("Temperature = %g, %v", T, err)
	}
	if r, ok := Stored(m, true); !ok || r.ECE != 0.02 {
		t.Errorf("Stored(calibrated) = %v, %v", r.ECE, ok)
	}
	if r, ok := Stored(m, false); !ok || r.ECE != 0.1 {
		t.Errorf("Stored(plain) = %v, %v", r.ECE, ok)
	}
	arch.Output = engine.OutputSigmoid
	s, err := engine.NewModelArch(arch, []string{"a", "b"}, 1)
	if err != nil {
		t.Skipf("no sigmoid model to check: %v", err)
	}
	s.Meta.Calibration = &engine.Calibration{Temperature: 1.5}
	if _, err := Temperature(s); err == nil || !strings.Contains(err.Error(), "sigmoid") {
		t.Errorf("a sigmoid model: %v", err)
	}
}

// TestRescale checks that rescaling a softmax's probabilities gives what
// dividing its logits gives.
func TestRescale(t *testing.T) {
	for _, z := range [][]float32{{3, 1, -2}, {0.5, 2.5, 0}, {40, -30, 0}} {
		for _, T := range []float64{0.5, 1.4, 3} {
			want, got := Softmax(z, T), Rescale(Softmax(z, 1), T)
			for k := range want {
				if math.Abs(float64(want[k]-got[k])) > 1e-6 {
					t.Errorf("logits %v, T=%g: %v, want %v", z, T, got, want)
					break
				}
			}
		}
	}
}
