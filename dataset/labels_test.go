package dataset

import (
	"fmt"
	"testing"
)

// TestLoadLabels: classes given per file (a catalogue's field) instead of
// by class folders: the folders' names do not matter, a file the labels do
// not name is left out.
func TestLoadLabels(t *testing.T) {
	tr := tree{root: t.TempDir(), files: make(map[string][]byte)}
	labels := map[string]string{}
	n := 0
	for _, folder := range []string{"unsorted", "more"} {
		for i := range 10 {
			n++
			rel := fmt.Sprintf("%s/%02d.png", folder, i)
			tr.write(t, rel, imageBytes(t, n, false))
			if i < 8 {
				labels[rel] = []string{"16th century", "17th century"}[i%2]
			}
		}
	}
	d := load(t, Config{Root: tr.root, Classes: []string{"16th century", "17th century"}, Labels: labels, Size: testSize, ValFraction: 0.25, Seed: 7, CacheDir: "-"})
	if got := d.Train.Len() + d.Val.Len(); got != 16 {
		t.Fatalf("%d images, want the 16 labelled", got)
	}
	counts := [2]int{}
	for _, y := range append(append([]int{}, d.Train.Y...), d.Val.Y...) {
		counts[y]++
	}
	if counts != [2]int{8, 8} {
		t.Errorf("classes %v, want 8 and 8", counts)
	}
	// A label that is not a class leaves the file out.
	labels["more/09.png"] = "Baroque"
	d = load(t, Config{Root: tr.root, Classes: []string{"16th century", "17th century"}, Labels: labels, Size: testSize, ValFraction: 0.25, Seed: 7, CacheDir: "-"})
	if got := d.Train.Len() + d.Val.Len(); got != 16 {
		t.Errorf("%d images with an unknown label, want 16", got)
	}
}
