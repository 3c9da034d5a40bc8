package train

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/ui/internal/uitest"
)

// A catalogue.csv in the folder is found by itself; choosing its date
// field shows the two centuries it makes with their counts before Start,
// and the run trains on those classes, not on the class folders, as
// 'artlens train --label date' does. A broken catalogue is reported and
// changes nothing else.
func TestTrainViewClassesFromCatalogue(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 6)
	var b strings.Builder
	b.WriteString("file,date,school\n")
	for _, c := range []string{"a", "b"} {
		for i := 0; i < 6; i++ {
			year := 1650 // across the class folders: 6 pictures of each century
			if i%2 == 1 {
				year = 1850
			}
			fmt.Fprintf(&b, "%s/%s%02d.png,%d,Venetian\n", c, c, i, year)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "catalogue.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	h, v := trainHarness(t, dir, 1)
	if want := []string{fromFolders, "date", "school"}; !slices.Equal(v.cat.from.Options, want) || v.cat.from.Selected != fromFolders {
		t.Fatalf("classes from %v (%q), want %v", v.cat.from.Options, v.cat.from.Selected, want)
	}
	if !strings.Contains(v.counts.Text, "a: 6 pictures") {
		t.Errorf("class folders by default: counts %q", v.counts.Text)
	}

	// One value for all: too few classes, said plainly.
	v.cat.from.SetSelected("school")
	h.Settle()
	if !strings.Contains(v.cat.line.Text, "makes 1 classes") {
		t.Errorf("school: line %q", v.cat.line.Text)
	}

	v.cat.from.SetSelected("date")
	h.Settle()
	h.WaitFor("the counts", func() bool { return v.scanned != nil })
	centuries := []string{"17th century", "19th century"}
	if !strings.Contains(v.cat.line.Text, "17th century 6, 19th century 6 pictures") {
		t.Errorf("date: line %q", v.cat.line.Text)
	}
	if !slices.Equal(v.scanned.Classes, centuries) || !strings.Contains(v.counts.Text, "19th century: 6 pictures") {
		t.Errorf("date: scanned %v, counts %q", v.scanned.Classes, v.counts.Text)
	}

	// A broken catalogue changes nothing.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("artist,date\n\"unclosed,1500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.csv")} {
		v.setCatalogue(p, true)
		h.Settle()
		if !strings.Contains(v.cat.line.Text, "not used") || v.cat.path != filepath.Join(dir, "catalogue.csv") || v.cat.from.Selected != "date" {
			t.Errorf("%s: line %q, catalogue %q, field %q", p, v.cat.line.Text, v.cat.path, v.cat.from.Selected)
		}
	}

	v.start()
	r := v.run
	if r == nil {
		t.Fatalf("no run: status %q", v.status.Text)
	}
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished || !slices.Equal(r.classes, centuries) {
		t.Errorf("run: finished %v, classes %v, status %q", r.finished, r.classes, v.status.Text)
	}
}
