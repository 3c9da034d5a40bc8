package collection

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// ExportRow is one picture as CSV and JSON exports write it.
type ExportRow struct {
	Path              string             `json:"path"`
	Folder            string             `json:"folder"`
	Predicted         string             `json:"predicted"`
	Probability       float64            `json:"probability"`
	Second            string             `json:"second"`
	SecondProbability float64            `json:"second_probability"`
	True              string             `json:"true,omitempty"`
	Right             *bool              `json:"right,omitempty"`
	Probabilities     map[string]float64 `json:"probabilities"`
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
}

// Row returns the export row of it.
func (e Export) Row(it *Item) ExportRow {
	classes := e.Classes
	r := ExportRow{Path: it.Path, Folder: it.Folder, Predicted: className(classes, it.Class),
		Probability: round4(it.Probabilities[it.Class]), Second: className(classes, it.Second),
		SecondProbability: round4(it.Probabilities[it.Second]), Probabilities: map[string]float64{}}
	if it.Truth >= 0 {
		r.True = className(classes, it.Truth)
		right := it.Right()
		r.Right = &right
	}
	for i, p := range it.Probabilities {
		r.Probabilities[className(classes, i)] = round4(p)
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
func (e Export) Header() []string {
	h := []string{"path", "folder", "predicted", "probability", "second", "second_probability", "true", "right"}
	for _, c := range e.Classes {
		h = append(h, "p_"+c)
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
	for _, c := range e.Classes {
		rec = append(rec, f(r.Probabilities[c]))
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
