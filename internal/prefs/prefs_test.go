package prefs_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/killtest"
	"github.com/artlens/artlens/internal/prefs"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "artlens", "preferences.json")
	s, isNew, notice := prefs.Open(path)
	if !isNew || notice != "" {
		t.Fatalf("a missing file: new %v, notice %q", isNew, notice)
	}
	if err := s.SetString("dir", "/data/validation_set"); err != nil {
		t.Fatal(err)
	}
	// Another window sets another value meanwhile: both are kept.
	other, _, _ := prefs.Open(path)
	if err := other.SetString("theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetString("zoom", "1.5"); err != nil {
		t.Fatal(err)
	}
	again, isNew, notice := prefs.Open(path)
	if isNew || notice != "" {
		t.Fatalf("a whole file: new %v, notice %q", isNew, notice)
	}
	for k, want := range map[string]string{"dir": "/data/validation_set", "theme": "dark", "zoom": "1.5"} {
		if got := again.String(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if err := again.SetString("dir", ""); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := prefs.Open(path); s.String("dir") != "" {
		t.Error("a value set to \"\" is still there")
	}
}

// A damaged file is moved aside, whole, with one notice that says where;
// the store starts empty and writes a new file.
func TestDamagedFileMovedAside(t *testing.T) {
	for _, content := range []string{"", `{"dir": "/da`, "null", `["a"]`, `{"dir": 3}`, "\x00\x00\x00"} {
		dir := t.TempDir()
		path := filepath.Join(dir, "preferences.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, isNew, notice := prefs.Open(path)
		aside := path + ".damaged"
		if isNew || !strings.Contains(notice, "damaged") || !strings.Contains(notice, aside) {
			t.Errorf("%q: new %v, notice %q", content, isNew, notice)
		}
		if got, err := os.ReadFile(aside); err != nil || string(got) != content {
			t.Errorf("%q: the file moved aside holds %q (%v)", content, got, err)
		}
		if s.String("dir") != "" {
			t.Errorf("%q: a value from a damaged file", content)
		}
		if err := s.SetString("dir", "x"); err != nil {
			t.Fatal(err)
		}
		// Damaged again: the first copy is kept, the second goes beside it.
		os.WriteFile(path, nil, 0o600)
		if _, _, notice := prefs.Open(path); !strings.Contains(notice, path+".damaged-2") {
			t.Errorf("%q: second notice %q", content, notice)
		}
		if got, _ := os.ReadFile(aside); string(got) != content {
			t.Errorf("%q: the first damaged file was overwritten", content)
		}
	}
}

func TestUnreadableFileIsLeftAlone(t *testing.T) {
	path := t.TempDir() // a folder where the file should be: it cannot be read as one
	s, isNew, notice := prefs.Open(path)
	if isNew || !strings.Contains(notice, "could not be read") || s.Path() != "" {
		t.Fatalf("new %v, notice %q, path %q", isNew, notice, s.Path())
	}
	if err := s.SetString("k", "v"); err != nil || s.String("k") != "v" {
		t.Fatal("the store in memory does not keep values")
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Fatal("the unreadable path was touched")
	}
}

func TestCheckJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	if aside, err := prefs.CheckJSON(path); aside != "" || err != nil {
		t.Fatalf("a missing file: %q, %v", aside, err)
	}
	os.WriteFile(path, []byte(`{"fyne:fileDialogLastFolder": "/x", "n": 1.5}`), 0o600)
	if aside, err := prefs.CheckJSON(path); aside != "" || err != nil {
		t.Fatalf("a whole file: %q, %v", aside, err)
	}
	os.WriteFile(path, nil, 0o600)
	if aside, err := prefs.CheckJSON(path); aside != path+".damaged" || err != nil {
		t.Fatalf("an empty file: %q, %v", aside, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("the empty file is still in place")
	}
}

// TestSetStringKilled kills a process that keeps changing a preference: the
// file always holds one whole version (a large value, so that a kill lands
// in the middle of a write).
func TestSetStringKilled(t *testing.T) {
	value := func(i int) string { return strings.Repeat(string(rune('a'+i%26)), 1<<20) }
	killtest.Run(t, 10, 300*time.Millisecond,
		func(dir string) {
			os.RemoveAll(filepath.Join(dir, "preferences.json"))
			s, _, _ := prefs.Open(filepath.Join(dir, "preferences.json"))
			if err := s.SetString("k", "old"); err != nil {
				t.Fatal(err)
			}
		},
		func(dir string, i int) {
			s, _, _ := prefs.Open(filepath.Join(dir, "preferences.json"))
			if err := s.SetString("k", value(i)); err != nil {
				panic(err)
			}
		},
		func(dir string) {
			data, err := os.ReadFile(filepath.Join(dir, "preferences.json"))
			if err != nil {
				t.Fatal(err)
			}
			var vals map[string]string
			if err := json.Unmarshal(data, &vals); err != nil {
				t.Fatalf("after a kill the preferences file (%d bytes) does not decode: %v", len(data), err)
			}
			if v := vals["k"]; v != "old" && v != value(int(v[0]-'a')) {
				t.Fatalf("after a kill the value is damaged")
			}
		})
}
