package classset

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pngBytes is a small PNG of one colour.
func pngBytes(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	img.Set(0, 0, color.NRGBA{1, 2, 3, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// names lists the class names and counts as "name:n".
func names(t *testing.T, s *Set) []string {
	t.Helper()
	cs, err := s.Classes()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+":"+string(rune('0'+c.Pictures)))
	}
	return out
}

func TestClassesMadeByHand(t *testing.T) {
	root := t.TempDir()
	s, err := Create(filepath.Join(root, "lab", "periods"))
	if err != nil {
		t.Fatal(err)
	}
	if !IsSet(s.Dir) {
		t.Fatal("the new set is not marked")
	}
	for _, c := range []string{"baroque", "Gothic"} {
		if err := s.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	// Bad names: each refused with why, nothing made.
	for _, tc := range []struct{ name, want string }{
		{"", "needs a name"},
		{"  ", "needs a name"},
		{" x", "starts or ends with a space"},
		{"a/b", "holds a / or \\"},
		{`a\b`, "holds a / or \\"},
		{"what?", "Windows refuses"},
		{".hidden", "starts with a dot"},
		{"..", "starts with a dot"},
		{"etc.", "ends with a dot"},
		{"Baroque", "there is a class baroque already"},
		{strings.Repeat("x", 101), "keep it under 100"},
	} {
		if err := s.Add(tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Add(%q): %v, want %q", tc.name, err, tc.want)
		}
	}
	if got := names(t, s); !slices.Equal(got, []string{"Gothic:0", "baroque:0"}) {
		t.Fatalf("classes %v", got)
	}

	// Pictures from elsewhere: a file, a folder with a subfolder, a
	// hidden file and a file that is not a picture.
	src := filepath.Join(root, "mine")
	write(t, filepath.Join(src, "a.png"), pngBytes(t, 10))
	write(t, filepath.Join(src, "more", "b.png"), pngBytes(t, 20))
	write(t, filepath.Join(src, "more", "deeper", "a.png"), pngBytes(t, 30)) // a.png again, another picture
	write(t, filepath.Join(src, "more", ".thumb.png"), pngBytes(t, 40))
	write(t, filepath.Join(src, "more", "notes.jpg"), []byte("<html>not a picture</html>"))
	a, err := s.AddPictures("baroque", []string{filepath.Join(src, "a.png"), filepath.Join(src, "more")})
	if err != nil {
		t.Fatal(err)
	}
	if a.Copied != 3 || a.Renamed != 1 || a.Already != 0 || len(a.NotPictures) != 1 || len(a.Failed) != 0 {
		t.Errorf("added %+v", a)
	}
	for name, shade := range map[string]uint8{"a.png": 10, "b.png": 20, "a 2.png": 30} {
		got, err := os.ReadFile(filepath.Join(s.Dir, "baroque", name))
		if err != nil || !bytes.Equal(got, pngBytes(t, shade)) {
			t.Errorf("%s: %v, not the picture copied", name, err)
		}
	}
	// Again: the same pictures are there already; the originals stay.
	a, _ = s.AddPictures("baroque", []string{filepath.Join(src, "a.png"), filepath.Join(s.Dir, "baroque", "b.png")})
	if a.Copied != 0 || a.Already != 2 {
		t.Errorf("added again %+v", a)
	}
	if got := names(t, s); !slices.Equal(got, []string{"Gothic:0", "baroque:3"}) {
		t.Errorf("classes %v", got)
	}

	// Rename, and a case-only rename; a name taken is refused.
	if err := s.Rename("Gothic", "baroque"); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("rename onto a class: %v", err)
	}
	if err := s.Rename("baroque", "Baroque"); err != nil {
		t.Errorf("case-only rename: %v", err)
	}
	if err := s.Rename("Gothic", "gothic"); err != nil {
		t.Fatal(err)
	}
	if got := names(t, s); !slices.Equal(got, []string{"Baroque:3", "gothic:0"}) {
		t.Errorf("classes after renames %v", got)
	}

	// Remove deletes the copies only.
	if err := s.Remove("Baroque"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a.png", "more/b.png", "more/deeper/a.png", "more/notes.jpg"} {
		if _, err := os.Stat(filepath.Join(src, p)); err != nil {
			t.Errorf("the original %s is gone: %v", p, err)
		}
	}
	if got := names(t, s); !slices.Equal(got, []string{"gothic:0"}) {
		t.Errorf("classes after the removal %v", got)
	}

	// A class folder that vanishes (deleted outside ArtLens) says so.
	os.Remove(filepath.Join(s.Dir, "gothic"))
	if _, err := s.AddPictures("gothic", []string{filepath.Join(src, "a.png")}); err == nil || !strings.Contains(err.Error(), "gothic is gone") {
		t.Errorf("adding to a vanished class: %v", err)
	}
	if err := s.Remove("gothic"); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("removing a vanished class: %v", err)
	}
	if err := s.Rename("gothic", "x"); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("renaming a vanished class: %v", err)
	}
	if err := s.Remove(".."); err == nil {
		t.Error("Remove(..) did not refuse")
	}
}

// A folder that is not empty and not a set is not made one, and a folder
// made by hand is never edited by Remove.
func TestCreateAndRemoveRefuse(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "own", "x.png"), pngBytes(t, 1))
	if _, err := Create(dir); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("Create on a full folder: %v", err)
	}
	s := &Set{Dir: dir}
	if err := s.Remove("own"); err == nil || !strings.Contains(err.Error(), "was not made by ArtLens") {
		t.Errorf("Remove in a hand-made folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "own", "x.png")); err != nil {
		t.Error("the user's picture is gone")
	}
	s2, err := Create(filepath.Join(dir, "new"))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Create(s2.Dir); err != nil || again.Dir != s2.Dir {
		t.Errorf("reopening a set: %v", err)
	}
	if _, err := (&Set{Dir: filepath.Join(dir, "nowhere")}).Classes(); err == nil || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("a set that vanished: %v", err)
	}
}

func TestSuggestDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if got := SuggestDir(); got != filepath.Join(home, DefaultName) {
		t.Errorf("no Pictures folder: %s", got)
	}
	os.Mkdir(filepath.Join(home, "Documents"), 0o755)
	os.Mkdir(filepath.Join(home, "Pictures"), 0o755)
	os.Mkdir(filepath.Join(home, "Pictures", DefaultName), 0o755)
	if got := SuggestDir(); got != filepath.Join(home, "Pictures", DefaultName+" 2") {
		t.Errorf("with Pictures: %s", got)
	}
}
