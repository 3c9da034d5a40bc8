package app

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/collection"
)

// evalByResult is `eval --catalogue F --by FIELD --json`: the accuracy on
// the pictures of each value of the field (each century for a date
// field), with its 95 % Wilson interval and confusion matrix; Worst lists
// the values from the lowest accuracy.
type evalByResult struct {
	Folder   string                        `json:"folder"`
	Field    string                        `json:"field"`
	Classes  []string                      `json:"classes"`
	Count    int                           `json:"count"`
	Accuracy float64                       `json:"accuracy"`
	Interval [2]float64                    `json:"interval"`
	NoValue  int                           `json:"no_value"`
	By       map[string]catalogue.Accuracy `json:"by"`
	Worst    []string                      `json:"worst_first"`
}

// evalBy evaluates model on the labelled pictures of dataDir's
// validation_set (or of dataDir, a folder of class folders) through the
// collection's analysis and cache, and breaks the accuracy down by a
// catalogue's field.
func evalBy(model, dataDir, catFile, field string, asJSON bool, stdout, stderr io.Writer) int {
	if field == "" {
		return usageError(stderr, "eval", "--catalogue breaks the accuracy down by a field: give it with --by FIELD")
	}
	folder := dataDir
	if st, err := os.Stat(filepath.Join(dataDir, "validation_set")); err == nil && st.IsDir() {
		folder = filepath.Join(dataDir, "validation_set")
	}
	m, err := loadModel(model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	roots := []string{folder}
	files, code := scanCollection(roots, stderr)
	if code != 0 {
		return code
	}
	items, _, _, code := analyseCollection(m, roots, files, true, "eval", stderr)
	if code != 0 {
		return code
	}
	slices.SortFunc(items, func(a, b *collection.Item) int { return strings.Compare(a.Path, b.Path) })
	j, err := joinItems(catFile, roots, items, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if j == nil {
		return usageError(stderr, "eval", "give the catalogue with --catalogue FILE (no catalogue.csv in %s)", folder)
	}
	f, err := fieldIndex(j, field)
	if err != nil {
		return usageError(stderr, "eval", "--by: %v", err)
	}
	classes := m.Meta.Classes
	truth, pred := make([]int, len(items)), make([]int, len(items))
	res := evalByResult{Folder: folder, Field: j.Cat.Fields[f].Name, Classes: classes, By: map[string]catalogue.Accuracy{}}
	right := 0
	for i, it := range items {
		truth[i], pred[i] = it.Truth, it.Class
		if it.Truth < 0 || it.Truth >= len(classes) {
			continue
		}
		res.Count++
		if it.Right() {
			right++
		}
		if len(j.Values(i, f)) == 0 {
			res.NoValue++
		}
	}
	if res.Count == 0 {
		return fail(stderr, "no picture of %s is in a folder named after one of the model's classes", folder)
	}
	res.Accuracy = round4(float64(right) / float64(res.Count))
	lo, hi := catalogue.Wilson(right, res.Count)
	res.Interval = [2]float64{round4(lo), round4(hi)}
	acc := j.AccuracyBy(f, truth, pred, len(classes))
	for _, a := range acc {
		a.Accuracy = round4(a.Accuracy)
		a.Interval = [2]float64{round4(a.Interval[0]), round4(a.Interval[1])}
		res.By[a.Value] = a
		res.Worst = append(res.Worst, a.Value)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	fmt.Fprintf(stdout, "Accuracy by %s on %d labelled pictures of %s: %.2f%% overall (95%% interval %.1f-%.1f%%); worst first, where the network errs most\n\n",
		res.Field, res.Count, folder, 100*res.Accuracy, 100*res.Interval[0], 100*res.Interval[1])
	rows := [][]string{{res.Field, "pictures", "right", "accuracy", "95% interval", "most common error"}}
	for _, a := range acc {
		rows = append(rows, []string{a.Value, fmt.Sprint(a.Count), fmt.Sprint(a.Correct), fmt.Sprintf("%.1f%%", 100*a.Accuracy),
			fmt.Sprintf("%.1f-%.1f%%", 100*a.Interval[0], 100*a.Interval[1]), commonError(a.Confusion, classes)})
	}
	writeTable(stdout, rows)
	if res.NoValue > 0 {
		fmt.Fprintf(stdout, "\n%d pictures have no %s (no row or an empty cell)\n", res.NoValue, res.Field)
	}
	return 0
}

// commonError names the most frequent wrong answer of a confusion matrix:
// "engraving as drawings (12)"; "none" when all are right.
func commonError(conf [][]int, classes []string) string {
	bt, bp, n := -1, -1, 0
	for t, row := range conf {
		for p, v := range row {
			if t != p && v > n {
				bt, bp, n = t, p, v
			}
		}
	}
	if n == 0 {
		return "none"
	}
	return fmt.Sprintf("%s as %s (%d)", classes[bt], classes[bp], n)
}
