package catalogue

import (
	"strings"
	"testing"
)

// FuzzRead: no input makes Read or Join panic, and every row it reads
// has a value list per field. The seeds (the bad catalogues of
// TestBadCatalogues and a few more) run with every go test.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"file,school\npainting/a.jpg,Venetian\n",
		"\ufefffile;school;subject\npainting/a.jpg;Venetian;\"Madonna; Child\"\n",
		"file,date\na.jpg,c. 1650\nb.jpg,16th century\nc.jpg,after the flood\n",
		"file,school\n\"unterminated,x\n",
		"file\tschool\r\na.jpg\tx\textra\r\n",
		`{"file": "a.jpg", "s": ["x", 1, null, {"y": 2}]}` + "\n{oops\n",
		"file,a\n" + strings.Repeat("x;", 100) + ",1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range []string{"cat.csv", "cat.jsonl"} {
			c, err := Read(strings.NewReader(s), name)
			if err != nil {
				continue
			}
			j := c.Join("/coll", collectionPaths)
			for i := range j.Row {
				for fi := range c.Fields {
					_ = j.Cell(i, fi)
					_ = j.Groups(i, fi)
				}
			}
			for fi := range c.Fields {
				j.Facets(fi, nil)
				j.Colour(fi, 4)
			}
			j.Summary([]int{0, 1, 2})
			j.Lines()
		}
	})
}
