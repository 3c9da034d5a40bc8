package catalogue

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FileColumn is the name of the column (or JSON key) that names each
// row's picture, compared without case.
const FileColumn = "file"

// DefaultName is the catalogue found by itself in a collection's folder
// (Find).
const DefaultName = "catalogue.csv"

// Field is one column of a catalogue. Its values are interned: a row holds
// indices into Terms.
type Field struct {
	Name string
	// Date is set when most of the column's cells read as dates
	// (ParseDate); Dates then holds, for each term, its date, and Dated
	// whether it read.
	Date  bool
	Terms []string
	Dates []Date
	Dated []bool
	index map[string]int32
}

// term returns the index of value, adding it.
func (f *Field) term(value string) int32 {
	if i, ok := f.index[value]; ok {
		return i
	}
	i := int32(len(f.Terms))
	// A copy: value is a slice of the whole record's text, which would
	// otherwise stay alive for one short term.
	value = strings.Clone(value)
	f.Terms = append(f.Terms, value)
	f.index[value] = i
	return i
}

// Group returns the name a term is counted under: its century for a date
// field ("16th century"), the term itself otherwise (and for a date that
// does not read, so that nothing is lost).
func (f *Field) Group(term int32) string {
	if f.Date && f.Dated[term] {
		return CenturyLabel(f.Dates[term].Century())
	}
	return f.Terms[term]
}

// Row is one row of a catalogue: the file it names as written, its line
// (1-based, the header is line 1 in a CSV file) and its values.
type Row struct {
	File string
	Line int
	// terms holds the row's term indices field after field; ends[f] is the
	// end of field f's in terms.
	terms []int32
	ends  []uint32
}

// Values returns the term indices of field f in the row (none for an
// empty cell).
func (r *Row) Values(f int) []int32 {
	start := 0
	if f > 0 {
		start = int(r.ends[f-1])
	}
	return r.terms[start:r.ends[f]]
}

// Catalogue is a catalogue read whole.
type Catalogue struct {
	// Name is the file it was read from.
	Name   string
	Fields []*Field
	Rows   []Row
	// BOM is set when the file began with a UTF-8 byte-order mark (removed);
	// Separator is the CSV separator found (0 for JSON Lines).
	BOM       bool
	Separator rune
	// BadDates counts the cells of date fields that do not read as dates
	// (kept as text), BadDateExamples gives a few.
	BadDates        int
	BadDateExamples []string
	// Ragged counts the CSV rows with more cells than the header (the extra
	// cells are not read); BadLines the JSON lines that are not an object
	// (their line numbers in BadLineNumbers, the first few).
	Ragged         int
	BadLines       int
	BadLineNumbers []int
}

// Field returns the index of the field named name (compared without case),
// or -1.
func (c *Catalogue) Field(name string) int {
	for i, f := range c.Fields {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// FieldNames returns the fields' names in order.
func (c *Catalogue) FieldNames() []string {
	out := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		out[i] = f.Name
	}
	return out
}

// Find returns the catalogue that goes with a collection's folder without
// being named: DefaultName in it, or "" when there is none.
func Find(folder string) string {
	p := filepath.Join(folder, DefaultName)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p
	}
	return ""
}

// Open reads a catalogue file: JSON Lines when its name ends in .jsonl,
// .ndjson or .json or its first character is '{', CSV otherwise.
func Open(path string) (*Catalogue, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the catalogue: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read the catalogue: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("the catalogue %s is a folder: give a CSV or JSON Lines file", path)
	}
	c, err := Read(f, path)
	if err != nil {
		return nil, fmt.Errorf("catalogue %s: %w", path, err)
	}
	return c, nil
}

// Read reads a catalogue from r; name is used for messages and to tell
// JSON Lines by its extension.
func Read(r io.Reader, name string) (*Catalogue, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4096)
	if len(head) == 0 {
		return nil, errors.New("the file is empty: a catalogue starts with a header row naming its columns, one of them \"file\"")
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")) {
		return nil, errors.New("this is a spreadsheet file, not text: save it as CSV (UTF-8) first")
	}
	c := &Catalogue{Name: name}
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		c.BOM = true
		br.Discard(3)
		head = head[3:]
	}
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimPartialRune(head)) {
		return nil, errors.New("the file is not UTF-8 text: save it as CSV (UTF-8) or JSON Lines")
	}
	ext := strings.ToLower(filepath.Ext(name))
	var err error
	if ext == ".jsonl" || ext == ".ndjson" || ext == ".json" || bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")) {
		err = c.readJSONLines(br)
	} else {
		err = c.readCSV(br, head)
	}
	if err != nil {
		return nil, err
	}
	c.typeFields()
	return c, nil
}

// trimPartialRune drops a rune cut by the end of a peeked buffer.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// sniffSeparator picks the CSV separator from the header line: the one of
// ',', ';' and tab found most often outside quotes (',' on a tie), since
// spreadsheets in many locales write ';'.
func sniffSeparator(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	counts := map[byte]int{}
	quoted := false
	for _, b := range head {
		switch {
		case b == '"':
			quoted = !quoted
		case !quoted && (b == ',' || b == ';' || b == '\t'):
			counts[b]++
		}
	}
	best, n := byte(','), counts[',']
	for _, b := range []byte{';', '\t'} {
		if counts[b] > n {
			best, n = b, counts[b]
		}
	}
	return rune(best)
}

// splitCell splits a cell's several values, separated by ';', trimmed; an
// empty cell has none.
func splitCell(cell string, into []string) []string {
	into = into[:0]
	for v := range strings.SplitSeq(cell, ";") {
		if v = strings.TrimSpace(v); v != "" {
			into = append(into, v)
		}
	}
	return into
}

func (c *Catalogue) newFields(names []string) {
	for _, n := range names {
		c.Fields = append(c.Fields, &Field{Name: n, index: map[string]int32{}})
	}
}

func (c *Catalogue) readCSV(r io.Reader, head []byte) error {
	c.Separator = sniffSeparator(head)
	cr := csv.NewReader(r)
	cr.Comma = c.Separator
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("cannot read the header row: %w", err)
	}
	fileCol := -1
	var names []string
	var cols []int
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if strings.EqualFold(h, FileColumn) && fileCol < 0 {
			fileCol = i
			continue
		}
		if h == "" {
			h = "column " + strconv.Itoa(i+1)
		}
		if seen[strings.ToLower(h)] {
			return fmt.Errorf("the header names the column %q twice", h)
		}
		seen[strings.ToLower(h)] = true
		names = append(names, h)
		cols = append(cols, i)
	}
	if fileCol < 0 {
		return fmt.Errorf("the header row has no %q column naming each row's picture (it has %s; separator %q)", FileColumn, strings.Join(header, ", "), c.Separator)
	}
	if len(names) > 65535 {
		return fmt.Errorf("%d columns: at most 65535", len(names))
	}
	c.newFields(names)
	var vals []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read the CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > len(header) {
			c.Ragged++
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := Row{Line: line, ends: make([]uint32, len(cols)), terms: make([]int32, 0, len(cols))}
		if fileCol < len(rec) {
			row.File = strings.Clone(strings.TrimSpace(rec[fileCol]))
		}
		for f, col := range cols {
			if col < len(rec) {
				vals = splitCell(rec[col], vals)
				for _, v := range vals {
					row.terms = append(row.terms, c.Fields[f].term(v))
				}
			}
			row.ends[f] = uint32(len(row.terms))
		}
		c.Rows = append(c.Rows, row)
	}
}

func (c *Catalogue) readJSONLines(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	byName := map[string]int{}
	type cell struct {
		field int
		vals  []string
	}
	var rows [][]cell
	var files []string
	var lines []int
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			c.BadLines++
			if len(c.BadLineNumbers) < 10 {
				c.BadLineNumbers = append(c.BadLineNumbers, line)
			}
			continue
		}
		// Keys in the order written, so that fields come in the file's order.
		keys := objectKeys(b)
		var cells []cell
		file := ""
		for _, k := range keys {
			vals := jsonValues(obj[k])
			if strings.EqualFold(k, FileColumn) && file == "" {
				if len(vals) > 0 {
					file = vals[0]
				}
				continue
			}
			f, ok := byName[strings.ToLower(k)]
			if !ok {
				f = len(c.Fields)
				byName[strings.ToLower(k)] = f
				c.newFields([]string{k})
			}
			cells = append(cells, cell{f, vals})
		}
		rows = append(rows, cells)
		files = append(files, file)
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("cannot read line %d: %w", line+1, err)
	}
	if len(rows) == 0 && c.BadLines > 0 {
		return fmt.Errorf("no line is a JSON object (%d lines): JSON Lines has one object per line, with a %q key", c.BadLines, FileColumn)
	}
	if len(c.Fields) > 65535 {
		return fmt.Errorf("%d fields: at most 65535", len(c.Fields))
	}
	per := make([][]string, len(c.Fields))
	for i, cells := range rows {
		for f := range per {
			per[f] = nil
		}
		for _, ce := range cells {
			per[ce.field] = append(per[ce.field], ce.vals...)
		}
		row := Row{File: strings.TrimSpace(files[i]), Line: lines[i], ends: make([]uint32, len(c.Fields))}
		for f, vals := range per {
			for _, v := range vals {
				row.terms = append(row.terms, c.Fields[f].term(v))
			}
			row.ends[f] = uint32(len(row.terms))
		}
		c.Rows = append(c.Rows, row)
	}
	return nil
}

// objectKeys returns the keys of a JSON object in the order written.
func objectKeys(b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

// jsonValues turns a JSON value into a cell's values: a string (split at
// ';' like a CSV cell), a number or boolean as written, an array's
// elements; null has none.
func jsonValues(raw json.RawMessage) []string {
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) == nil {
		var out []string
		for _, a := range arr {
			out = append(out, jsonValues(a)...)
		}
		return out
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return splitCell(s, nil)
	}
	t := strings.TrimSpace(string(raw))
	if t == "null" || t == "" || strings.HasPrefix(t, "{") {
		return nil
	}
	return []string{t}
}

// typeFields marks the date fields: those where at least half of the
// non-empty cells read as dates. The cells of a date field that do not read
// are counted (BadDates) and kept as text.
func (c *Catalogue) typeFields() {
	uses := make([][]int, len(c.Fields))
	for f, fl := range c.Fields {
		uses[f] = make([]int, len(fl.Terms))
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		for f := range c.Fields {
			for _, t := range r.Values(f) {
				uses[f][t]++
			}
		}
	}
	for f, fl := range c.Fields {
		fl.Dates = make([]Date, len(fl.Terms))
		fl.Dated = make([]bool, len(fl.Terms))
		dated, all := 0, 0
		for t, term := range fl.Terms {
			fl.Dates[t], fl.Dated[t] = ParseDate(term)
			all += uses[f][t]
			if fl.Dated[t] {
				dated += uses[f][t]
			}
		}
		fl.Date = dated > 0 && 2*dated >= all
		if !fl.Date {
			fl.Dates, fl.Dated = nil, nil
			continue
		}
		for t, ok := range fl.Dated {
			if !ok {
				c.BadDates += uses[f][t]
				if len(c.BadDateExamples) < 5 {
					c.BadDateExamples = append(c.BadDateExamples, fmt.Sprintf("%s: %q", fl.Name, fl.Terms[t]))
				}
			}
		}
	}
}
