package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/catalogue"
)

// catalogueFolder writes a small collection of class folders and a
// catalogue.csv beside its pictures: "school" follows the folders, "date"
// is a date per picture, "noise" alternates.
func catalogueFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("file,school,date,noise\n")
	for i := range 12 {
		class := []string{"painting", "sculpture"}[i%2]
		sub := filepath.Join(dir, class)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("p%02d.png", i)
		writeTestImage(t, sub, name, 30+5*i, 40)
		fmt.Fprintf(&b, "%s/%s,school of %s,%d,%s\n", class, name, class, 1500+50*(i%4), []string{"x", "y", "z"}[i%3])
	}
	b.WriteString("painting/gone.png,school of painting,1600,x\n")
	if err := os.WriteFile(filepath.Join(dir, "catalogue.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDissectCommand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := catalogueFolder(t)
	// The catalogue is found by itself; --fdr 1 prints every value seen in a top.
	code, stdout, stderr := runArtlens("dissect", "--layer", "2", "--top", "4", "--fdr", "1", "--json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1 rows name no picture") || !strings.Contains(stderr, "among") {
		t.Errorf("stderr %q", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 2 {
		t.Fatalf("stdout %q", stdout)
	}
	for _, l := range lines {
		var a catalogue.Over
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if a.Layer != "conv2" || a.Filter < 1 || a.Top != 4 || a.CollectionSize != 12 || a.P <= 0 || a.P > 1 || a.Q < a.P {
			t.Errorf("association %q", l)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--layer", "9", dir}, "layer 9 does not exist"},
		{[]string{"--fdr", "0", dir}, "--fdr wants"},
		{[]string{"--top", "0", dir}, "--top wants"},
		{[]string{"--catalogue", filepath.Join(dir, "none.csv"), dir}, "cannot read the catalogue"},
	} {
		code, _, stderr := runArtlens(append([]string{"dissect"}, tc.args...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestEvalByAndFields(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := catalogueFolder(t)
	code, stdout, stderr := runArtlens("eval", "--data", dir, "--catalogue", filepath.Join(dir, "catalogue.csv"), "--by", "date", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res evalByResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%q: %v", stdout, err)
	}
	// 1500 and 1550 are the 15th and 16th centuries' (1500 is the 15th's
	// last year); 1600 the 16th's, 1650 the 17th's.
	total := 0
	for v, a := range res.By {
		total += a.Count
		if !strings.HasSuffix(v, "century") || a.Interval[0] > a.Accuracy || a.Interval[1] < a.Accuracy {
			t.Errorf("%s: %+v", v, a)
		}
	}
	if res.Count != 12 || total != 12 || len(res.By) != 3 || len(res.Worst) != 3 {
		t.Errorf("result %+v", res)
	}
	code, _, stderr = runArtlens("eval", "--data", dir, "--catalogue", filepath.Join(dir, "catalogue.csv"), "--by", "artist")
	if code != 2 || !strings.Contains(stderr, `no field "artist"`) {
		t.Errorf("unknown field: exit %d, %q", code, stderr)
	}
	code, stdout, stderr = runArtlens("analyse", "--json", dir)
	if code != 0 || strings.Count(stdout, `"fields":{"date":`) != 12 {
		t.Errorf("analyse --json: exit %d, %s %s", code, stdout, stderr)
	}
}
