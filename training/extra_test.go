package training

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/dataset"
)

// writePicture writes a w×h PNG whose colours depend on seed, so that
// different seeds give different pictures (different content hashes).
func writePicture(t *testing.T, dir, name string, w, h, seed int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x*255/w + seed*37), G: uint8(y*255/h + seed*11), B: uint8(seed * 53), A: 255})
		}
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestAddExtra adds a tiny supplementary folder to a tiny Art Images
// download: its pictures reach the training split only, a copy of a test
// picture is left out, the validation and test splits stay as they were,
// the data set's fingerprint stays its own, and a folder with a class the data does not
// have is refused.
func TestAddExtra(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "art")
	seed := 0
	for _, class := range []string{"painting", "sculpture"} {
		for i := range 10 {
			seed++
			writePicture(t, filepath.Join(root, dataset.TrainFolder, class), class+string(rune('a'+i))+".png", 20, 20, seed)
		}
		for i := range 3 {
			seed++
			writePicture(t, filepath.Join(root, dataset.TestFolder, class), class+string(rune('a'+i))+".png", 20, 20, seed)
		}
	}
	extra := filepath.Join(dir, "extra")
	for i := range 4 {
		seed++
		writePicture(t, filepath.Join(extra, "painting"), "p"+string(rune('a'+i))+".png", 30, 24, seed)
	}
	seed++
	writePicture(t, filepath.Join(extra, "sculpture"), "s.png", 24, 30, seed)
	// A copy of a test picture, under another name and class.
	test, _ := os.ReadFile(filepath.Join(root, dataset.TestFolder, "painting", "paintinga.png"))
	os.WriteFile(filepath.Join(extra, "sculpture", "copy.png"), test, 0o644)
	os.WriteFile(filepath.Join(extra, "painting", "notes.txt"), []byte("not a picture"), 0o644)

	load := func() *dataset.Data {
		d, err := dataset.Load(dataset.Config{Root: root, Classes: []string{"painting", "sculpture"},
			ClassMap: map[string]string{}, Size: 16, CacheDir: "-"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	data := load()
	before := *data
	rep, err := AddExtra(data, extra, "-", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"added", rep.Added, 5},
		{"painting", rep.Counts["painting"], 4},
		{"sculpture", rep.Counts["sculpture"], 1},
		{"dropped", rep.Dropped, 1},
		{"skipped", rep.Skipped, 1},
		{"training split", data.Train.Len(), before.Train.Len() + 5},
		{"training values", len(data.Train.X), (before.Train.Len() + 5) * 3 * 16 * 16},
		{"validation split", data.Val.Len(), before.Val.Len()},
		{"test split", data.Test.Len(), 6},
		{"painting in the report", data.Report.Counts["painting"][0], before.Train.Len()/2 + 4},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	if data.Fingerprint != before.Fingerprint || len(rep.Fingerprint) != 64 {
		t.Errorf("fingerprints: data %s (was %s), extra %q", data.Fingerprint, before.Fingerprint, rep.Fingerprint)
	}
	n := data.Train.Len()
	if p := data.Train.Paths[n-1]; !strings.HasPrefix(p, "extra:") {
		t.Errorf("last training path %q does not say it is extra", p)
	}
	if got, want := rep.Describe(data.Classes), "painting 4, sculpture 1"; !strings.Contains(got, want) {
		t.Errorf("report %q, want it to contain %q", got, want)
	}

	// The original data, loaded again, is untouched by the append.
	if again := load(); again.Train.Len() != before.Train.Len() {
		t.Errorf("reloaded training split %d, want %d", again.Train.Len(), before.Train.Len())
	}

	for _, bad := range []struct{ name, want string }{
		{"drawings", `class folder "drawings"`},
		{"", "class folders"},
	} {
		d := filepath.Join(dir, "bad"+bad.name)
		if bad.name != "" {
			writePicture(t, filepath.Join(d, bad.name), "x.png", 20, 20, 99)
		} else {
			os.MkdirAll(d, 0o755)
		}
		if _, err := AddExtra(load(), d, "-", nil); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("folder %q: error %v, want %q", bad.name, err, bad.want)
		}
	}
}
