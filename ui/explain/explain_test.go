package explain

import (
	"fmt"
	"strings"
	"testing"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
)

// TestExplainCalibrated: Explain's title gives the explained class's
// probability as shown, through the temperature once calibrated confidence
// is on, and is written again when it changes.
func TestExplainCalibrated(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)
	m := calibratedModel(t, 2.5)
	h := newHarness(t, harnessOptions{Model: m, ModelName: "calibrated", Images: []string{path}, View: "explain"})
	v := h.s.explain
	h.waitFor("the Grad-CAM", func() bool { return v.result != nil })
	h.settle()
	p := v.entry.Answer(m)
	want := func(probs []float32) string {
		return fmt.Sprintf("why %s (%.1f%%)?", m.Meta.Classes[p.Class], 100*probs[p.Class])
	}
	if !strings.Contains(v.title.Text, want(p.Probabilities)) {
		t.Errorf("title %q, want %q", v.title.Text, want(p.Probabilities))
	}
	h.s.SetCalibrated(true)
	h.settle()
	if w := want(calibration.Rescale(p.Probabilities, 2.5)); !strings.Contains(v.title.Text, w) {
		t.Errorf("calibrated title %q, want %q", v.title.Text, w)
	}
}

// calibratedModel is the test model with a temperature and a made-up test
// record of its confidence: right on 7 of every 10 pictures in every bin.
func calibratedModel(t *testing.T, temp float64) *engine.Model {
	t.Helper()
	m := testModel(t)
	var probs [][]float32
	var truth []int
	for b := 0; b < calibration.NumBins; b++ {
		p := (float32(b) + 0.5) / calibration.NumBins
		for k := 0; k < 10; k++ {
			rest := (1 - p) / 3
			probs = append(probs, []float32{p, rest, rest, rest})
			top := engine.Argmax(probs[len(probs)-1])
			if k < 7 {
				truth = append(truth, top)
			} else {
				truth = append(truth, (top+1)%4)
			}
		}
	}
	before, err := calibration.NewReliability("test", probs, truth)
	if err != nil {
		t.Fatal(err)
	}
	m.Meta.Calibration = &engine.Calibration{Temperature: temp, FitOn: "made up", FitCount: 150, Before: before, After: before}
	return m
}
