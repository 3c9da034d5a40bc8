package catalogue

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// Joined is a catalogue set beside a collection's pictures: for picture i
// (in the order given to Join), Row[i] is its row in the catalogue, or -1.
type Joined struct {
	Cat *Catalogue
	Row []int
	Report
}

// Report counts what did not match between a catalogue and a collection;
// nothing is dropped for it.
type Report struct {
	Rows, Pictures int
	// Matched counts the pictures that have a row.
	Matched int
	// Missing counts the rows whose file is not in the collection,
	// MissingExamples names a few (with their lines).
	Missing         int
	MissingExamples []string
	// NoRow counts the pictures without a row, NoRowExamples names a few.
	NoRow         int
	NoRowExamples []string
	// Duplicates counts the rows naming a picture an earlier row named (the
	// first row is used); DuplicateExamples names a few.
	Duplicates        int
	DuplicateExamples []string
	// Ambiguous counts the rows naming only a file name that several
	// pictures share (in different folders): they match none.
	Ambiguous int
}

const examples = 5

func addExample(list []string, s string) []string {
	if len(list) < examples {
		list = append(list, s)
	}
	return list
}

// cleanName turns a catalogue's file cell into a slash path relative to
// the collection's folder: backslashes as slashes, no "./".
func cleanName(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\\", "/")
	if s == "" {
		return ""
	}
	return strings.TrimPrefix(path.Clean("/"+s), "/")
}

// Join matches the catalogue's rows to pictures: a row's file is the
// picture's path relative to root, or its file name where only one picture
// has that name, or the end of one picture's path (when root is a folder
// below the catalogue's). paths are the pictures' paths (as the collection lists
// them); root is the collection's folder.
func (c *Catalogue) Join(root string, paths []string) *Joined {
	j := &Joined{Cat: c, Row: make([]int, len(paths))}
	j.Rows, j.Pictures = len(c.Rows), len(paths)
	byRel := make(map[string]int, len(paths))
	byBase := make(map[string]int, len(paths)) // -2 when several share it
	full := make([]string, len(paths))
	sameBase := map[string][]int{}
	for i, p := range paths {
		full[i] = "/" + cleanName(filepath.ToSlash(p))
		j.Row[i] = -1
		rel, err := filepath.Rel(root, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = p
		}
		rel = cleanName(filepath.ToSlash(rel))
		byRel[rel] = i
		base := path.Base(rel)
		if _, ok := byBase[base]; ok {
			byBase[base] = -2
		} else {
			byBase[base] = i
		}
		sameBase[base] = append(sameBase[base], i)
	}
	for r := range c.Rows {
		row := &c.Rows[r]
		name := cleanName(row.File)
		i, ok := byRel[name]
		if !ok && !strings.Contains(name, "/") {
			i, ok = byBase[name]
			if ok && i == -2 {
				j.Ambiguous++
				j.Missing++
				j.MissingExamples = addExample(j.MissingExamples, fmt.Sprintf("line %d: %q (several pictures have that name: give its folder)", row.Line, row.File))
				continue
			}
		}
		if !ok && strings.Contains(name, "/") {
			// A folder below the catalogue's (predict on one class
			// folder): the one picture whose path ends in the row's.
			n := 0
			for _, k := range sameBase[path.Base(name)] {
				if strings.HasSuffix(full[k], "/"+name) {
					i, n = k, n+1
				}
			}
			ok = n == 1
		}
		if !ok {
			j.Missing++
			what := fmt.Sprintf("line %d: %q", row.Line, row.File)
			if row.File == "" {
				what = fmt.Sprintf("line %d: no file named", row.Line)
			}
			j.MissingExamples = addExample(j.MissingExamples, what)
			continue
		}
		if j.Row[i] >= 0 {
			j.Duplicates++
			j.DuplicateExamples = addExample(j.DuplicateExamples, fmt.Sprintf("line %d: %q (first on line %d)", row.Line, row.File, c.Rows[j.Row[i]].Line))
			continue
		}
		j.Row[i] = r
		j.Matched++
	}
	for i, r := range j.Row {
		if r < 0 {
			j.NoRow++
			j.NoRowExamples = addExample(j.NoRowExamples, paths[i])
		}
	}
	return j
}

// Values returns the term indices of field f for picture i (none when the
// picture has no row or the cell is empty).
func (j *Joined) Values(i, f int) []int32 {
	r := j.Row[i]
	if r < 0 {
		return nil
	}
	return j.Cat.Rows[r].Values(f)
}

// Groups returns the names picture i is counted under in field f: its
// centuries for a date field, its terms otherwise (Field.Group); none when
// it has no row or an empty cell.
func (j *Joined) Groups(i, f int) []string {
	vals := j.Values(i, f)
	if len(vals) == 0 {
		return nil
	}
	out := make([]string, 0, len(vals))
	fl := j.Cat.Fields[f]
	for _, t := range vals {
		g := fl.Group(t)
		dup := false
		for _, o := range out {
			dup = dup || o == g
		}
		if !dup {
			out = append(out, g)
		}
	}
	return out
}

// Lines returns the report in sentences, for the command line and the
// window's notice; none when everything matched.
func (c *Catalogue) Lines() []string {
	var out []string
	if c.BOM {
		out = append(out, "the file begins with a byte-order mark (ignored)")
	}
	if c.Separator == ';' || c.Separator == '\t' {
		out = append(out, fmt.Sprintf("columns separated by %q", c.Separator))
	}
	if c.BadDates > 0 {
		out = append(out, fmt.Sprintf("%d cells of date fields do not read as dates, kept as text (%s)", c.BadDates, strings.Join(c.BadDateExamples, ", ")))
	}
	if c.Ragged > 0 {
		out = append(out, fmt.Sprintf("%d rows have more cells than the header: the extra cells are not read", c.Ragged))
	}
	if c.BadLines > 0 {
		out = append(out, fmt.Sprintf("%d lines are not JSON objects, not read (lines %v)", c.BadLines, c.BadLineNumbers))
	}
	return out
}

// Lines returns the join's report in sentences, the catalogue's first.
func (j *Joined) Lines() []string {
	out := j.Cat.Lines()
	out = append(out, fmt.Sprintf("%d rows, %d fields; %d of %d pictures have a row", j.Rows, len(j.Cat.Fields), j.Matched, j.Pictures))
	if j.Missing > 0 {
		out = append(out, fmt.Sprintf("%d rows name no picture of the collection (%s)", j.Missing, strings.Join(j.MissingExamples, "; ")))
	}
	if j.NoRow > 0 {
		out = append(out, fmt.Sprintf("%d pictures have no row (%s)", j.NoRow, strings.Join(j.NoRowExamples, "; ")))
	}
	if j.Duplicates > 0 {
		out = append(out, fmt.Sprintf("%d rows repeat a picture an earlier row named: the first is used (%s)", j.Duplicates, strings.Join(j.DuplicateExamples, "; ")))
	}
	return out
}
