package collection

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/plots"
)

// catalogueCSV is a catalogue of curatedFolder's pictures with faults: a
// row whose file is not there (gone/x.png), bright/cave.png with no row,
// an unreadable date and two values in one cell.
const catalogueCSV = `file,date,school
dark/night.png,1503,Florentine
dark/dusk.png,c. 1650,Dutch
dark/grey.png,16th century,Florentine; Venetian
dark/lamp.png,1660-1670,Dutch
dark/sun.png,after the flood,Venetian
bright/day.png,1890,French
bright/noon.png,1885,French
bright/haze.png,1720,Venetian
misc/unsorted.png,1400,
gone/x.png,1500,Dutch
`

// shownColumnTitles returns the table's column titles, in order.
func shownColumnTitles(c *View) []string {
	var out []string
	for _, col := range c.shownColumns() {
		out = append(out, c.columnTitle(col))
	}
	return out
}

func TestCollectionCatalogue(t *testing.T) {
	root, _ := curatedFolder(t)
	writeFile(t, root, "catalogue.csv", []byte(catalogueCSV))
	h, c := openCollection(t, root)
	k := c.cat

	// Found by itself, joined, its report in a notice.
	if k.j == nil || !k.found {
		t.Fatalf("the catalogue.csv beside the collection was not joined (path %q)", k.path)
	}
	if got := h.Host.Notice.Text(); !strings.Contains(got, "9 of 10 pictures have a row · 1 row names no picture · 1 picture has no row · 1 date cell does not read as a date.") {
		t.Errorf("notice %q does not say 9 of 10 pictures have a row", got)
	}
	details := h.Host.Notice.Details()
	for _, want := range []string{"gone/x.png", "bright/cave.png", "after the flood"} {
		if !strings.Contains(details, want) {
			t.Errorf("the notice's details do not name %q:\n%s", want, details)
		}
	}

	// The fields are columns after Folder; cells as written.
	titles := shownColumnTitles(c)
	if i := slices.Index(titles, "Folder"); i < 0 || i+2 >= len(titles) || titles[i+1] != "date" || titles[i+2] != "school" {
		t.Fatalf("columns %v: want date and school after Folder", titles)
	}
	byName := map[string]int{}
	for i, it := range c.items {
		byName[filepath.Base(it.Path)] = i
	}
	grey := c.items[byName["grey.png"]]
	if got := c.cellText(grey, colCount+1); got != "Florentine; Venetian" {
		t.Errorf("grey.png's school cell %q", got)
	}
	if got := c.cellText(c.items[byName["cave.png"]], colCount); got != "" {
		t.Errorf("cave.png has no row but a date cell %q", got)
	}

	// Sorted by date: by middle year, the unreadable date after the
	// dates, the pictures without a value last; descending reverses the
	// dated ones.
	c.sortBy(colCount)
	got := shownNames(c)
	want := []string{"unsorted.png", "night.png", "grey.png", "dusk.png", "lamp.png", "haze.png", "noon.png", "day.png", "sun.png", "cave.png"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted by date:\n got %v\nwant %v", got, want)
	}
	c.sortBy(colCount)
	if got := shownNames(c); got[len(got)-1] != "cave.png" || got[0] == "unsorted.png" {
		t.Errorf("sorted by date, descending: %v", got)
	}

	// Facets with counts; a click filters the table, a second click clears.
	k.fieldSel.SetSelected("school")
	counts := map[string]int{}
	for _, f := range k.facets {
		counts[f.Value] = f.Count
	}
	if counts["Venetian"] != 3 || counts["Dutch"] != 2 || counts["French"] != 2 || counts["Florentine"] != 2 {
		t.Errorf("school's facets %v", k.facets)
	}
	venetian := slices.IndexFunc(k.facets, func(f catalogue.Facet) bool { return f.Value == "Venetian" })
	k.facetList.Select(venetian)
	got = shownNames(c)
	slices.Sort(got)
	if !slices.Equal(got, []string{"grey.png", "haze.png", "sun.png"}) {
		t.Errorf("the Venetian filter shows %v", got)
	}
	k.facetList.Select(venetian)
	if len(c.shown) != len(c.items) {
		t.Errorf("a second click left %d of %d shown", len(c.shown), len(c.items))
	}

	// Accuracy by century, worst first, with counts and intervals.
	k.fieldSel.SetSelected("date")
	if len(k.acc) == 0 {
		t.Fatal("no accuracy by date")
	}
	for i, a := range k.acc {
		if a.Count == 0 || a.Interval[0] > a.Accuracy || a.Interval[1] < a.Accuracy {
			t.Errorf("accuracy row %+v", a)
		}
		if i > 0 && a.Accuracy < k.acc[i-1].Accuracy {
			t.Errorf("not worst first: %v after %v", a.Value, k.acc[i-1].Value)
		}
	}
	k.showConfusion(0)
	if !strings.Contains(k.accConf.Text, "right") {
		t.Errorf("confusion text %q", k.accConf.Text)
	}

	// The map coloured by date: a continuous scale from the earliest to the
	// latest year, grey for no date; the legend with years.
	sel := colourFieldPrefix + "date"
	if !slices.Contains(c.atlas.colourSel.Options, sel) {
		t.Fatalf("the map's colours %v do not offer %q", c.atlas.colourSel.Options, sel)
	}
	early, _ := k.mapColour(c.items[byName["unsorted.png"]], sel)
	late, _ := k.mapColour(c.items[byName["day.png"]], sel)
	none, _ := k.mapColour(c.items[byName["cave.png"]], sel)
	if early != plots.Color(0.15) || late != plots.Color(0.95) || none != plots.ClassColor(-1) {
		t.Errorf("date colours: earliest %v, latest %v, none %v", early, late, none)
	}
	legend, ok := k.legend(sel)
	if !ok || len(legend) != 6 || legend[0].text != "1400" || legend[4].text != "1890" || !strings.HasPrefix(legend[5].text, "no value (2)") {
		t.Errorf("date legend %v", legend)
	}
	if _, ok := k.mapColour(grey, colourPredicted); ok {
		t.Error("the predicted-class colouring was taken for a field")
	}

	// A selection summarised by field.
	var dark []*collection.Item
	for _, it := range c.items {
		if strings.HasPrefix(it.Folder, "dark") {
			dark = append(dark, it)
		}
	}
	c.pick(dark) // as a lasso does
	if !strings.Contains(h.Host.Notice.Text(), "The table shows the 5 pictures drawn around") {
		t.Errorf("notice after a lasso: %q", h.Host.Notice.Text())
	}
	c.pick(nil)
	if !strings.Contains(k.summary.Text, "The 5 pictures drawn around on the map (5 with a row)") || !strings.Contains(k.summary.Text, "school = ") {
		t.Errorf("summary %q", k.summary.Text)
	}

	// A filter's terms beside its top pictures (ten pictures: each
	// filter's top is the whole collection, so nothing stands out).
	c.showFilter(1, 1)
	h.Settle()
	if !k.terms.Visible() || !strings.Contains(k.terms.Text, "no value is over-represented") {
		t.Errorf("filter terms %q", k.terms.Text)
	}

	// A catalogue that does not read changes nothing.
	bad := writeFile(t, t.TempDir(), "book.xlsx", []byte("PK\x03\x04 not a catalogue"))
	k.open(bad, false)
	h.Settle()
	if kind, text := h.Host.Notice.Kind(), h.Host.Notice.Text(); !strings.Contains(text, "could not be read") || !strings.Contains(text, "Nothing was changed") {
		t.Errorf("notice %v %q for a spreadsheet", kind, text)
	}
	if k.j == nil || filepath.Base(k.path) != "catalogue.csv" {
		t.Errorf("a bad catalogue replaced the good one: %q", k.path)
	}

	// The table's export gains the fields.
	var buf bytes.Buffer
	if err := c.export(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(buf.String(), "\n"); !strings.HasSuffix(head, ",date,school") || !strings.Contains(buf.String(), ",Florentine; Venetian\n") {
		t.Errorf("CSV export (%d bytes, %d shown):\n%s", buf.Len(), len(c.shown), buf.String())
	}
	buf.Reset()
	if err := c.export(&buf, "json"); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		File   string              `json:"path"`
		Fields map[string][]string `json:"fields"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if filepath.Base(r.File) == "grey.png" && !slices.Equal(r.Fields["school"], []string{"Florentine", "Venetian"}) {
			t.Errorf("grey.png's JSON fields %v", r.Fields)
		}
		if filepath.Base(r.File) == "cave.png" && r.Fields != nil {
			t.Errorf("cave.png has no row but fields %v", r.Fields)
		}
	}
	if len(rows) != len(c.shown) {
		t.Errorf("JSON export: %d rows for %d shown", len(rows), len(c.shown))
	}

	// --show for the catalogue.
	if msg := c.apply("catalogue:accuracy:date"); msg != "" || c.side.Selected() != c.catTab || k.tabs.SelectedIndex() != 1 {
		t.Errorf("catalogue:accuracy:date: %q", msg)
	}
	if msg := c.apply("colour:school"); msg != "" || c.atlas.colourSel.Selected != colourFieldPrefix+"school" {
		t.Errorf("colour:school: %q", msg)
	}
	if msg := c.apply("colour:nope"); !strings.Contains(msg, "no field") {
		t.Errorf("colour:nope: %q", msg)
	}
}

func TestCheckCatalogueShow(t *testing.T) {
	for _, tc := range []struct {
		show string
		ok   bool
	}{
		{"catalogue:values:date", true},
		{"catalogue:accuracy:date", true},
		{"catalogue:filters:school:Venetian", true},
		{"colour:date", true},
		{"catalogue:accuracy", false},
		{"catalogue:other:date", false},
		{"catalogue:filters:school", false},
		{"colour:", false},
	} {
		if err := CheckShow(tc.show); (err == nil) != tc.ok {
			t.Errorf("CheckShow(%q) = %v", tc.show, err)
		}
	}
}

// TestCollectionCatalogueOption opens a catalogue given with the window's
// options (not beside the collection) and shows its accuracy by date
// once both are there.
func TestCollectionCatalogueOption(t *testing.T) {
	root, _ := curatedFolder(t)
	file := writeFile(t, t.TempDir(), "books.csv", []byte(catalogueCSV))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h, c := newHarness(t, start{Model: brightModel(t), ModelName: "bright model", Images: []string{root},
		Catalogue: file, Show: "catalogue:accuracy:date"})
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) > 0 })
	h.Settle()
	if c.cat.j == nil || c.cat.found || c.cat.path != file {
		t.Fatalf("the catalogue %s was not joined (path %q)", file, c.cat.path)
	}
	if c.side.Selected() != c.catTab || c.cat.tabs.SelectedIndex() != 1 || c.cat.fieldSel.Selected != "date" || len(c.cat.acc) == 0 {
		t.Errorf("--show catalogue:accuracy:date shows tab %q, field %q, %d rows", c.side.Selected().Text, c.cat.fieldSel.Selected, len(c.cat.acc))
	}
	if !hasText(c.cat.tabs, "Accuracy by date (by century), worst first") {
		t.Errorf("the Accuracy tab says %q", c.cat.accTitle.Text)
	}
}

func TestShortenPad(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"painting", 8, "painting"},
		{"iconography", 8, "iconogr…"},
		{"école", 4, "éco…"},
	} {
		got := shorten(tc.s, tc.n)
		if got != tc.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
		if p := padLeft(got, 10); len([]rune(p)) != 10 || !strings.HasSuffix(p, got) {
			t.Errorf("padLeft(%q, 10) = %q", got, p)
		}
	}
}
