package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVisualize draws a filter and a class with the shipped model, checks
// the JSON and the files, and checks that the filter's picture peaks above
// every picture that `top --json` ranks for it.
func TestVisualize(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	pics := t.TempDir()
	for i, name := range []string{"a.png", "b.jpg", "c.png", "d.jpg"} {
		writeTestImage(t, pics, name, 40+10*i, 50)
	}
	code, stdout, stderr := runArtlens("top", "--layer", "2", "--filter", "3", "--k", "4", "--json", pics)
	if code != 0 {
		t.Fatalf("top --json: exit %d: %s", code, stderr)
	}
	var best float32
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for i, l := range lines {
		var r topResult
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Rank != i+1 || r.File == "" {
			t.Fatalf("top --json line %q: %v", l, err)
		}
		best = max(best, r.Peak)
	}
	if len(lines) != 4 {
		t.Fatalf("top --json: %d lines, want 4", len(lines))
	}

	out := filepath.Join(t.TempDir(), "pictures")
	code, stdout, stderr = runArtlens("visualize", "--layer", "2", "--filter", "3", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r visualizeResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.Peak == nil || r.Layer != 2 || r.Filter != 3 {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if *r.Peak < best {
		t.Errorf("the visualization peaks at %.3f, a picture of top at %.3f", *r.Peak, best)
	}
	if size := decodePNG(t, filepath.Join(out, "conv2_filter3.png")); size.X != 512 || size.Y != 512 {
		t.Errorf("picture %v, want 512x512 (the 128-pixel canvas enlarged 4 times)", size)
	}
	code, _, stderr = runArtlens("visualize", "--layer", "2", "--filter", "3", "--steps", "2", "--size", "96", "--scale", "1", "--out", out)
	if code != 0 {
		t.Fatalf("--size 96: exit %d: %s", code, stderr)
	}
	if size := decodePNG(t, filepath.Join(out, "conv2_filter3.png")); size.X != 96 || size.Y != 96 {
		t.Errorf("--size 96: picture %v", size)
	}

	code, stdout, stderr = runArtlens("visualize", "--class", "Painting", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r = visualizeResult{}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.Probability == nil || r.Class != "painting" {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if *r.Probability < 0.9 {
		t.Errorf("painting's picture: probability %.3f", *r.Probability)
	}
}

func TestVisualizeBadArguments(t *testing.T) {
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "either --layer"},
		{[]string{"--layer", "1", "--class", "painting", "--json"}, "either --layer"},
		{[]string{"--filter", "2", "--class", "painting", "--json"}, "--filter goes with --layer"},
		{[]string{"--layer", "1"}, "--out DIR"},
		{[]string{"--layer", "9", "--json"}, "conv layers are 1 to 5"},
		{[]string{"--layer", "1", "--filter", "33", "--json"}, "filters 1 to 32"},
		{[]string{"--class", "cubism", "--json"}, `no class "cubism"`},
		{[]string{"--class", "painting", "--json", "picture.png"}, "takes no files"},
		{[]string{"--class", "painting", "--size", "128", "--json"}, "--size is for a filter's mean"},
		{[]string{"--layer", "1", "--centre", "--size", "128", "--json"}, "--size is for a filter's mean"},
		{[]string{"--layer", "1", "--size", "32", "--json"}, "--size wants 64"},
		{[]string{"--layer", "1", "--size", "5000", "--json"}, "to 1024, not 5000"},
	} {
		if tc.want != "--out DIR" {
			tc.args = append([]string{"--out", out}, tc.args...)
		}
		code, stdout, stderr := runArtlens(append([]string{"visualize"}, tc.args...)...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, stdout, stderr, exitUsage, tc.want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("bad arguments wrote %d files", len(entries))
	}
}
