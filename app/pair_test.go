package app

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/internal/brightmodel"
)

// brightPair writes two hand-set models (internal/brightmodel): "half"
// calls a picture bright when its red is above 0.5, "low" above 0.4.
func brightPair(t *testing.T) (half, low string) {
	t.Helper()
	dir := t.TempDir()
	for _, m := range []struct {
		file string
		bias float32
	}{{"half.safetensors", -80}, {"low.safetensors", -64}} {
		bm, err := brightmodel.New()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range bm.Params() {
			if p.Name == "dense3.bias" {
				p.Data[1] = m.bias
			}
		}
		if err := bm.SaveFile(filepath.Join(dir, m.file)); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "half.safetensors"), filepath.Join(dir, "low.safetensors")
}

// writeRed writes a uniform picture of the given red (0-255) as PNG; its
// width makes pictures of one red differ (the data set drops copies).
func writeRed(t *testing.T, dir, name string, red uint8, w int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, 20))
	for y := range 20 {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: red, A: 255})
		}
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// TestPredictTwoModels prints both answers per picture and marks the one
// whose red lies between the two thresholds, in text, JSON and CSV.
func TestPredictTwoModels(t *testing.T) {
	half, low := brightPair(t)
	dir := t.TempDir()
	dark := writeRed(t, dir, "dark.png", 25, 20)
	between := writeRed(t, dir, "between.png", 115, 20) // 0.45

	code, stdout, stderr := runArtlens("predict", "--model", half, "--model", low, dark, between)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], dark+": half.safetensors: dark (") || !strings.HasSuffix(lines[0], "agree") ||
		!strings.Contains(lines[1], "half.safetensors: dark (") || !strings.Contains(lines[1], "low.safetensors: bright (") ||
		!strings.HasSuffix(lines[1], "DISAGREE") || lines[2] != "The models disagree on 1 of 2 pictures." {
		t.Errorf("text:\n%s", stdout)
	}

	_, stdout, _ = runArtlens("predict", "--json", "--model", half, "--model", low, dark, between)
	var got []pairResult
	dec := json.NewDecoder(strings.NewReader(stdout))
	for dec.More() {
		var r pairResult
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 2 || got[0].Disagree || !got[1].Disagree || got[1].Answers[0].Class != "dark" || got[1].Answers[1].Class != "bright" ||
		got[1].Answers[1].Model != "low.safetensors" || len(got[1].Answers[0].Probabilities) != 2 {
		t.Errorf("JSON %+v", got)
	}

	_, stdout, _ = runArtlens("predict", "--csv", "--model", half, "--model", low, dark, between, filepath.Join(dir, "missing.png"))
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(pairCSVHeader, ",") ||
		strings.Join(rows[2][:8], ",") != between+",half.safetensors,dark,"+rows[2][3]+",low.safetensors,bright,"+rows[2][6]+",true" ||
		rows[1][7] != "false" || rows[3][8] == "" || rows[3][2] != "" {
		t.Errorf("CSV %q", rows)
	}

	// A third model, and two of one name.
	if code, _, stderr := runArtlens("predict", "--model", half, "--model", low, "--model", half, dark); code != 2 || !strings.Contains(stderr, "at most two models") {
		t.Errorf("three models: exit %d, %q", code, stderr)
	}
	_, stdout, _ = runArtlens("predict", "--model", half, "--model", half, dark)
	if !strings.Contains(stdout, "half.safetensors (1): dark") || !strings.Contains(stdout, "half.safetensors (2): dark") {
		t.Errorf("one model twice: %q", stdout)
	}
}

// TestEvalTwoModels evaluates the two thresholds on a labelled folder
// whose counts are known: both right on 2 pictures, only "half" on 3,
// only "low" on 1, neither on 1; McNemar's exact p is 2·(1+4)/16.
func TestEvalTwoModels(t *testing.T) {
	half, low := brightPair(t)
	root := t.TempDir()
	w := 20
	add := func(class string, red uint8, n int) {
		dir := filepath.Join(root, class)
		os.MkdirAll(dir, 0o755)
		for range n {
			w++
			writeRed(t, dir, fmt.Sprintf("%d.png", w), red, w)
		}
	}
	add("dark", 25, 1)    // both right
	add("dark", 115, 3)   // 0.45: only half right
	add("bright", 230, 1) // both right
	add("bright", 115, 1) // only low right
	add("bright", 50, 1)  // both wrong
	code, stdout, stderr := runArtlens("eval", "--cache", "-", "--data", root, "--model", half, "--model", low)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"Test pictures: 7\n", "half.safetensors: 71.43% right (5 of 7)\n", "low.safetensors: 42.86% right (3 of 7)\n",
		"Both right: 2   only half.safetensors: 3   only low.safetensors: 1   both wrong: 1\n",
		"exactly one gets right: exact binomial p = 0.625; chi-square with continuity correction 0.250, p = 0.6171\n",
		"is not significant at the 5% level", "== low.safetensors ==\nTest accuracy: 42.86% (3 of 7 images right)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	_, stdout, _ = runArtlens("eval", "--json", "--cache", "-", "--data", root, "--model", half, "--model", low)
	var e pairEvaluation
	if err := json.Unmarshal([]byte(stdout), &e); err != nil {
		t.Fatal(err)
	}
	if e.Total != 7 || len(e.Models) != 2 || e.Models[1].Model != "low.safetensors" || e.McNemar.OnlyFirst != 3 || e.McNemar.OnlySecond != 1 || math.Abs(e.McNemar.ExactP-0.625) > 1e-12 {
		t.Errorf("JSON %+v", e)
	}
	if code, _, stderr := runArtlens("eval", "--save", "--data", root, "--model", half, "--model", low); code != 2 || !strings.Contains(stderr, "give one model") {
		t.Errorf("--save with two: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runArtlens("eval", "--data", root, "--model", half, "--model", "study"); code != 1 || !strings.Contains(stderr, "other classes") {
		t.Errorf("other classes: exit %d, %q", code, stderr)
	}
}

// TestAnalyseTwoModels analyses a labelled folder with two models: the
// CSV and JSON mark the picture whose red lies between the two
// thresholds, and the second model's answers are kept in their own cache.
func TestAnalyseTwoModels(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	half, low := brightPair(t)
	root := t.TempDir()
	for _, d := range []string{"dark", "bright"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	writeRed(t, filepath.Join(root, "dark"), "night.png", 25, 20)
	between := writeRed(t, filepath.Join(root, "dark"), "between.png", 115, 21) // 0.45
	writeRed(t, filepath.Join(root, "bright"), "day.png", 230, 22)

	code, stdout, stderr := runArtlens("analyse", "--csv", "--model", half, "--model", low, root)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], ",")
	if len(rows) != 4 || !strings.HasSuffix(head, ",p_dark,p_bright,model,other_model,other_predicted,other_probability,other_right,disagree") {
		t.Fatalf("CSV %q", rows)
	}
	for _, r := range rows[1:] {
		n := len(r)
		want := []string{"half.safetensors", "low.safetensors", r[2], r[n-3], r[7], "false"}
		if r[0] == between {
			want = []string{"half.safetensors", "low.safetensors", "bright", r[n-3], "false", "true"}
			if r[2] != "dark" || r[7] != "true" {
				t.Errorf("%s: first model %s, right %s", r[0], r[2], r[7])
			}
		}
		if got := []string{r[n-6], r[n-5], r[n-4], r[n-3], r[n-2], r[n-1]}; strings.Join(got, ",") != strings.Join(want, ",") || r[n-3] == "" {
			t.Errorf("%s: %v, want %v", r[0], got, want)
		}
	}

	code, stdout, _ = runArtlens("analyse", "--model", half, "--model", low, root)
	if code != 0 || !strings.Contains(stdout, "analysed 3 pictures, 3 of them from the cache\nhalf.safetensors and low.safetensors disagree on 1 of them\n") {
		t.Errorf("exit %d, text %q", code, stdout)
	}
	_, stdout, _ = runArtlens("analyse", "--json", "--no-cache", "--model", half, "--model", low, root)
	dec := json.NewDecoder(strings.NewReader(stdout))
	disagree := 0
	for dec.More() {
		var r struct {
			Path       string `json:"path"`
			OtherModel string `json:"other_model"`
			Disagree   *bool  `json:"disagree"`
		}
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		if r.Disagree == nil || r.OtherModel != "low.safetensors" {
			t.Errorf("JSON %+v", r)
		} else if *r.Disagree {
			disagree++
			if r.Path != between {
				t.Errorf("%s disagrees", r.Path)
			}
		}
	}
	if disagree != 1 {
		t.Errorf("%d disagreements in JSON", disagree)
	}
	if code, _, stderr := runArtlens("analyse", "--model", half, "--model", low, "--model", half, root); code != 2 || !strings.Contains(stderr, "at most two models") {
		t.Errorf("three models: exit %d, %q", code, stderr)
	}
}
