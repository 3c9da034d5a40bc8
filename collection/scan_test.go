package collection

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestScanFollowsLinks: a folder given as a symbolic link, and class
// folders that are links, are read as ImageFolder reads them (issue 29:
// they were skipped as "not an image file"); the labels come from the
// links' names.
func TestScanFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	writePNG(t, filepath.Join(store, "icons", "a.png"), 8, 8, uniform(1))
	writePNG(t, filepath.Join(store, "paintings", "b.png"), 8, 8, uniform(2))
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		filepath.Join(real, "iconography"): filepath.Join(store, "icons"),
		filepath.Join(real, "painting"):    filepath.Join(store, "paintings"),
		filepath.Join(real, "loop"):        real,
		filepath.Join(dir, "collection"):   real,
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	files, skipped, err := Scan([]string{filepath.Join(dir, "collection")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Folder+" "+f.Labels[0])
	}
	if want := []string{"iconography iconography", "painting painting"}; !slices.Equal(got, want) {
		t.Errorf("files %q, want %q (skipped %q)", got, want, skipped)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped %q", skipped)
	}
}
