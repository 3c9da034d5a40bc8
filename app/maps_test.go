package app

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// modelFile writes a small untrained model with a training history and
// test metrics to a file in a temporary folder and returns its path.
func modelFile(t *testing.T) string {
	t.Helper()
	m, err := engine.NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 6; i++ {
		f := float64(i)
		m.Meta.History = append(m.Meta.History, engine.Epoch{Epoch: i,
			TrainLoss: 1.4 / f, ValLoss: 1.5/f + 0.05*f, TrainAccuracy: 0.4 + 0.08*f, ValAccuracy: 0.38 + 0.07*f})
	}
	m.Meta.BestEpoch = 5
	ev, err := engine.NewEvaluation(m.Meta.Classes, []int{0, 0, 1, 1, 2, 2, 3, 3, 2, 1}, []int{0, 1, 1, 1, 2, 2, 3, 2, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	m.Meta.Test = &ev
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeTestImage writes a w×h colour pattern as PNG or JPEG (by the
// name's extension) to dir.
func writeTestImage(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: uint8((x ^ y) * 4), A: 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".jpg") {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// decodePNG opens a PNG file and returns its size.
func decodePNG(t *testing.T, path string) image.Point {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img.Bounds().Size()
}

func runArtlens(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMaps(t *testing.T) {
	model := modelFile(t)
	in := t.TempDir()
	a := writeTestImage(t, in, "a.png", 120, 80)
	writeTestImage(t, in, "b.jpg", 64, 64)
	out := filepath.Join(t.TempDir(), "figures")

	code, stdout, stderr := runArtlens("maps", a, "--layers", "1,3", "--out", out, "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 2 figures") {
		t.Errorf("stdout %q", stdout)
	}
	sizes := map[int]image.Point{}
	for _, l := range []int{1, 3} {
		sizes[l] = decodePNG(t, filepath.Join(out, "a_conv"+string(rune('0'+l))+".png"))
	}
	if _, err := os.Stat(filepath.Join(out, "a_conv2.png")); err == nil {
		t.Error("a_conv2.png written without being asked for")
	}
	for l, s := range sizes {
		if s.X < 400 || s.Y < 200 {
			t.Errorf("conv%d figure is only %v", l, s)
		}
	}

	// A folder, chosen filters (drawn larger), flags after the folder.
	out2 := t.TempDir()
	code, _, stderr = runArtlens("maps", in, "--out", out2, "--layers", "4", "--filters", "1,6,8",
		"--normalize", "layer", "--order", "activation", "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, name := range []string{"a_conv4.png", "b_conv4.png"} {
		s := decodePNG(t, filepath.Join(out2, name))
		// Three maps of 8×8 at scale 32 side by side: at least 3×256 wide.
		if s.X < 3*256 || s.Y < 256 {
			t.Errorf("%s is %v, want three 256-pixel maps", name, s)
		}
	}

	// An explicit scale and columns give an exact grid of map pixels.
	out3 := t.TempDir()
	code, _, stderr = runArtlens("maps", a, "--out", out3, "--layers", "5", "--filters", "2", "--scale", "1", "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	decodePNG(t, filepath.Join(out3, "a_conv5.png"))
}

func TestMapsFolderSkipsNonImagesAndReportsBadFiles(t *testing.T) {
	model := modelFile(t)
	in := t.TempDir()
	for i := 0; i < 6; i++ {
		writeTestImage(t, in, "img"+string(rune('0'+i))+".png", 70, 50)
	}
	os.WriteFile(filepath.Join(in, "notes.txt"), []byte("not a picture"), 0o644)
	os.WriteFile(filepath.Join(in, "broken.png"), []byte("\x89PNG\r\n\x1a\nbroken"), 0o644)
	missing := filepath.Join(in, "missing.jpg")
	out := t.TempDir()

	code, stdout, stderr := runArtlens("maps", in, missing, "--layers", "2", "--out", out, "--model", model)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some files failed); stderr %q", code, stderr)
	}
	for _, want := range []string{
		"skipping " + filepath.Join(in, "notes.txt") + ": not an image file",
		"artlens: " + filepath.Join(in, "broken.png") + ": ",
		"artlens: " + missing + ": ",
		"\nmaps 8/8\n", // progress: more than five files, plain lines into a non-terminal
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("stderr, not a terminal, holds carriage returns: %q", stderr)
	}
	if !strings.Contains(stdout, "wrote 6 figures") {
		t.Errorf("stdout %q", stdout)
	}
	for i := 0; i < 6; i++ {
		decodePNG(t, filepath.Join(out, "img"+string(rune('0'+i))+"_conv2.png"))
	}
}

func TestMapsSameBaseName(t *testing.T) {
	model := modelFile(t)
	d1, d2 := t.TempDir(), t.TempDir()
	a1 := writeTestImage(t, d1, "x.png", 40, 40)
	a2 := writeTestImage(t, d2, "x.png", 50, 40)
	out := t.TempDir()
	if code, _, stderr := runArtlens("maps", a1, a2, "--layers", "5", "--out", out, "--model", model); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	decodePNG(t, filepath.Join(out, "x_conv5.png"))
	decodePNG(t, filepath.Join(out, "x-2_conv5.png"))
}

func TestMapsBadArguments(t *testing.T) {
	img := writeTestImage(t, t.TempDir(), "a.png", 32, 32)
	out := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"layer 0", []string{img, "--out", out, "--layers", "0"}, "no conv layer 0"},
		{"layer 6", []string{img, "--out", out, "--layers", "1,6"}, "no conv layer 6"},
		{"layers not numbers", []string{img, "--out", out, "--layers", "one"}, "not a number"},
		{"filter beyond layer", []string{img, "--out", out, "--layers", "1,4", "--filters", "3,40"}, "conv layer 1 has 32 filters (1 to 32), so there is no filter 40"},
		{"negative filter", []string{img, "--out", out, "--filters", "0"}, "start at 1"},
		{"normalize", []string{img, "--out", out, "--normalize", "global"}, "--normalize must be map or layer"},
		{"order", []string{img, "--out", out, "--order", "random"}, "--order must be index or activation"},
		{"no out", []string{img}, "--out DIR is required"},
		{"no images", []string{"--out", out}, "at least one image"},
		{"unknown flag", []string{img, "--out", out, "--colour", "red"}, "artlens: unknown option --colour (see 'artlens maps --help')"},
		{"negative scale", []string{img, "--out", out, "--scale", "-1"}, "--scale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runArtlens(append([]string{"maps"}, tc.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("reason is not one line: %q", stderr)
			}
		})
	}
}

func TestMapsHelp(t *testing.T) {
	code, stdout, stderr := runArtlens("maps", "--help")
	if code != 0 || !strings.Contains(stdout, "Usage: artlens maps") || !strings.Contains(stdout, "-normalize") || stderr != "" {
		t.Errorf("exit %d, help %q, stderr %q", code, stdout, stderr)
	}
}

func TestParseIntList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		ok   bool
	}{
		{"1,3,4", []int{1, 3, 4}, true},
		{"2-4", []int{2, 3, 4}, true},
		{"0-2,7,1", []int{0, 1, 2, 7}, true},
		{" 5 , 6", []int{5, 6}, true},
		{"-1", []int{-1}, true},
		{"4-2", nil, false},
		{"1,,2", nil, false},
		{"x", nil, false},
		{"", nil, false},
		{"0-99999", nil, false},
	} {
		got, err := parseIntList(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("parseIntList(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && !slices.Equal(got, tc.want) {
			t.Errorf("parseIntList(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
