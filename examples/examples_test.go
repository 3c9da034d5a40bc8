package examples

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourcesRecorded: docs/pictures/README.md names every example's file
// and title, so that none ships without its source.
func TestSourcesRecorded(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "pictures", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range All {
		if !strings.Contains(string(doc), "`"+e.File+"`") || !strings.Contains(string(doc), e.Title) {
			t.Errorf("docs/pictures/README.md does not record %s (%s)", e.File, e.Title)
		}
	}
}

// TestExamplesDecodeSmall checks every example decodes, is at most 512
// pixels on its longer side, and that every embedded file is listed.
func TestExamplesDecodeSmall(t *testing.T) {
	listed := map[string]bool{}
	total := 0
	for _, e := range All {
		listed[e.File] = true
		data, err := e.Bytes()
		if err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		total += len(data)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		if max(cfg.Width, cfg.Height) > 512 {
			t.Errorf("%s is %dx%d, larger than 512 px", e.File, cfg.Width, cfg.Height)
		}
		if e.Title == "" || e.Artist == "" || e.Date == "" {
			t.Errorf("%s lacks its title, artist or date", e.File)
		}
	}
	if len(All) < 5 || len(All) > 8 {
		t.Errorf("%d examples, want 5 to 8", len(All))
	}
	if total > 600<<10 {
		t.Errorf("the examples take %d bytes, more than 600 KB", total)
	}
	files, _ := pictures.ReadDir("pictures")
	for _, f := range files {
		if !listed[f.Name()] {
			t.Errorf("pictures/%s is embedded but not in All", f.Name())
		}
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "examples")
	paths, err := Write(dir, All[:2])
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("got %d paths, want 2", len(paths))
	}
	for i, p := range paths {
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := All[i].Bytes()
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the embedded file", p)
		}
	}
	// A second time keeps the files (same size) and gives the same paths.
	again, err := Write(dir, All[:2])
	if err != nil || again[0] != paths[0] {
		t.Errorf("second Write: %v, %v", again, err)
	}
	// A file in the way of the folder is a clear error, not a panic.
	blocked := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocked, nil, 0o644)
	if _, err := Write(blocked, All[:1]); err == nil {
		t.Error("Write into a file: no error")
	}
}
