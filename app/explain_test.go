package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

func TestExplainFigures(t *testing.T) {
	model := modelFile(t)
	in := t.TempDir()
	a := writeTestImage(t, in, "a.png", 150, 90)
	writeTestImage(t, in, "b.jpg", 64, 80)
	out := filepath.Join(t.TempDir(), "why")

	code, stdout, stderr := runArtlens("explain", in, "--out", out, "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 2 figures") || !strings.Contains(stdout, "Grad-CAM of") {
		t.Errorf("stdout %q", stdout)
	}
	// The overlay is at the picture's own size, inside a figure with a
	// title and a legend.
	s := decodePNG(t, filepath.Join(out, "a_gradcam.png"))
	if s.X < 150 || s.Y < 90+60 {
		t.Errorf("a_gradcam.png is %v, smaller than the 150×90 picture with title and legend", s)
	}
	decodePNG(t, filepath.Join(out, "b_gradcam.png"))

	code, _, stderr = runArtlens("explain", a, "--method", "occlusion", "--patch", "32", "--stride", "32", "--out", out, "--model", model)
	if code != 0 {
		t.Fatalf("occlusion: exit %d, stderr %q", code, stderr)
	}
	decodePNG(t, filepath.Join(out, "a_occlusion.png"))
	// Every other method draws through the same overlay (Integrated
	// Gradients on the diverging scale).
	for _, method := range []string{"hirescam", "gradcam++", "scorecam", "eigencam", "integrated-gradients", "smoothgrad", "rise"} {
		args := []string{"explain", a, "--method", method, "--out", out, "--model", model}
		if method == "rise" {
			args = append(args, "--masks", "32")
		}
		code, _, stderr = runArtlens(args...)
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", method, code, stderr)
		}
		decodePNG(t, filepath.Join(out, "a_"+method+".png"))
	}
}

func TestExplainJSON(t *testing.T) {
	model := modelFile(t)
	in := t.TempDir()
	a := writeTestImage(t, in, "a.png", 100, 70)
	bad := filepath.Join(in, "notes.png")
	if err := os.WriteFile(bad, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		method     string
		layer      int
		class      string
		rows, cols int
	}{
		{"default", nil, "gradcam", 5, "", 9, 9},
		{"layer 3, a class", []string{"--layer", "3", "--class", "Painting"}, "gradcam", 3, "painting", 27, 27},
		// Occlusion's heatmap is per input pixel; its positions are in heatmap_positions.
		{"occlusion", []string{"--method", "occlusion", "--patch", "16", "--stride", "16", "--class", "sculpture"}, "occlusion", 0, "sculpture", 64, 64},
		{"hirescam at layer 4", []string{"--method", "hirescam", "--layer", "4"}, "hirescam", 4, "", 11, 11},
		{"rise", []string{"--method", "rise", "--masks", "64", "--seed", "3"}, "rise", 0, "", 64, 64},
		{"integrated gradients", []string{"--method", "integrated-gradients", "--class", "drawings"}, "integrated-gradients", 0, "drawings", 64, 64},
	}
	for _, tc := range tests {
		args := append([]string{"explain", a, bad, "--json", "--model", model}, tc.args...)
		code, stdout, _ := runArtlens(args...)
		if code != 1 {
			t.Errorf("%s: exit %d with an unreadable file, want 1", tc.name, code)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != 2 {
			t.Fatalf("%s: %d lines: %q", tc.name, len(lines), stdout)
		}
		var res explainResult
		if err := json.Unmarshal([]byte(lines[0]), &res); err != nil {
			t.Fatal(err)
		}
		if res.File != a || res.Method != tc.method || res.Layer != tc.layer || res.Error != "" {
			t.Errorf("%s: %+v", tc.name, res)
		}
		if tc.class != "" && res.Class != tc.class {
			t.Errorf("%s: class %q, want %q", tc.name, res.Class, tc.class)
		}
		if tc.class == "" && res.Class != res.Predicted {
			t.Errorf("%s: explained %q, but the answer is %q", tc.name, res.Class, res.Predicted)
		}
		if len(res.Probabilities) != 4 || len(res.Heatmap) != tc.rows || len(res.Heatmap[0]) != tc.cols {
			t.Errorf("%s: %d probabilities, heatmap %d rows", tc.name, len(res.Probabilities), len(res.Heatmap))
		}
		if tc.method == "occlusion" && (len(res.HeatmapPositions) != 4 || len(res.HeatmapPositions[0]) != 4) {
			t.Errorf("%s: heatmap_positions has %d rows, want 4", tc.name, len(res.HeatmapPositions))
		}
		var failed explainResult
		if err := json.Unmarshal([]byte(lines[1]), &failed); err != nil {
			t.Fatal(err)
		}
		if failed.File != bad || failed.Error == "" || failed.Heatmap != nil {
			t.Errorf("%s: unreadable file gave %+v", tc.name, failed)
		}
	}
	// Grad-CAM values lie in [0, 1] with a maximum of 1 (or all zeros).
	code, stdout, _ := runArtlens("explain", a, "--json", "--model", model)
	if code != 0 {
		t.Fatal(code)
	}
	var res explainResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	var hi float32
	for _, row := range res.Heatmap {
		for _, v := range row {
			if v < 0 || v > 1 {
				t.Fatalf("Grad-CAM value %g", v)
			}
			hi = max(hi, v)
		}
	}
	if hi != 1 && hi != 0 {
		t.Errorf("Grad-CAM maximum %g", hi)
	}
}

func TestExplainErrors(t *testing.T) {
	model := modelFile(t)
	a := writeTestImage(t, t.TempDir(), "a.png", 40, 40)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{a, "--json", "--method", "lime"}, "--method must be one of gradcam, occlusion, hirescam"},
		{[]string{a, "--json", "--method", "rollout"}, "the model has no attention layers"},
		{[]string{a, "--json", "--method", "rollout", "--layer", "2"}, "do not belong to --method rollout"},
		{[]string{a, "--json", "--layer", "6"}, "no conv layer 6"},
		{[]string{a, "--json", "--method", "occlusion", "--layer", "2"}, "--layer belongs to the methods that read a layer's maps"},
		{[]string{a, "--json", "--method", "smoothgrad", "--layer", "2"}, "smoothgrad explains the whole network"},
		{[]string{a, "--json", "--masks", "10"}, "--masks belongs to --method rise"},
		{[]string{a, "--json", "--patch", "8"}, "belong to --method occlusion"},
		{[]string{a, "--json", "--method", "occlusion", "--patch", "65"}, "--patch must be 1 to 64"},
		{[]string{a}, "give --out DIR"},
		{[]string{"--json"}, "at least one image"},
		{[]string{a, "--json", "--opacity", "2"}, "--opacity must be 0 to 1"},
		{[]string{a, "--json", "--class", "etching"}, "its classes are drawings, iconography, painting, sculpture"},
	}
	for _, tc := range tests {
		code, _, stderr := runArtlens(append([]string{"explain", "--model", model}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	model := modelFile(t)
	in := t.TempDir()
	a := writeTestImage(t, in, "a.png", 120, 80)
	b := writeTestImage(t, in, "b.jpg", 64, 96)
	out := filepath.Join(t.TempDir(), "fig", "pair.png")
	code, stdout, stderr := runArtlens("compare", a, b, "--out", out, "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "most different between the pictures") || !strings.Contains(stdout, "conv5 #") {
		t.Errorf("stdout %q", stdout)
	}
	// Picture, Grad-CAM and three maps of three layers at 200 pixels.
	if s := decodePNG(t, out); s.X < 11*200 || s.Y < 2*200 {
		t.Errorf("figure is %v", s)
	}

	code, stdout, stderr = runArtlens("compare", a, b, "--out", out, "--layers", "2", "--filters", "1,7", "--tile", "100", "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "filters (chosen): conv2 #1 #7") {
		t.Errorf("stdout %q", stdout)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{a, "--out", out}, "give 2 to 4 images, not 1"},
		{[]string{a, a, a, a, a, "--out", out}, "give 2 to 4 images, not 5"},
		{[]string{a, b, "--out", "x.jpg"}, "--out must name a .png file"},
		{[]string{a, b}, "--out FILE.png is required"},
		{[]string{a, b, "--out", out, "--layers", "1", "--filters", "33"}, "conv layer 1 has 32 filters"},
		{[]string{a, b, "--out", out, "--class", "etching"}, "no class \"etching\""},
	} {
		code, _, stderr := runArtlens(append([]string{"compare", "--model", model}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// grayModelFile writes a model of another shape than the study's (grey
// 40x24 input, two conv layers) and returns its path.
func grayModelFile(t *testing.T) string {
	t.Helper()
	arch := engine.Arch{Input: engine.Input{Channels: 1, Height: 24, Width: 40}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 6, Kernel: []int{3}, Padding: "same"},
		{Kind: engine.ReLU},
		{Kind: engine.MaxPool, Kernel: []int{2}},
		{Kind: engine.Conv2D, Filters: 8, Kernel: []int{3}},
		{Kind: engine.ReLU},
		{Kind: engine.GlobalAvgPool},
		{Kind: engine.Flatten},
		{Kind: engine.Dense},
		{Kind: engine.Softmax},
	}}
	m, err := engine.NewModelArch(arch, []string{"drawings", "iconography", "painting", "sculpture"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gray.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// The commands work on any model: layers, patches and figures follow its
// conv layers and input.
func TestExplainOtherModel(t *testing.T) {
	model := grayModelFile(t)
	in := t.TempDir()
	a := writeTestImage(t, in, "a.png", 100, 70)
	b := writeTestImage(t, in, "b.png", 60, 90)
	code, stdout, stderr := runArtlens("explain", a, "--json", "--model", model)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var res explainResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Layer != 2 || len(res.Heatmap) != 10 || len(res.Heatmap[0]) != 18 {
		t.Errorf("default Grad-CAM: layer %d, %d rows", res.Layer, len(res.Heatmap))
	}
	code, _, stderr = runArtlens("explain", a, "--json", "--layer", "3", "--model", model)
	if code != 2 || !strings.Contains(stderr, "the layers are 1 to 2") {
		t.Errorf("--layer 3: exit %d, stderr %q", code, stderr)
	}
	// Occlusion's patch and stride follow the input: a quarter and an
	// eighth of its shorter side (24 pixels).
	code, stdout, stderr = runArtlens("explain", a, "--json", "--method", "occlusion", "--model", model)
	if code != 0 {
		t.Fatalf("occlusion: exit %d, stderr %q", code, stderr)
	}
	res = explainResult{}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	// Rows start at 0, 3, ..., 18 (7), columns at 0, 3, ..., 33 and 34 (13).
	if res.Patch != 6 || res.Stride != 3 || len(res.HeatmapPositions) != 7 || len(res.HeatmapPositions[0]) != 13 ||
		len(res.Heatmap) != 24 || len(res.Heatmap[0]) != 40 {
		t.Errorf("occlusion: patch %d stride %d, %d rows of positions, %d rows of pixels", res.Patch, res.Stride, len(res.HeatmapPositions), len(res.Heatmap))
	}
	code, _, stderr = runArtlens("explain", a, "--json", "--method", "occlusion", "--patch", "30", "--model", model)
	if code != 2 || !strings.Contains(stderr, "--patch must be 1 to 24 pixels") {
		t.Errorf("--patch 30: exit %d, stderr %q", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "c.png")
	code, stdout, stderr = runArtlens("compare", a, b, "--out", out, "--model", model)
	if code != 0 || !strings.Contains(stdout, "conv1 #") || !strings.Contains(stdout, "conv2 #") {
		t.Errorf("compare: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	decodePNG(t, out)
}
