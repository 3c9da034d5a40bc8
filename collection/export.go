package collection

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/artlens/artlens/engine"
)

// ExportRow is one picture as CSV and JSON exports write it.
type ExportRow struct {
	Path   string `json:"path"`
	Folder string `json:"folder"`
	// Output is the model's output kind (engine.OutputSoftmax or
	// engine.OutputSigmoid). For a sigmoid model, Predicted and Second are
	// the two highest scores, Probability and SecondProbability those
	// scores (each in [0, 1] on its own: they do not share 1), Labels the
	// answer (the labels at or above Threshold) and Scores every class's
	// score in place of Probabilities; Right says whether the picture's
	// own label is among Labels.
	Output            string             `json:"output"`
	Predicted         string             `json:"predicted"`
	Probability       float64            `json:"probability"`
	Second            string             `json:"second"`
	SecondProbability float64            `json:"second_probability"`
	True              string             `json:"true,omitempty"`
	Right             *bool              `json:"right,omitempty"`
	Probabilities     map[string]float64 `json:"probabilities,omitempty"`
	Labels            []string           `json:"labels,omitempty"`
	Scores            map[string]float64 `json:"scores,omitempty"`
	Threshold         *float64           `json:"threshold,omitempty"`
	// With a second model (Export.Other): the two models' names, the
	// second's answer and its probability, whether it is right, and
	// whether the two answer different classes.
	Model            string   `json:"model,omitempty"`
	OtherModel       string   `json:"other_model,omitempty"`
	OtherPredicted   string   `json:"other_predicted,omitempty"`
	OtherProbability *float64 `json:"other_probability,omitempty"`
	OtherRight       *bool    `json:"other_right,omitempty"`
	Disagree         *bool    `json:"disagree,omitempty"`
}

// Export says what an export holds: the first model's classes and, when
// the items carry a second model's answers (Item.Other), the two models'
// names and the second's classes. Other is "" for one model.
type Export struct {
	Classes      []string
	Model, Other string
	OtherClasses []string
	// Output is the first model's output kind ("" is a softmax); a sigmoid
	// model's labels are those at or above Threshold (0 means
	// engine.DefaultThreshold).
	Output    string
	Threshold float64
}

// sigmoid reports whether the export is of a sigmoid model, and its threshold.
func (e Export) sigmoid() (bool, float64) {
	t := e.Threshold
	if t == 0 {
		t = engine.DefaultThreshold
	}
	return e.Output == engine.OutputSigmoid, t
}

// Row returns the export row of it.
func (e Export) Row(it *Item) ExportRow {
	classes := e.Classes
	r := ExportRow{Path: it.Path, Folder: it.Folder, Output: engine.OutputSoftmax, Predicted: className(classes, it.Class),
		Probability: round4(it.Probabilities[it.Class]), Second: className(classes, it.Second),
		SecondProbability: round4(it.Probabilities[it.Second]), Probabilities: map[string]float64{}}
	sig, th := e.sigmoid()
	if it.Truth >= 0 {
		r.True = className(classes, it.Truth)
		right := it.Right()
		if sig {
			right = float64(it.Probabilities[it.Truth]) >= th
		}
		r.Right = &right
	}
	for i, p := range it.Probabilities {
		r.Probabilities[className(classes, i)] = round4(p)
	}
	if sig {
		r.Output, r.Scores, r.Probabilities, r.Threshold = engine.OutputSigmoid, r.Probabilities, nil, &th
		r.Labels = []string{}
		for _, c := range engine.Answer(engine.OutputSigmoid, it.Probabilities, th) {
			r.Labels = append(r.Labels, className(classes, c))
		}
	}
	if e.Other != "" {
		r.Model, r.OtherModel = e.Model, e.Other
		if a := it.Other; a != nil {
			p, right, disagree := round4(a.Probability), a.Right(), a.Disagree
			r.OtherPredicted, r.OtherProbability, r.Disagree = className(e.OtherClasses, a.Class), &p, &disagree
			if a.Truth >= 0 {
				r.OtherRight = &right
			}
		}
	}
	return r
}

func className(classes []string, i int) string {
	if i >= 0 && i < len(classes) {
		return classes[i]
	}
	return fmt.Sprintf("class %d", i+1)
}

// round4 keeps four decimals, which is what a probability in a table
// needs, and avoids float32 noise such as 0.8999999761581421.
func round4(v float32) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(v), 'f', 4, 32), 64)
	return f
}

// Header returns the CSV columns: path, folder, predicted, probability,
// second, second_probability, true, right, then one probability column
// per class ("p_painting"); with a second model, then model, other_model,
// other_predicted, other_probability, other_right and disagree.
//
// For a sigmoid model (Output) the columns say scores: path, folder,
// output, labels (those at or above the threshold, joined by ";"),
// threshold, top, top_score, second, second_score, true, right (its own
// label among the labels), then "s_painting"...
func (e Export) Header() []string {
	h := []string{"path", "folder", "predicted", "probability", "second", "second_probability", "true", "right"}
	prefix := "p_"
	if sig, _ := e.sigmoid(); sig {
		h = []string{"path", "folder", "output", "labels", "threshold", "top", "top_score", "second", "second_score", "true", "right"}
		prefix = "s_"
	}
	for _, c := range e.Classes {
		h = append(h, prefix+c)
	}
	if e.Other != "" {
		h = append(h, "model", "other_model", "other_predicted", "other_probability", "other_right", "disagree")
	}
	return h
}

// Record returns the CSV fields of a row, in Header's order; true and
// right (other_right) are empty when the picture has no true class among
// the (second) model's classes, and the second model's fields when it has
// no answer.
func (e Export) Record(r ExportRow) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	b := func(v *bool) string {
		if v == nil {
			return ""
		}
		return strconv.FormatBool(*v)
	}
	rec := []string{r.Path, r.Folder, r.Predicted, f(r.Probability), r.Second, f(r.SecondProbability), r.True, b(r.Right)}
	values := r.Probabilities
	if sig, th := e.sigmoid(); sig {
		rec = append([]string{r.Path, r.Folder, r.Output, strings.Join(r.Labels, ";"), strconv.FormatFloat(th, 'g', -1, 64)}, rec[2:]...)
		values = r.Scores
	}
	for _, c := range e.Classes {
		rec = append(rec, f(values[c]))
	}
	if e.Other != "" {
		p := ""
		if r.OtherProbability != nil {
			p = f(*r.OtherProbability)
		}
		rec = append(rec, r.Model, r.OtherModel, r.OtherPredicted, p, b(r.OtherRight), b(r.Disagree))
	}
	return rec
}

// WriteCSV writes items as CSV with a header line (see Header).
func (e Export) WriteCSV(w io.Writer, items []*Item) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(e.Header()); err != nil {
		return err
	}
	for _, it := range items {
		if err := cw.Write(e.Record(e.Row(it))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes items as one indented JSON array of ExportRow.
func (e Export) WriteJSON(w io.Writer, items []*Item) error {
	rows := make([]ExportRow, len(items))
	for i, it := range items {
		rows[i] = e.Row(it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
