package catalogue

import (
	"path/filepath"
	"strings"
	"testing"
)

// LabelsFor makes a field's classes keyed by the pictures' paths relative
// to the folder, or says why it cannot.
func TestLabelsFor(t *testing.T) {
	root := filepath.FromSlash("/data")
	paths := []string{"/data/p/a.jpg", "/data/p/b.jpg", "/data/s/c.jpg", "/data/s/d.jpg"}
	for i := range paths {
		paths[i] = filepath.FromSlash(paths[i])
	}
	text := "file,date,school,one\n" +
		"p/a.jpg,1503,Venetian,x\np/b.jpg,1610,Venetian; Flemish,x\ns/c.jpg,1520,Flemish,x\ns/d.jpg,,Dutch,x\n"
	j := mustRead(t, text, "cat.csv").Join(root, paths)
	for _, tc := range []struct {
		field, summary, err string
		byPath              map[string]string
	}{
		{field: "date", summary: "classes from date: 16th century 2, 17th century 1 pictures",
			byPath: map[string]string{"p/a.jpg": "16th century", "p/b.jpg": "17th century", "s/c.jpg": "16th century"}},
		{field: "school", summary: "classes from school: Dutch 1, Flemish 1, Venetian 1 pictures; 1 pictures with several values left out",
			byPath: map[string]string{"p/a.jpg": "Venetian", "s/c.jpg": "Flemish", "s/d.jpg": "Dutch"}},
		{field: "one", err: `the field "one" makes 1 classes`},
		{field: "nope", err: `the catalogue has no field "nope"`},
	} {
		l, err := j.LabelsFor(root, paths, tc.field)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.field, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.field, err)
		}
		if got := l.Summary(); got != tc.summary {
			t.Errorf("%s: summary %q, want %q", tc.field, got, tc.summary)
		}
		if len(l.ByPath) != len(tc.byPath) {
			t.Errorf("%s: by path %v, want %v", tc.field, l.ByPath, tc.byPath)
		}
		for p, c := range tc.byPath {
			if l.ByPath[p] != c {
				t.Errorf("%s: %s is %q, want %q", tc.field, p, l.ByPath[p], c)
			}
		}
	}
}
