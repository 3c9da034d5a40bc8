package host

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestPictureServices checks that the picture shown, the pictures opened
// and the second opinion reach their subscribers, and Showing asks the
// shell.
func TestPictureServices(t *testing.T) {
	h := newTestHost(t)
	var shown []*Picture
	lists, seconds := 0, 0
	h.OnPicture(func(p *Picture) { shown = append(shown, p) })
	h.OnPictures(func() { lists++ })
	h.OnSecond(func() { seconds++ })
	a, b := &Picture{Name: "a"}, &Picture{Name: "b"}
	h.SetPictures([]*Picture{a, b})
	h.SetPicture(b)
	m := &engine.Model{}
	h.SetSecond(m, "other")
	if len(shown) != 1 || shown[0] != b || h.Picture() != b || lists != 1 || len(h.Pictures()) != 2 {
		t.Errorf("shown %v, %d list changes, %d pictures", shown, lists, len(h.Pictures()))
	}
	if seconds != 1 || h.Second() != m || h.SecondName() != "other" {
		t.Errorf("second opinion %v %q after %d calls", h.Second(), h.SecondName(), seconds)
	}
	if h.Showing("explain") {
		t.Error("a view is showing before the shell says how to tell")
	}
	h.SetShowing(func(name string) bool { return name == "explain" })
	if !h.Showing("explain") || h.Showing("compare") {
		t.Error("Showing does not ask the shell")
	}
}

// TestReadAgain reads a picture again, and says when its file changed or
// is gone.
func TestReadAgain(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.png")
	write := func(w, h int) {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		img.SetNRGBA(0, 0, color.NRGBA{R: 200, A: 255})
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	write(20, 10)
	p, err := LoadPicture(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "a.png" || p.Size != image.Pt(20, 10) || p.Preview == nil || p.Answer(nil) != nil {
		t.Fatalf("loaded %+v", p)
	}
	if _, err := LoadPreview(p); err != nil {
		t.Errorf("read again: %v", err)
	}
	write(30, 10)
	if _, err := ReadAgain(p); !errors.Is(err, ErrChanged) {
		t.Errorf("a replaced file: %v, want ErrChanged", err)
	}
	os.Remove(path)
	if _, _, err := InputFor(p, engine.StudyArch().Input); err == nil || errors.Is(err, ErrChanged) {
		t.Errorf("a file gone: %v", err)
	}
}
