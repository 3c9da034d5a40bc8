package catalogue

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// collectionPaths are the pictures of a small collection under /coll.
var collectionPaths = []string{
	"/coll/painting/a.jpg",
	"/coll/painting/b.jpg",
	"/coll/sculpture/c.jpg",
	"/coll/sculpture/a.jpg", // a.jpg twice: only its path names it
	"/coll/drawings/d.png",
}

func mustRead(t *testing.T, text, name string) *Catalogue {
	t.Helper()
	c, err := Read(strings.NewReader(text), name)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return c
}

func TestReadCSV(t *testing.T) {
	text := "file,artist,date,subject\n" +
		"painting/a.jpg,Titian,c. 1550,Madonna; Child\n" +
		"b.jpg,\"Rubens, Peter Paul\",1610-1620,Portrait\n" +
		"sculpture/c.jpg,,16th century,\n"
	c := mustRead(t, text, "cat.csv")
	if got := c.FieldNames(); !slices.Equal(got, []string{"artist", "date", "subject"}) {
		t.Fatalf("fields %v", got)
	}
	if !c.Fields[1].Date || c.Fields[0].Date || c.Fields[2].Date {
		t.Errorf("date fields: %v %v %v", c.Fields[0].Date, c.Fields[1].Date, c.Fields[2].Date)
	}
	j := c.Join("/coll", collectionPaths)
	if j.Matched != 3 || j.NoRow != 2 || j.Missing != 0 || j.Duplicates != 0 {
		t.Errorf("report %+v", j.Report)
	}
	if got := j.Cell(0, 2); got != "Madonna; Child" {
		t.Errorf("cell %q", got)
	}
	if got := j.Cell(1, 0); got != "Rubens, Peter Paul" {
		t.Errorf("cell %q", got)
	}
	if got := j.Groups(0, 1); !slices.Equal(got, []string{"16th century"}) {
		t.Errorf("groups %v", got)
	}
	facets, none := j.Facets(1, nil)
	want := []Facet{{"16th century", 2}, {"17th century", 1}}
	if !slices.Equal(facets, want) || none != 2 {
		t.Errorf("facets %v none %d, want %v none 2", facets, none, want)
	}
	if got := j.Select(1, "16th century", nil); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("select %v", got)
	}
}

func TestReadJSONLines(t *testing.T) {
	text := `{"file": "painting/a.jpg", "artist": "Titian", "date": "c. 1550", "subject": ["Madonna", "Child"]}
{"file": "painting/b.jpg", "date": 1615, "subject": "Portrait; Man", "inventory": 42}
not json
{"file": "drawings/d.png", "artist": null}
`
	c := mustRead(t, text, "cat.jsonl")
	if got := c.FieldNames(); !slices.Equal(got, []string{"artist", "date", "subject", "inventory"}) {
		t.Fatalf("fields %v", got)
	}
	if c.BadLines != 1 || !slices.Equal(c.BadLineNumbers, []int{3}) {
		t.Errorf("bad lines %d %v", c.BadLines, c.BadLineNumbers)
	}
	j := c.Join("/coll", collectionPaths)
	if j.Matched != 3 {
		t.Errorf("matched %d", j.Matched)
	}
	if got := j.Cell(1, 2); got != "Portrait; Man" {
		t.Errorf("cell %q", got)
	}
	if got := j.Cell(1, 3); got != "42" {
		t.Errorf("cell %q", got)
	}
	if !c.Fields[1].Date {
		t.Errorf("date not a date field")
	}
}

// TestBadCatalogues: each fault is counted and the rest still read.
func TestBadCatalogues(t *testing.T) {
	for _, c := range []struct {
		name, text string
		check      func(*Catalogue, *Joined) string
	}{
		{"missing file", "file,school\npainting/a.jpg,Venetian\nnowhere/x.jpg,Flemish\n,Dutch\n", func(c *Catalogue, j *Joined) string {
			if j.Missing != 2 || j.Matched != 1 || len(j.MissingExamples) != 2 || !strings.Contains(j.MissingExamples[0], "line 3") {
				return fmt.Sprintf("%+v", j.Report)
			}
			return ""
		}},
		{"no row", "file,school\npainting/b.jpg,Venetian\n", func(c *Catalogue, j *Joined) string {
			if j.NoRow != 4 || j.Matched != 1 {
				return fmt.Sprintf("%+v", j.Report)
			}
			return ""
		}},
		{"duplicates", "file,school\npainting/b.jpg,Venetian\nb.jpg,Flemish\n./painting/b.jpg,Dutch\n", func(c *Catalogue, j *Joined) string {
			if j.Duplicates != 2 || j.Matched != 1 || j.Cell(1, 0) != "Venetian" || len(c.Rows) != 3 || !strings.Contains(j.DuplicateExamples[0], "first on line 2") {
				return fmt.Sprintf("%+v cell %q", j.Report, j.Cell(1, 0))
			}
			return ""
		}},
		{"ambiguous name", "file,school\na.jpg,Venetian\n", func(c *Catalogue, j *Joined) string {
			if j.Ambiguous != 1 || j.Matched != 0 || !strings.Contains(j.MissingExamples[0], "several pictures") {
				return fmt.Sprintf("%+v", j.Report)
			}
			return ""
		}},
		{"unreadable date", "file,date\npainting/a.jpg,1503\npainting/b.jpg,1610\nsculpture/c.jpg,after the flood\n", func(c *Catalogue, j *Joined) string {
			facets, _ := j.Facets(0, nil)
			if !c.Fields[0].Date || c.BadDates != 1 || len(facets) != 3 || j.Cell(2, 0) != "after the flood" {
				return fmt.Sprintf("date %v bad %d facets %v", c.Fields[0].Date, c.BadDates, facets)
			}
			return ""
		}},
		{"BOM", "\ufefffile,school\npainting/a.jpg,Venetian\n", func(c *Catalogue, j *Joined) string {
			if !c.BOM || j.Matched != 1 || c.Fields[0].Name != "school" {
				return fmt.Sprintf("bom %v %+v", c.BOM, j.Report)
			}
			return ""
		}},
		{"semicolons", "file;school;subject\npainting/a.jpg;Venetian;\"Madonna; Child\"\npainting/b.jpg;Flemish;Portrait\n", func(c *Catalogue, j *Joined) string {
			if c.Separator != ';' || j.Matched != 2 || j.Cell(0, 1) != "Madonna; Child" {
				return fmt.Sprintf("sep %q %+v cell %q", c.Separator, j.Report, j.Cell(0, 1))
			}
			return ""
		}},
		{"tabs and CRLF", "file\tschool\r\npainting/a.jpg\tVenetian\r\n", func(c *Catalogue, j *Joined) string {
			if c.Separator != '\t' || j.Cell(0, 0) != "Venetian" {
				return fmt.Sprintf("sep %q cell %q", c.Separator, j.Cell(0, 0))
			}
			return ""
		}},
		{"ragged rows", "file,school\npainting/a.jpg,Venetian,extra\npainting/b.jpg\n", func(c *Catalogue, j *Joined) string {
			if c.Ragged != 1 || j.Matched != 2 || j.Cell(1, 0) != "" {
				return fmt.Sprintf("ragged %d %+v", c.Ragged, j.Report)
			}
			return ""
		}},
		{"backslashes", "FILE,school\npainting\\a.jpg,Venetian\n", func(c *Catalogue, j *Joined) string {
			if j.Matched != 1 {
				return fmt.Sprintf("%+v", j.Report)
			}
			return ""
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cat := mustRead(t, c.text, "cat.csv")
			j := cat.Join("/coll", collectionPaths)
			if msg := c.check(cat, j); msg != "" {
				t.Error(msg)
			}
			if len(j.Lines()) == 0 {
				t.Error("no report lines")
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		name, text, want string
	}{
		{"empty", "", "empty"},
		{"no file column", "path,school\na.jpg,x\n", `no "file" column`},
		{"xlsx", "PK\x03\x04rest", "spreadsheet"},
		{"binary", "\x00\x01\x02", "not UTF-8"},
		{"latin-1", "file,school\na.jpg,M\xfcnchen\n", "not UTF-8"},
		{"twice", "file,a,A\n", "twice"},
		{"json nothing", "{oops\n{also\n", "no line is a JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.text), "cat.csv")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q", err, c.want)
			}
		})
	}
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "none.csv")); err == nil || !strings.Contains(err.Error(), "cannot read the catalogue") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("folder: %v", err)
	}
	if Find(dir) != "" {
		t.Error("Find found a catalogue in an empty folder")
	}
	p := filepath.Join(dir, DefaultName)
	if err := os.WriteFile(p, []byte("file,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if Find(dir) != p {
		t.Errorf("Find = %q", Find(dir))
	}
}

func TestClasses(t *testing.T) {
	c := mustRead(t, "file,date,school\npainting/a.jpg,1650,Flemish\npainting/b.jpg,1503,Venetian; Flemish\nsculpture/c.jpg,early 16th century,Dutch\n", "cat.csv")
	j := c.Join("/coll", collectionPaths)
	labels, classes, several := j.Classes(0)
	if !slices.Equal(classes, []string{"16th century", "17th century"}) || !slices.Equal(labels, []string{"17th century", "16th century", "16th century", "", ""}) || several != 0 {
		t.Errorf("dates: %v %v %d", labels, classes, several)
	}
	labels, classes, several = j.Classes(1)
	if !slices.Equal(classes, []string{"Dutch", "Flemish"}) || labels[1] != "" || several != 1 {
		t.Errorf("schools: %v %v %d", labels, classes, several)
	}
}

// TestJoinSubfolder: a catalogue of the whole collection joined to one of
// its folders matches by the end of the paths.
func TestJoinSubfolder(t *testing.T) {
	c := mustRead(t, "file,school\npainting/a.jpg,Venetian\nsculpture/a.jpg,Roman\n", "cat.csv")
	j := c.Join("/coll/sculpture", []string{"/coll/sculpture/a.jpg", "/coll/sculpture/c.jpg"})
	if j.Matched != 1 || j.Cell(0, 0) != "Roman" || j.Missing != 1 || j.NoRow != 1 {
		t.Errorf("%+v cell %q", j.Report, j.Cell(0, 0))
	}
}
