package explore

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
)

// barTexts is the text of each bar of Explore's answer, in class order.
func barTexts(x *View) []string {
	var out []string
	walk(x.bars, func(o fyne.CanvasObject) {
		// A bar's value is written beside it (widgets.NewValueBar: a
		// border of the bar and its label) or, for a sigmoid's scores,
		// on no bar at all.
		if b, ok := o.(*fyne.Container); ok && len(b.Objects) == 2 {
			if _, ok := b.Objects[0].(*widget.ProgressBar); ok {
				if l := labelIn(b.Objects[1]); l != nil {
					out = append(out, l.Text)
				}
			}
		}
	})
	return out
}

// labelIn returns the first label in o's tree.
func labelIn(o fyne.CanvasObject) *widget.Label {
	var found *widget.Label
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && found == nil {
			found = l
		}
	})
	return found
}

// TestExploreCalibrated turns calibrated confidence on and off: the
// probabilities shown are the model's own through its temperature, the
// answer stays, the record beside it is the stored bins' sentence, and
// the menu item follows; a model without a temperature disables the
// switch and says why.
func TestExploreCalibrated(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)
	m := calibratedModel(t, 2.5)
	h := newHarness(t, harnessOptions{Model: m, ModelName: "calibrated", Images: []string{path}})
	x := h.s.explore
	p := x.current.Pred
	if p == nil {
		t.Fatal("no prediction")
	}
	answer := x.answer.Text
	plain := barTexts(x)
	for i, v := range p.Probabilities {
		if want := fmt.Sprintf("%.1f%%", 100*v); plain[i] != want {
			t.Errorf("bar %d = %q, want the model's own %q", i, plain[i], want)
		}
	}
	if menuCalibrated(h).Disabled || menuCalibrated(h).Checked {
		t.Error("the menu item should be enabled and unchecked")
	}
	if x.ans.calibrated.Checked || x.ans.calibrated.Disabled() {
		t.Error("Explore's switch should be enabled and off")
	}

	h.s.SetCalibrated(true)
	h.settle()
	shown := calibration.Rescale(p.Probabilities, 2.5)
	got := barTexts(x)
	for i, v := range shown {
		if want := fmt.Sprintf("%.1f%%", 100*v); got[i] != want {
			t.Errorf("calibrated bar %d = %q, want %q", i, got[i], want)
		}
	}
	if x.answer.Text != answer {
		t.Errorf("the answer changed with the temperature: %q, was %q", x.answer.Text, answer)
	}
	top := engine.Argmax(shown)
	if want := fmt.Sprintf("%.1f%% probability, calibrated", 100*shown[top]); x.sure.Text != want {
		t.Errorf("sure = %q, want %q", x.sure.Text, want)
	}
	want := calibration.Sentence(m.Meta.Calibration.After, float64(shown[top]))
	if !x.ans.trust.Visible() || !strings.EqualFold(strings.TrimSuffix(x.ans.trust.Text, "."), want) {
		t.Errorf("record = %q (shown %v), want %q", x.ans.trust.Text, x.ans.trust.Visible(), want)
	}
	if !strings.Contains(x.ans.trust.Text, "it was right 70 % of the time (") {
		t.Errorf("record %q does not give the bin's accuracy and count", x.ans.trust.Text)
	}
	if !menuCalibrated(h).Checked || !x.ans.calibrated.Checked {
		t.Error("the menu item and Explore's switch should be checked")
	}
	if line := x.classLine(x.current); !strings.HasSuffix(line, fmt.Sprintf("%.0f%%", 100*shown[top])) {
		t.Errorf("list line %q does not give the calibrated probability", line)
	}

	// Explore's switch turns it off everywhere.
	x.ans.calibrated.SetChecked(false)
	h.settle()
	if h.s.Calibrated() || menuCalibrated(h).Checked {
		t.Error("Explore's switch did not turn calibrated confidence off")
	}
	if got := barTexts(x); strings.Join(got, " ") != strings.Join(plain, " ") {
		t.Errorf("bars after turning it off = %v, want %v", got, plain)
	}

	// A model without a temperature: the switch is disabled and says why,
	// and the probabilities are the model's own even with the setting on.
	h.s.SetCalibrated(true)
	h.s.SetModel(testModel(t), "plain")
	h.settle()
	if !menuCalibrated(h).Disabled || !x.ans.calibrated.Disabled() {
		t.Error("without a temperature the switch should be disabled")
	}
	if !strings.Contains(x.ans.why.Text, calibration.ErrNoTemperature.Error()) {
		t.Errorf("why = %q", x.ans.why.Text)
	}
	if got := barTexts(x); strings.Join(got, " ") != strings.Join(plain, " ") {
		t.Errorf("bars of a model without a temperature = %v, want the model's own %v", got, plain)
	}
	if x.ans.trust.Visible() {
		t.Errorf("a model without a record shows %q", x.ans.trust.Text)
	}
}

// TestExploreSigmoid opens a picture with the sigmoid fixture: the scores
// are the model's own (not renormalised), the answer is the labels at or
// above the threshold, and a new threshold changes the answer.
func TestExploreSigmoid(t *testing.T) {
	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "sigmoid-resnet.onnx"),
		importer.Options{Classes: []string{"madonna", "child", "angel", "saint"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Output() != engine.OutputSigmoid {
		t.Fatalf("the fixture's output is %q", m.Output())
	}
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 5)
	h := newHarness(t, harnessOptions{Model: m, ModelName: "tagger", Images: []string{path}})
	x := h.s.explore
	p := x.current.Pred
	if p == nil {
		t.Fatal("no prediction")
	}
	for i, v := range p.Probabilities {
		if want := fmt.Sprintf("%.3f", v); !hasText(x.bars, want) {
			t.Errorf("score of %s %s is not shown", m.Meta.Classes[i], want)
		}
	}
	if !hasText(x.ansBox, "several can be high") || !x.ans.thresholdRow.Visible() {
		t.Error("a sigmoid model's answer should say its scores are independent and offer the threshold")
	}
	if !x.ans.calibrated.Disabled() {
		t.Error("calibrated confidence should be disabled for a sigmoid model")
	}
	check := func(th float64) {
		t.Helper()
		labels := engine.Answer(engine.OutputSigmoid, p.Probabilities, th)
		var names []string
		for _, c := range labels {
			names = append(names, m.Meta.Classes[c])
		}
		want := strings.Join(names, ", ")
		if len(names) == 0 {
			want = fmt.Sprintf("No label at or above %.2f", th)
		}
		if x.answer.Text != want {
			t.Errorf("threshold %.2f: answer %q, want %q", th, x.answer.Text, want)
		}
		if !strings.Contains(x.ans.caption.Text, fmt.Sprintf("%.2f", th)) {
			t.Errorf("threshold %.2f: caption %q", th, x.ans.caption.Text)
		}
	}
	check(engine.DefaultThreshold)
	lowest := 1.0
	for _, v := range p.Probabilities {
		lowest = min(lowest, float64(v))
	}
	for _, th := range []float64{0.01, float64(lowest) + 0.005, 0.99} {
		x.ans.threshold.SetValue(th) // as the slider does
		h.settle()
		check(x.ans.threshold.Value)
	}
	h.s.SetThreshold(2) // out of range: ignored
	if h.s.Threshold() != x.ans.threshold.Value {
		t.Errorf("threshold %v after an invalid one", h.s.Threshold())
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
