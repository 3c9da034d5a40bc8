package ui

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// A damaged preferences file (empty, as an interrupted write leaves it) is
// moved aside and the window says so once, in a dialog; the folder chosen
// next is remembered in a new, whole file.
func TestDamagedPreferencesSaid(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "preferences.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Model: storedModel(t, nil), View: "confusion", Preferences: path})
	d := h.topDialog()
	if d == nil || !hasText(d, "The preferences file was damaged; it was moved to "+path+".damaged") {
		t.Fatalf("dialog at start: %v", d)
	}
	if _, err := os.Stat(path + ".damaged"); err != nil {
		t.Fatalf("the damaged file was not moved aside: %v", err)
	}
	h.w.Canvas().Overlays().Remove(d)
	_, valset := testSetFolder(t)
	h.s.confusion.UseFolder(valset)
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "validation_set") {
		t.Fatalf("the chosen folder was not remembered: %q, %v", data, err)
	}

	// The next start finds it, and says nothing.
	h2 := newHarness(t, Options{Model: storedModel(t, nil), View: "confusion", Preferences: path})
	if d := h2.topDialog(); d != nil {
		t.Errorf("a dialog at a start with whole preferences: %q", texts(d))
	}
	if got := h2.s.Prefs.String(prefDataDir); got != valset {
		t.Errorf("remembered folder %q", got)
	}
}

// The data set's folder remembered in Fyne's preferences by earlier
// versions moves to ArtLens's own file at the first start.
func TestPreferencesMigratedFromFyne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "artlens", "preferences.json")
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefDataDir, "/data/validation_set")
	w := test.NewTempWindow(t, nil)
	s := newShell(a, w, Options{Model: testModel(t), Preferences: path}, (&queue{}).post)
	if got := s.Prefs.String(prefDataDir); got != "/data/validation_set" {
		t.Errorf("migrated folder %q", got)
	}
	if a.Preferences().String(prefDataDir) != "" {
		t.Error("the folder is still in Fyne's preferences")
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "/data/validation_set") {
		t.Errorf("ArtLens's preferences file holds %q (%v)", data, err)
	}
}

// Fyne's report of a failed reload of its own preferences is dropped; the
// rest of the log passes.
func TestFyneLogFilter(t *testing.T) {
	var out strings.Builder
	l := log.New(&fyneLogFilter{w: &out}, "", 0)
	l.Println("Fyne error: ", "Preferences load error:")
	l.Println("  Cause:", io.EOF)
	l.Printf("  At: %s:%d", "/x/app/preferences.go", 103)
	l.Println("Fyne error: ", "window creation error")
	l.Println("  Cause:", "no GLX")
	if got, want := out.String(), "Fyne error:  window creation error\n  Cause: no GLX\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}
