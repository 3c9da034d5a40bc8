package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMap(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	names := []string{"a.png", "b.jpg", "c.png", "d.jpg", "e.png", "f.png", "g.jpg"}
	for i, name := range names {
		sub := filepath.Join(dir, []string{"painting", "sculpture"}[i%2])
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeTestImage(t, sub, name, 40+10*i, 50+3*i)
	}
	out := filepath.Join(t.TempDir(), "map.png")
	for _, layout := range []string{"umap", "tsne", "grid"} {
		code, stdout, stderr := runArtlens("map", "--layout", layout, "--json", "--out", out, dir)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", layout, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != len(names) {
			t.Fatalf("%s: %d lines, want one per picture: %q", layout, len(lines), stdout)
		}
		for _, l := range lines {
			var r mapResult
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("%s: %q: %v", layout, l, err)
			}
			if r.X < 0 || r.X > 1 || r.Y < 0 || r.Y > 1 || r.Cluster < 1 || r.ClusterName == "" ||
				!strings.Contains("drawings iconography painting sculpture", r.Class) || !strings.HasPrefix(r.File, dir) {
				t.Errorf("%s: line %q", layout, l)
			}
		}
		if size := decodePNG(t, out); size.X < 1200 || size.Y < 1200 {
			t.Errorf("%s: figure %v, want at least 1200 pixels square", layout, size)
		}
		// The second run reads the map kept with the collection: the same places.
		code, again, _ := runArtlens("map", "--layout", layout, "--json", "--out", out, dir)
		if code != 0 || again != stdout {
			t.Errorf("%s: second run: exit %d, %q, want %q", layout, code, again, stdout)
		}
	}
	code, stdout, _ := runArtlens("map", "--out", out, dir)
	if code != 0 || !strings.Contains(stdout, "cluster 1: ") || !strings.HasSuffix(stdout, "wrote "+out+"\n") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
}

func TestMapBadArguments(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	writeTestImage(t, dir, "a.png", 30, 30)
	out := filepath.Join(t.TempDir(), "map.png")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--layout", "pca", "--out", out, dir}, `unknown --layout "pca": use umap, tsne or grid`},
		{[]string{dir}, "--out FILE.png"},
		{[]string{"--out", "x.jpg", dir}, "should end in .png"},
		{[]string{"--clusters", "-1", "--out", out, dir}, "--clusters wants"},
		{[]string{"--out", out}, "give at least one folder"},
	} {
		code, _, stderr := runArtlens(append([]string{"map"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused command wrote the figure")
	}
}
