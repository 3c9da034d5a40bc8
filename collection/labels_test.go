package collection

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// sigmoidItems are four pictures of a sigmoid model of classes a and b:
// their scores need not sum to 1.
func sigmoidItems() []*Item {
	mk := func(path string, truth int, s ...float32) *Item {
		return &Item{Path: path, Folder: ".", Truth: truth, Class: engine.Argmax(s), Second: 1 - engine.Argmax(s), Record: &Record{Probabilities: s}}
	}
	return []*Item{mk("1.png", 0, 0.9, 0.7), mk("2.png", 0, 0.3, 0.2), mk("3.png", 1, 0.6, 0.8), mk("4.png", -1, 0.1, 0.4)}
}

// TestEvaluateLabels: the labelled items of a sigmoid model evaluated at
// 0.5 (the unlabelled one left out), and the cells of class a.
func TestEvaluateLabels(t *testing.T) {
	items := sigmoidItems()
	ev, err := EvaluateLabels(items, []string{"a", "b"}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	a, b := ev.Classes[0], ev.Classes[1]
	// a: positives 1, 2; predicted 1, 3: precision 1/2, recall 1/2;
	// ranked 0.9+ 0.6- 0.3+: AP = 1/2·1 + 1/2·2/3.
	if ev.Total != 3 || a.Positives != 2 || a.Predicted != 2 || a.TruePositives != 1 || *a.Precision != 0.5 || *a.Recall != 0.5 ||
		math.Abs(*a.AveragePrecision-(0.5+1.0/3)) > 1e-12 {
		t.Errorf("a: %+v of %d", a, ev.Total)
	}
	// b: positive 3; predicted 1, 3: precision 1/2, recall 1; ranked 0.8+: AP 1.
	if b.Positives != 1 || b.Predicted != 2 || b.TruePositives != 1 || *b.Precision != 0.5 || *b.Recall != 1 || *b.AveragePrecision != 1 {
		t.Errorf("b: %+v", b)
	}
	found, extra, missed := LabelCells(items, 0, 0.5)
	if len(found) != 1 || found[0].Path != "1.png" || len(extra) != 1 || extra[0].Path != "3.png" || len(missed) != 1 || missed[0].Path != "2.png" {
		t.Errorf("cells of a: %d found, %d extra, %d missed", len(found), len(extra), len(missed))
	}
}

// TestExportSigmoid: a sigmoid model's export says its output kind, its
// labels at the threshold and its scores (not probabilities).
func TestExportSigmoid(t *testing.T) {
	items := sigmoidItems()
	e := Export{Classes: []string{"a", "b"}, Output: engine.OutputSigmoid, Threshold: 0.5}
	var buf bytes.Buffer
	if err := e.WriteCSV(&buf, items); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "path,folder,output,labels,threshold,top,top_score,second,second_score,true,right,s_a,s_b" {
		t.Errorf("header %s", got)
	}
	if got := strings.Join(rows[1], ","); got != "1.png,.,sigmoid,a;b,0.5,a,0.9000,b,0.7000,a,true,0.9000,0.7000" {
		t.Errorf("row %s", got)
	}
	if got := strings.Join(rows[2], ","); got != "2.png,.,sigmoid,,0.5,a,0.3000,b,0.2000,a,false,0.3000,0.2000" {
		t.Errorf("row %s", got)
	}
	buf.Reset()
	if err := e.WriteJSON(&buf, items[:1]); err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if r := back[0]; r["output"] != "sigmoid" || r["probabilities"] != nil || r["scores"] == nil || len(r["labels"].([]any)) != 2 {
		t.Errorf("JSON %s", buf.String())
	}
}
