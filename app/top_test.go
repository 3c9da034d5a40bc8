package app

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestTop(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	for i, name := range []string{"a.png", "b.jpg", "c.png", "d.jpg", "e.png"} {
		sub := filepath.Join(dir, []string{"painting", "sculpture"}[i%2])
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeTestImage(t, sub, name, 40+10*i, 50)
	}
	out := filepath.Join(t.TempDir(), "top.png")
	code, stdout, stderr := runArtlens("top", "--layer", "2", "--filter", "3", "--k", "4", "--out", out, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := regexp.MustCompile(`(?m)^(\d)\. .*: peak (\S+) at input pixels \((\d+),(\d+)\)-\((\d+),(\d+)\)$`).FindAllStringSubmatch(stdout, -1)
	if len(lines) != 4 {
		t.Fatalf("stdout %q: want 4 ranked pictures", stdout)
	}
	prev := 1e9
	for _, l := range lines {
		v, _ := strconv.ParseFloat(l[2], 64)
		if v > prev {
			t.Errorf("peaks not in decreasing order: %q", stdout)
		}
		prev = v
		x0, _ := strconv.Atoi(l[3])
		x1, _ := strconv.Atoi(l[5])
		if x1-x0 != 8 && x0 != 0 && x1 != 64 { // conv2 sees 8 pixels
			t.Errorf("region %s-%s is not conv2's 8-pixel field", l[3], l[5])
		}
	}
	if size := decodePNG(t, out); size.X < 2*256 || size.X > 3*256 || size.Y < 2*256 {
		t.Errorf("figure %v, want a 2x2 grid of 256-pixel tiles", size)
	}
	// The second run comes from the cache and gives the same ranking.
	code, again, _ := runArtlens("top", "--layer", "2", "--filter", "3", "--k", "4", "--out", out, dir)
	if code != 0 || again != stdout {
		t.Errorf("second run: exit %d, %q, want %q", code, again, stdout)
	}
}

func TestTopBadArguments(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	writeTestImage(t, dir, "a.png", 30, 30)
	out := filepath.Join(t.TempDir(), "top.png")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--layer", "6", "--filter", "1", "--out", out, dir}, "layer 6 does not exist: the model has conv layers 1 to 5"},
		{[]string{"--layer", "1", "--filter", "33", "--out", out, dir}, "filter 33 does not exist: conv layer 1 has filters 1 to 32"},
		{[]string{"--layer", "1", "--filter", "1", dir}, "--out FILE.png"},
		{[]string{"--layer", "1", "--filter", "1", "--out", "x.jpg", dir}, "should end in .png"},
		{[]string{"--layer", "1", "--out", out, dir}, "--layer N --filter F"},
		{[]string{"--layer", "1", "--filter", "1", "--out", out}, "give at least one folder"},
	} {
		code, _, stderr := runArtlens(append([]string{"top"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused command wrote the figure")
	}
}

func TestPredictCSV(t *testing.T) {
	dir := t.TempDir()
	writeTestImage(t, dir, "a.png", 30, 40)
	writeTestImage(t, dir, "b.jpg", 50, 40)
	bad := filepath.Join(dir, "c.png")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\ncut"), 0o644)
	code, stdout, _ := runArtlens("predict", "--csv", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1 for the damaged file", code)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != "file,class,probability,second,second_probability,p_drawings,p_iconography,p_painting,p_sculpture,error" {
		t.Fatalf("rows %q", rows)
	}
	for _, r := range rows[1:3] {
		p, _ := strconv.ParseFloat(r[2], 64)
		q, _ := strconv.ParseFloat(r[4], 64)
		sum := 0.0
		for _, v := range r[5:9] {
			f, _ := strconv.ParseFloat(v, 64)
			sum += f
			if f > p {
				t.Errorf("%s: class probability %s above the predicted %s", r[0], v, r[2])
			}
		}
		if r[1] == r[3] || q > p || sum < 0.999 || sum > 1.001 || r[9] != "" {
			t.Errorf("row %q", r)
		}
	}
	if r := rows[3]; r[0] != bad || r[1] != "" || r[9] == "" {
		t.Errorf("damaged file row %q", r)
	}
}
