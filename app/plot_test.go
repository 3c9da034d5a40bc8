package app

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

func TestPlot(t *testing.T) {
	model := modelFile(t)
	for _, tc := range []struct {
		name  string
		args  []string
		sizes map[string][2]int // PNG file → pixel size
		other []string          // other files that must exist
	}{
		{"pixels", []string{"--width-px", "900", "--dpi", "150"}, map[string][2]int{
			"history_accuracy.png": {900, 600}, "history_loss.png": {900, 600}, "confusion.png": {900, 788}}, nil},
		{"inches", []string{"--width", "4in", "--height", "3in", "--dpi", "100", "--percent=false"}, map[string][2]int{
			"history_accuracy.png": {400, 300}, "confusion.png": {400, 300}}, nil},
		{"default size", nil, map[string][2]int{"history_loss.png": {1200, 800}, "confusion.png": {1200, 1050}}, nil},
		{"all formats", []string{"--format", "png,svg,pdf", "--width-px", "640", "--height-px", "480", "--dpi", "96"},
			map[string][2]int{"confusion.png": {640, 480}},
			[]string{"history_accuracy.svg", "history_loss.pdf", "confusion.svg", "confusion.pdf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "plots")
			code, stdout, stderr := runArtlens(append([]string{"plot", "--out", out, "--model", model}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for name, size := range tc.sizes {
				got := decodePNG(t, filepath.Join(out, name))
				if got.X != size[0] || got.Y != size[1] {
					t.Errorf("%s is %d×%d, want %d×%d", name, got.X, got.Y, size[0], size[1])
				}
				if !strings.Contains(stdout, filepath.Join(out, name)) {
					t.Errorf("stdout does not list %s: %q", name, stdout)
				}
			}
			for _, name := range tc.other {
				b, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatal(err)
				}
				prefix := map[string]string{".svg": "<?xml", ".pdf": "%PDF-"}[filepath.Ext(name)]
				if !bytes.HasPrefix(b, []byte(prefix)) {
					t.Errorf("%s starts %q, want %q", name, b[:min(16, len(b))], prefix)
				}
			}
		})
	}
}

// TestPlotTheme checks that --theme dark gives dark figures and the
// default light ones, by the colour of a corner pixel.
func TestPlotTheme(t *testing.T) {
	model := modelFile(t)
	for _, tc := range []struct {
		theme  []string
		darker bool
	}{{nil, false}, {[]string{"--theme", "dark"}, true}} {
		out := t.TempDir()
		code, _, stderr := runArtlens(append([]string{"plot", "--out", out, "--model", model, "--width-px", "300"}, tc.theme...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", tc.theme, code, stderr)
		}
		for _, name := range []string{"history_accuracy.png", "confusion.png"} {
			f, err := os.Open(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			r, _, _, _ := img.At(1, 1).RGBA()
			if dark := r < 0x8000; dark != tc.darker {
				t.Errorf("%v: %s corner red %#x, want dark=%v", tc.theme, name, r, tc.darker)
			}
		}
	}
}

func TestPlotModelWithoutMetrics(t *testing.T) {
	m, err := engine.NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bare.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, _, stderr := runArtlens("plot", "--out", out, "--model", path)
	if code == 0 || !strings.Contains(stderr, "no training history and no test metrics") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}

	// History only: the history is written, the missing confusion matrix
	// reported, and the exit code says so.
	m.Meta.History = []engine.Epoch{{Epoch: 1, TrainAccuracy: 0.5, ValAccuracy: 0.4, TrainLoss: 1, ValLoss: 1.1}}
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runArtlens("plot", "--out", out, "--model", path)
	if code != 1 || !strings.Contains(stderr, "no test metrics") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	decodePNG(t, filepath.Join(out, "history_accuracy.png"))
	if _, err := os.Stat(filepath.Join(out, "confusion.png")); err == nil {
		t.Error("confusion.png written without test metrics")
	}
}

func TestPlotBadArguments(t *testing.T) {
	out := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no out", nil, "--out DIR is required"},
		{"format", []string{"--out", out, "--format", "png,gif"}, `unknown format "gif"`},
		{"width without unit", []string{"--out", out, "--width", "8"}, "not a length with a unit"},
		{"both widths", []string{"--out", out, "--width", "8in", "--width-px", "800"}, "not both"},
		{"dpi", []string{"--out", out, "--dpi", "0"}, "--dpi"},
		{"negative px", []string{"--out", out, "--height-px", "-5"}, "--height-px"},
		{"argument", []string{"--out", out, "extra"}, "takes no arguments"},
		{"theme", []string{"--out", out, "--theme", "blue"}, "--theme must be light or dark"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runArtlens(append([]string{"plot"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

func TestPlotHelp(t *testing.T) {
	code, stdout, stderr := runArtlens("plot", "--help")
	if code != 0 || !strings.Contains(stdout, "Usage: artlens plot") || !strings.Contains(stdout, "-width-px") || stderr != "" {
		t.Errorf("exit %d, help %q, stderr %q", code, stdout, stderr)
	}
}
