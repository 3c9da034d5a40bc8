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
}

// Row returns the export row of it for a model with classes.
func Row(it *Item, classes []string) ExportRow {
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

// CSVHeader returns the CSV columns for classes: path, folder, predicted,
// probability, second, second_probability, true, right, then one
// probability column per class ("p_painting").
func CSVHeader(classes []string) []string {
	h := []string{"path", "folder", "predicted", "probability", "second", "second_probability", "true", "right"}
	for _, c := range classes {
		h = append(h, "p_"+c)
	}
	return h
}

// CSVRecord returns the CSV fields of a row, in CSVHeader's order; true and
// right are empty when the picture has no true class.
func CSVRecord(r ExportRow, classes []string) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	right := ""
	if r.Right != nil {
		right = strconv.FormatBool(*r.Right)
	}
	rec := []string{r.Path, r.Folder, r.Predicted, f(r.Probability), r.Second, f(r.SecondProbability), r.True, right}
	for _, c := range classes {
		rec = append(rec, f(r.Probabilities[c]))
	}
	return rec
}

// WriteCSV writes items as CSV with a header line (see CSVHeader).
func WriteCSV(w io.Writer, items []*Item, classes []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(classes)); err != nil {
		return err
	}
	for _, it := range items {
		if err := cw.Write(CSVRecord(Row(it, classes), classes)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes items as one indented JSON array of ExportRow.
func WriteJSON(w io.Writer, items []*Item, classes []string) error {
	rows := make([]ExportRow, len(items))
	for i, it := range items {
		rows[i] = Row(it, classes)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
