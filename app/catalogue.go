package app

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/training"
)

// catalogueUsage is the help of every command's --catalogue.
const catalogueUsage = "the collection's catalogue, a CSV or JSON Lines `file` (a \"file\" column with each picture's path relative to the folder, or its name; the other columns are fields); default: catalogue.csv in the folder, when there is one"

// joinCatalogue reads the catalogue named (or, when name is "", the
// catalogue.csv found in the one folder given) and joins it to the
// pictures at paths, saying on stderr what did not match. It returns nil
// and no error when there is no catalogue.
func joinCatalogue(name string, roots, paths []string, stderr io.Writer) (*catalogue.Joined, error) {
	root := ""
	if len(roots) == 1 {
		if st, err := os.Stat(roots[0]); err == nil && st.IsDir() {
			root = roots[0]
		} else {
			root = filepath.Dir(roots[0])
		}
	}
	found := name == ""
	if found {
		if root == "" {
			return nil, nil
		}
		if name = catalogue.Find(root); name == "" {
			return nil, nil
		}
	}
	cat, err := catalogue.Open(name)
	if err != nil {
		return nil, err
	}
	j := cat.Join(root, paths)
	for _, l := range j.Lines() {
		fmt.Fprintf(stderr, "artlens: catalogue %s: %s\n", filepath.Base(name), l)
	}
	if j.Matched == 0 && found {
		fmt.Fprintf(stderr, "artlens: catalogue %s: not used, since it names none of these pictures\n", name)
		return nil, nil
	}
	if j.Matched == 0 {
		return nil, fmt.Errorf("no picture of the collection has a row in the catalogue %s (its file column names them relative to %s, or by their file names)", name, root)
	}
	return j, nil
}

// joinItems joins a catalogue to analysed items, in their order.
func joinItems(name string, roots []string, items []*collection.Item, stderr io.Writer) (*catalogue.Joined, error) {
	paths := make([]string, len(items))
	for i, it := range items {
		paths[i] = it.Path
	}
	return joinCatalogue(name, roots, paths, stderr)
}

// fieldsOf returns picture i's fields for JSON: each field with a value,
// its values as written.
func fieldsOf(j *catalogue.Joined, i int) map[string][]string {
	if j == nil || j.Row[i] < 0 {
		return nil
	}
	out := map[string][]string{}
	for f, fl := range j.Cat.Fields {
		vals := j.Values(i, f)
		if len(vals) == 0 {
			continue
		}
		s := make([]string, len(vals))
		for k, t := range vals {
			s[k] = fl.Terms[t]
		}
		out[fl.Name] = s
	}
	return out
}

// fieldIndex returns the index of the field named, or an error listing the
// fields.
func fieldIndex(j *catalogue.Joined, name string) (int, error) {
	f := j.Cat.Field(name)
	if f < 0 {
		return -1, fmt.Errorf("the catalogue has no field %q: it has %v", name, j.Cat.FieldNames())
	}
	return f, nil
}

// withFields is an export row with the picture's fields (analyse --json).
type withFields struct {
	collection.ExportRow
	Fields map[string][]string `json:"fields,omitempty"`
}

// catalogueHeader returns the fields' columns for a CSV table (none
// without a catalogue).
func catalogueHeader(j *catalogue.Joined) []string {
	if j == nil {
		return nil
	}
	return j.Cat.FieldNames()
}

// catalogueCells returns picture i's cells, its values joined by "; ".
func catalogueCells(j *catalogue.Joined, i int) []string {
	if j == nil {
		return nil
	}
	out := make([]string, len(j.Cat.Fields))
	for f := range out {
		out[f] = j.Cell(i, f)
	}
	return out
}

// fieldColours colours a map's pictures by field f: a date field on the
// feature-map colour scale from its earliest to its latest middle year,
// a text field by its most common values (at most 10, the rest "other");
// grey for a picture with no value. colourOf takes the picture's index in
// the joined order; key is the legend, with counts.
func fieldColours(j *catalogue.Joined, f int) (colourOf func(i int) color.NRGBA, key []plots.MapKey) {
	grey := plots.ClassColor(-1)
	c := j.Colour(f, 10)
	if c.Continuous {
		scale := func(y float64) color.NRGBA {
			if c.Max <= c.Min {
				return plots.Color(0.5)
			}
			// 0.15 to 0.95: the scale's black end would hide a thumbnail's frame.
			return plots.Color(0.15 + 0.8*(y-c.Min)/(c.Max-c.Min))
		}
		colourOf = func(i int) color.NRGBA {
			if math.IsNaN(c.Year[i]) {
				return grey
			}
			return scale(c.Year[i])
		}
		n := 0
		for _, y := range c.Year {
			if !math.IsNaN(y) {
				n++
			}
		}
		if n > 0 {
			for k := range 5 {
				y := c.Min + float64(k)/4*(c.Max-c.Min)
				key = append(key, plots.MapKey{Color: scale(y), Text: fmt.Sprintf("%s %.0f", c.Field, y)})
			}
		}
		key = append(key, plots.MapKey{Color: grey, Text: fmt.Sprintf("no date (%d)", len(c.Year)-n)})
		return colourOf, key
	}
	colourOf = func(i int) color.NRGBA { return plots.ClassColor(c.Category[i]) }
	none := len(c.Category)
	for k, name := range c.Categories {
		key = append(key, plots.MapKey{Color: plots.ClassColor(k), Text: fmt.Sprintf("%s (%d)", name, c.Counts[k])})
		none -= c.Counts[k]
	}
	key = append(key, plots.MapKey{Color: grey, Text: fmt.Sprintf("no %s (%d)", c.Field, none)})
	return colourOf, key
}

// labelConfig is the data configuration of `train --label FIELD`: the
// pictures under dataDir that the catalogue names, each of the class its
// field makes (training.LabelConfig).
func labelConfig(dataDir, catFile, field string, val float64, cacheDir string, stderr io.Writer) (dataset.Config, error) {
	files, _, err := collection.Scan([]string{dataDir})
	if err != nil {
		return dataset.Config{}, err
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	j, err := joinCatalogue(catFile, []string{dataDir}, paths, stderr)
	if err != nil {
		return dataset.Config{}, err
	}
	if j == nil {
		return dataset.Config{}, fmt.Errorf("--label needs a catalogue: give it with --catalogue FILE (no catalogue.csv in %s)", dataDir)
	}
	l, err := j.LabelsFor(dataDir, paths, field)
	if err != nil {
		return dataset.Config{}, err
	}
	fmt.Fprintf(stderr, "artlens: %s\n", l.Summary())
	return training.LabelConfig(dataDir, l.Classes, l.ByPath, val, cacheDir), nil
}
