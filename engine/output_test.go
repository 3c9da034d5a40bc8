package engine

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestSigmoidOutput checks a model of independent scores: each output is
// the sigmoid of its logit (no softmax), the kind goes through the weights
// file, a file without it reads as softmax, and training is refused.
func TestSigmoidOutput(t *testing.T) {
	arch := Arch{Input: Input{Channels: 1, Height: 2, Width: 2}, Layers: []Layer{{Kind: Flatten}, {Kind: Dense}}, Output: OutputSigmoid}
	m, err := NewModelArch(arch, []string{"a", "b", "c"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Output() != OutputSigmoid {
		t.Fatalf("output %q", m.Output())
	}
	p, err := m.Predict([]float32{0.1, 0.9, 0.4, 0.7})
	if err != nil {
		t.Fatal(err)
	}
	for i, z := range p.Logits {
		if want := 1 / (1 + math.Exp(-float64(z))); math.Abs(float64(p.Probabilities[i])-want) > 1e-6 {
			t.Errorf("score %d: %v, sigmoid of its logit %v", i, p.Probabilities[i], want)
		}
	}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Output() != OutputSigmoid {
		t.Errorf("read back: %q", back.Output())
	}
	if _, err := m.NewTrainingGraph(1, RunningStatistics); err == nil || !strings.Contains(err.Error(), "sigmoid") {
		t.Errorf("training a sigmoid model: %v", err)
	}
	// A file written before output kinds (no "output" in its
	// architecture) is a softmax model, and the study's too.
	arch.Output = ""
	old, err := NewModelArch(arch, []string{"a", "b", "c"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if old.Output() != OutputSoftmax || StudyArch().OutputKind() != OutputSoftmax {
		t.Errorf("default output %q", old.Output())
	}
	for _, bad := range []struct {
		arch Arch
		want string
	}{
		{Arch{Input: arch.Input, Layers: []Layer{{Kind: Flatten}, {Kind: Dense}}, Output: "tanh"}, `unknown output kind "tanh"`},
		{Arch{Input: arch.Input, Layers: []Layer{{Kind: Flatten}, {Kind: Dense}, {Kind: Softmax}}, Output: OutputSigmoid}, "last layer is a softmax"},
		{Arch{Input: arch.Input, Layers: []Layer{{Kind: Flatten}, {Kind: Dense}, {Kind: Sigmoid}}, Output: OutputSigmoid}, "applied twice"},
	} {
		if err := bad.arch.Validate(3); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want %q", bad.arch, err, bad.want)
		}
	}
}

// TestAnswer: a softmax model answers its most probable class, a sigmoid
// model the labels at or above the threshold, highest first, or none.
func TestAnswer(t *testing.T) {
	scores := []float32{0.39, 0.62, 0.001, 0.5}
	cases := []struct {
		output    string
		threshold float64
		want      []int
	}{
		{OutputSoftmax, 0.5, []int{1}},
		{OutputSigmoid, 0.5, []int{1, 3}},
		{OutputSigmoid, 0.3, []int{1, 3, 0}},
		{OutputSigmoid, 0.7, nil},
	}
	for _, c := range cases {
		if got := Answer(c.output, scores, c.threshold); !slices.Equal(got, c.want) {
			t.Errorf("%s at %v: %v, want %v", c.output, c.threshold, got, c.want)
		}
	}
	if ScoreWord(OutputSigmoid) != "score" || ScoreWord(OutputSoftmax) != "probability" {
		t.Error("ScoreWord")
	}
}

// TestLabelEvaluation works a small case by hand: three classes, five
// pictures, threshold 0.5.
func TestLabelEvaluation(t *testing.T) {
	truth := []int{0, 0, 1, 1, 2}
	scores := [][]float32{
		{0.9, 0.6, 0.1},  // a: labels a, b
		{0.4, 0.2, 0.3},  // a: no label
		{0.7, 0.8, 0.2},  // b: labels b, a
		{0.2, 0.55, 0.1}, // b: label b alone (exact)
		{0.3, 0.1, 0.2},  // c: no label
	}
	e, err := NewLabelEvaluation([]string{"a", "b", "c"}, truth, scores, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if e.Total != 5 || e.Exact != 1 || e.None != 2 {
		t.Errorf("total %d, exact %d, none %d; want 5, 1, 2", e.Total, e.Exact, e.None)
	}
	f := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	// a: predicted by pictures 1, 3 (one right): precision 1/2, recall 1/2.
	// Ranked 0.9+, 0.7-, 0.4+, 0.3-, 0.2-: AP = 1/2·1 + 1/2·2/3 = 5/6.
	// b: predicted 1, 3, 4 (3, 4 right): precision 2/3, recall 1. Ranked
	// 0.8+, 0.6-, 0.55+: AP = 1/2·1 + 1/2·2/3 = 5/6.
	// c: never predicted: precision none, recall 0. Its one positive
	// ranks third (0.3, 0.2 tied with it, 0.2: the tie is one step of
	// two pictures at ranks 2 and 3 after 0.3) : AP = 1·1/3.
	want := []struct {
		pos, pred, tp int
		prec, rec, ap float64
	}{
		{2, 2, 1, 0.5, 0.5, 5.0 / 6},
		{2, 3, 2, 2.0 / 3, 1, 5.0 / 6},
		{1, 0, 0, -1, 0, 1.0 / 3},
	}
	for c, w := range want {
		s := e.Classes[c]
		if s.Positives != w.pos || s.Predicted != w.pred || s.TruePositives != w.tp ||
			math.Abs(f(s.Precision)-w.prec) > 1e-12 || math.Abs(f(s.Recall)-w.rec) > 1e-12 || math.Abs(f(s.AveragePrecision)-w.ap) > 1e-12 {
			t.Errorf("class %s: %+v (precision %v, recall %v, AP %v), want %+v", s.Class, s, f(s.Precision), f(s.Recall), f(s.AveragePrecision), w)
		}
	}
	if e.APClasses != 3 || math.Abs(f(e.MeanAP)-(5.0/6+5.0/6+1.0/3)/3) > 1e-12 {
		t.Errorf("mean AP %v over %d", f(e.MeanAP), e.APClasses)
	}
}
