package collection

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
)

// TestCollectionSigmoid opens folders named after a sigmoid model's labels:
// the table shows each picture's labels at the threshold and its own top
// score, and the Accuracy tab per label precision, recall and average
// precision with their counts instead of a confusion matrix; a new
// threshold changes both.
func TestCollectionSigmoid(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	classes := []string{"madonna", "child", "angel", "saint"}
	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "sigmoid-resnet.onnx"), importer.Options{Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for i, c := range classes {
		if err := os.MkdirAll(filepath.Join(root, c), 0o755); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 2; k++ {
			writePNG(t, filepath.Join(root, c), fmt.Sprintf("%d.png", k), 40, 30, 10*i+k)
		}
	}
	h, c := newHarness(t, start{Model: m, ModelName: "tagger", Images: []string{root}})
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) == 8 })
	h.Settle()

	check := func(th float64) {
		t.Helper()
		ev, err := collection.EvaluateLabels(c.items, c.classes, th)
		if err != nil {
			t.Fatal(err)
		}
		if !c.labels.Visible() || c.confGrid.Visible() {
			t.Errorf("threshold %.2f: the label table should show instead of the confusion matrix", th)
		}
		if want := fmt.Sprintf("%d answered exactly their own label, %d with no label at or above %.2f", ev.Exact, ev.None, th); !strings.Contains(c.confInfo.Text, want) {
			t.Errorf("threshold %.2f: %q does not say %q", th, c.confInfo.Text, want)
		}
		for _, cs := range ev.Classes {
			want := fmt.Sprintf("(%d of %d)", cs.TruePositives, cs.Positives) // recall's counts
			if !hasText(c.labels, want) {
				t.Errorf("threshold %.2f: %s's recall %s is not shown", th, cs.Class, want)
			}
		}
		for row, it := range c.shown {
			labels := engine.Answer(engine.OutputSigmoid, it.Probabilities, th)
			var names []string
			for _, l := range labels {
				names = append(names, classes[l])
			}
			want := strings.Join(names, ", ")
			if len(names) == 0 {
				want = fmt.Sprintf("no label ≥ %.2f", th)
			}
			if got := cellText(c, row, colPredicted); got != want {
				t.Errorf("threshold %.2f, %s: labels %q, want %q", th, filepath.Base(it.Path), got, want)
			}
			if got, want := cellText(c, row, colProbability), fmt.Sprintf("%.3f", it.Probabilities[it.Class]); got != want {
				t.Errorf("%s: top score %q, want the model's own %q", filepath.Base(it.Path), got, want)
			}
			// Right when the folder's label is among the labels, whatever
			// the top score's label.
			want = "wrong"
			if float64(it.Probabilities[it.Truth]) >= th {
				want = "right"
			}
			if got := cellText(c, row, colRight); got != want {
				t.Errorf("threshold %.2f, %s: %q, want %q (its label's score %.3f)", th, filepath.Base(it.Path), got, want, it.Probabilities[it.Truth])
			}
		}
		// "wrong only" keeps the pictures whose own label is missing.
		c.wrongOnly.SetChecked(true)
		missed := 0
		for _, it := range c.items {
			if float64(it.Probabilities[it.Truth]) < th {
				missed++
			}
		}
		if len(c.shown) != missed {
			t.Errorf("threshold %.2f: wrong only shows %d pictures, %d miss their own label", th, len(c.shown), missed)
		}
		c.wrongOnly.SetChecked(false)
	}
	check(engine.DefaultThreshold)
	h.Host.SetThreshold(0.3)
	h.Settle()
	check(0.3)
	// The Accuracy tab's own slider sets the threshold for every view.
	_, slider := c.labelsThreshold()
	slider.SetValue(0.4)
	slider.OnChangeEnded(0.4)
	h.Settle()
	check(0.4)
	if got := h.Host.Threshold(); got != 0.4 {
		t.Errorf("the window's threshold is %v after the collection's slider set 0.4", got)
	}
	if got := c.outputTitle(colPredicted); got != "Labels" {
		t.Errorf("the answer's column is titled %q", got)
	}
}
