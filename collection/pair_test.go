package collection

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// meanRedModel returns a hand-set model of classes {"bright", "dark"} (the
// other order than redModel's) at an input of side x side pixels: one 1x1
// conv filter passes the red channel on, and the output calls a picture
// "bright" when its mean red is above threshold (logit 160 * (red -
// threshold)). It stands for a second model of another architecture and
// input size.
func meanRedModel(t testing.TB, threshold float32, side int) *engine.Model {
	t.Helper()
	arch := engine.Arch{Input: engine.Input{Channels: 3, Height: side, Width: side}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 1, Kernel: []int{1, 1}}, {Kind: engine.ReLU},
		{Kind: engine.Flatten}, {Kind: engine.Dense}, {Kind: engine.Softmax},
	}}
	m, err := engine.NewModelArch(arch, []string{"bright", "dark"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()
	for _, p := range ps {
		clear(p.Data)
	}
	ps[0].Data[0] = 1 // conv: red in, nothing else
	n := float32(side * side)
	w, b := ps[2].Data, ps[3].Data // dense (side², 2), bias (2)
	for i := range side * side {
		w[i*2+0] = 160 / n
	}
	b[0] = -160 * threshold
	return m
}

// pairFolder is a tiny labelled collection whose answers from redModel
// (bright above red 0.5) and meanRedModel(0.6) are known: they disagree
// on the reds between 128 and 153.
func pairFolder(t testing.TB) string {
	root := t.TempDir()
	for name, red := range map[string]uint8{
		"dark/a.png": 40, "dark/b.png": 140, "dark/c.png": 200, "dark/i.png": 145,
		"bright/d.png": 130, "bright/e.png": 220, "bright/f.png": 60,
		"misc/g.png": 150, "misc/h.png": 10,
	} {
		writePNG(t, filepath.Join(root, name), 40, 30, uniform(red))
	}
	return root
}

// TestAnalyseWithOtherModel runs a second model of other classes' order
// and input size beside the first: each item holds its answer, the
// disagreements are those counted by hand, and each model's confusion
// matrix is the one counted by hand (rows the true class, in each model's
// own class order).
func TestAnalyseWithOtherModel(t *testing.T) {
	root := pairFolder(t)
	m, other := redModel(t), meanRedModel(t, 0.6, 24)
	items, _, _ := analyseAll(t, m, Options{Other: other}, root)
	if len(items) != 9 {
		t.Fatalf("%d items", len(items))
	}
	var disagree []string
	for _, it := range items {
		a := it.Other
		if a == nil {
			t.Fatalf("%s: no second answer", it.Path)
		}
		red := map[string]float32{"a": 40, "b": 140, "c": 200, "i": 145, "d": 130, "e": 220, "f": 60, "g": 150, "h": 10}[strings.TrimSuffix(filepath.Base(it.Path), ".png")]
		want := "dark"
		if red/255 > 0.6 {
			want = "bright"
		}
		if got := other.Meta.Classes[a.Class]; got != want {
			t.Errorf("%s: second model %s, want %s", it.Path, got, want)
		}
		if p := a.Probability; p < 0.5 || p > 1 {
			t.Errorf("%s: probability %g", it.Path, p)
		}
		if wantTruth := map[string]int{"dark": 1, "bright": 0, "misc": -1}[it.Folder]; a.Truth != wantTruth {
			t.Errorf("%s: second model's true class %d, want %d", it.Path, a.Truth, wantTruth)
		}
		if a.Disagree {
			disagree = append(disagree, filepath.Base(it.Path))
		}
	}
	if got := strings.Join(disagree, " "); got != "d.png b.png i.png g.png" {
		t.Errorf("disagreements %q", got)
	}
	if n := Disagreements(items); n != 4 {
		t.Errorf("Disagreements: %d", n)
	}
	ev, _, err := Evaluate(items, m.Meta.Classes)
	if err != nil {
		t.Fatal(err)
	}
	// First model (dark, bright): true dark a, b, c, i: dark, bright,
	// bright, bright; true bright d, e, f: bright, bright, dark.
	if want := [][]int{{1, 3}, {1, 2}}; !equalMatrix(ev.Confusion, want) || ev.Total != 7 {
		t.Errorf("first model's confusion %v of %d, want %v of 7", ev.Confusion, ev.Total, want)
	}
	ev2, err := EvaluateOther(items, other.Meta.Classes)
	if err != nil {
		t.Fatal(err)
	}
	// Second model (bright, dark): true bright d, e, f: dark, bright,
	// dark; true dark a, b, c, i: dark, dark, bright, dark.
	if want := [][]int{{1, 2}, {1, 3}}; !equalMatrix(ev2.Confusion, want) || ev2.Total != 7 || ev2.Accuracy != 4.0/7 {
		t.Errorf("second model's confusion %v of %d (%g), want %v of 7 (4/7)", ev2.Confusion, ev2.Total, ev2.Accuracy, want)
	}
}

func equalMatrix(a, b [][]int) bool {
	return slices.EqualFunc(a, b, func(x, y []int) bool { return slices.Equal(x, y) })
}

// TestOtherModelCache checks that a second model's answers are kept in a
// cache of their own: reopened, nothing runs again; with the first
// model's records cached and a new second model, only the second runs;
// and the answers never pass for the second model's own (first-model)
// cache.
func TestOtherModelCache(t *testing.T) {
	root := pairFolder(t)
	dir := t.TempDir()
	m, other := redModel(t), meanRedModel(t, 0.6, 24)
	fp, fp2 := Fingerprint(m), Fingerprint(other)
	paths := []string{root}
	open := func(o *engine.Model) Options {
		return Options{Cache: OpenCache(dir, fp, paths), Other: o, OtherCache: OpenAnswerCache(dir, Fingerprint(o), paths)}
	}
	opt := open(other)
	first, _, _ := analyseAll(t, m, opt, root)
	for _, c := range []*Cache{opt.Cache, opt.OtherCache} {
		if err := c.Save(true); err != nil {
			t.Fatal(err)
		}
	}
	if n := OpenCache(dir, fp2, paths).Len(); n != 0 {
		t.Errorf("the second model's answers pass for its own cache (%d records)", n)
	}
	if n := OpenAnswerCache(dir, fp2, paths).Len(); n != 9 {
		t.Errorf("the answer cache holds %d records, want 9", n)
	}
	again, results, _ := analyseAll(t, m, open(other), root)
	for _, r := range results {
		if !r.Cached {
			t.Errorf("%s analysed again", r.File.Path)
		}
	}
	for i := range first {
		if *first[i].Other != *again[i].Other {
			t.Errorf("%s: cached answer %+v, was %+v", first[i].Path, *again[i].Other, *first[i].Other)
		}
	}
	// A new second model: the first model's records come from the cache,
	// the second runs on every picture.
	other2 := meanRedModel(t, 0.3, 16)
	third, results, _ := analyseAll(t, m, open(other2), root)
	for _, r := range results {
		if r.Cached {
			t.Errorf("%s: the new second model did not run", r.File.Path)
		}
	}
	for i, it := range third {
		if it.Record != first[i].Record && !slices.Equal(it.Probabilities, first[i].Probabilities) {
			t.Errorf("%s: the first model's record changed", it.Path)
		}
		red := it.Probabilities[1] > 0.5 // bright by the first model
		if want := other2.Meta.Classes[it.Other.Class] == "bright"; red && !want {
			t.Errorf("%s: bright above 0.5 but not above 0.3", it.Path)
		}
	}
	// Without a second model, items have none.
	items, _, _ := analyseAll(t, m, Options{Cache: OpenCache(dir, fp, paths)}, root)
	for _, it := range items {
		if it.Other != nil {
			t.Fatalf("%s: a second answer without a second model", it.Path)
		}
	}
}

// TestExportPair checks the CSV and JSON columns of a second model.
func TestExportPair(t *testing.T) {
	root := pairFolder(t)
	m, other := redModel(t), meanRedModel(t, 0.6, 24)
	items, _, _ := analyseAll(t, m, Options{Other: other}, root)
	e := Export{Classes: m.Meta.Classes, Model: "red", Other: "mean red", OtherClasses: other.Meta.Classes}
	var buf bytes.Buffer
	if err := e.WriteCSV(&buf, items); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := "path,folder,predicted,probability,second,second_probability,true,right,p_dark,p_bright,model,other_model,other_predicted,other_probability,other_right,disagree"; len(rows) != 10 || strings.Join(rows[0], ",") != want {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[filepath.Base(r[0])] = r
	}
	for name, want := range map[string][]string{
		"b.png": {"dark", "bright", "dark", "false", "red", "mean red", "dark", "true", "true"},
		"c.png": {"dark", "bright", "dark", "false", "red", "mean red", "bright", "false", "false"},
		"g.png": {"misc", "bright", "", "", "red", "mean red", "dark", "", "true"},
	} {
		r := byName[name]
		got := []string{r[1], r[2], r[6], r[7], r[10], r[11], r[12], r[14], r[15]}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
		if p := r[13]; len(p) != 6 || p < "0.5" {
			t.Errorf("%s: other_probability %q", name, p)
		}
	}
	buf.Reset()
	if err := e.WriteJSON(&buf, items); err != nil {
		t.Fatal(err)
	}
	var back []ExportRow
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for i, r := range back {
		a := items[i].Other
		if r.OtherModel != "mean red" || r.OtherPredicted != other.Meta.Classes[a.Class] || r.Disagree == nil || *r.Disagree != a.Disagree ||
			(r.OtherRight == nil) != (a.Truth < 0) {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	// One model: none of the second model's columns.
	buf.Reset()
	if err := (Export{Classes: m.Meta.Classes}).WriteJSON(&buf, items); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "disagree") || strings.Contains(buf.String(), "other_") {
		t.Error("a one-model export has the second model's fields")
	}
}
