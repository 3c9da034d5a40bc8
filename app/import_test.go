package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportThenUse imports an ONNX fixture of package importer and uses
// the weights file with summary, predict and maps, as a user would.
func TestImportThenUse(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tiny.safetensors")
	code, stdout, stderr := runArtlens("import", "--classes", "circle,square,star", "--mean", "0.5", "--std", "0.25",
		"--out", out, filepath.Join("..", "importer", "testdata", "tiny-opset17.onnx"))
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"wrote", "3 conv layers", "circle, square, star", "input 10x12x1", "bn1 (BatchNormalization)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = runArtlens("summary", "--model", out)
	if code != 0 || !strings.Contains(stdout, "3 conv layers") || !strings.Contains(stdout, "mean [0.5]") {
		t.Errorf("summary: exit %d, %s%s", code, stdout, stderr)
	}
	img := writeTestImage(t, dir, "a.png", 40, 30)
	code, stdout, stderr = runArtlens("predict", "--model", out, img)
	if code != 0 || !strings.Contains(stdout, "circle") {
		t.Errorf("predict: exit %d, %s%s", code, stdout, stderr)
	}
	maps := filepath.Join(dir, "maps")
	code, stdout, stderr = runArtlens("maps", "--model", out, "--out", maps, img)
	if code != 0 || !strings.Contains(stdout, "wrote 3 figures") {
		t.Errorf("maps: exit %d, %s%s", code, stdout, stderr)
	}
	code, _, stderr = runArtlens("maps", "--model", out, "--out", maps, "--layers", "4", img)
	if code != 2 || !strings.Contains(stderr, "no conv layer 4; the layers are 1 to 3") {
		t.Errorf("maps --layers 4: exit %d, %s", code, stderr)
	}
}

// TestImportRefusals checks that unsupported and damaged models are
// refused, and that nothing is written then.
func TestImportRefusals(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.safetensors")
	damaged := filepath.Join(dir, "damaged.onnx")
	os.WriteFile(damaged, []byte("not a model at all"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"recurrent", []string{filepath.Join("..", "importer", "testdata", "refuse-lstm.onnx")}, `LSTM node "/lstm/LSTM"`},
		{"damaged", []string{damaged}, "not an ONNX model"},
		{"class count", []string{"--classes", "a,b", filepath.Join("..", "importer", "testdata", "tiny-opset17.onnx")}, "3 scores but 2 class names"},
		{"mean alone", []string{"--mean", "0.5", filepath.Join("..", "importer", "testdata", "tiny-opset17.onnx")}, "--mean and --std go together"},
		{"no model", []string{}, "needs --out FILE and one ONNX model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runArtlens(append([]string{"import", "--out", out}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, want it to say %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a file was written")
			}
		})
	}
	code, _, stderr := runArtlens("predict", "--model", damaged, "x.png")
	if code == 0 || !strings.Contains(stderr, "not an ONNX model") {
		t.Errorf("predict --model damaged.onnx: exit %d, %s", code, stderr)
	}
}

// TestEvalSavesIntoImportedModel evaluates an imported model (the study's
// architecture from PyTorch) on a small folder of labelled pictures and
// writes the metrics into its file.
func TestEvalSavesIntoImportedModel(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "study.safetensors")
	classes := []string{"circle", "square"}
	// The fixture has 4 outputs: two more classes with no pictures.
	code, _, stderr := runArtlens("import", "--classes", "circle,square,x,y", "--out", model,
		filepath.Join("..", "importer", "testdata", "study-opset13.onnx"))
	if code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	data := filepath.Join(dir, "data")
	for _, split := range []string{"training_set", "validation_set"} {
		for _, c := range append(classes, "x", "y") {
			sub := filepath.Join(data, split, c)
			os.MkdirAll(sub, 0o755)
			for i := 0; i < 2; i++ {
				writeTestImage(t, sub, c+string(rune('a'+i))+".png", 20+i+len(c), 24)
			}
		}
	}
	code, stdout, stderr := runArtlens("eval", "--model", model, "--data", data, "--cache", "-", "--save")
	if code != 0 || !strings.Contains(stdout, "Test accuracy") {
		t.Fatalf("eval: exit %d, %s%s", code, stdout, stderr)
	}
	// plot draws the confusion matrix and says the history is missing.
	_, _, stderr = runArtlens("plot", "--model", model, "--out", filepath.Join(dir, "plots"))
	if _, err := os.Stat(filepath.Join(dir, "plots", "confusion.png")); err != nil {
		t.Errorf("the saved metrics do not plot: %v (%s)", err, stderr)
	}
	code, _, stderr = runArtlens("eval", "--model", filepath.Join("..", "importer", "testdata", "tiny-opset17.onnx"), "--data", data, "--save")
	if code == 0 || !strings.Contains(stderr, "import an ONNX model first") {
		t.Errorf("eval --save on an .onnx file: exit %d, %s", code, stderr)
	}
}

// TestTrainArch trains a small grayscale architecture, written as JSON, on
// a data set of two class folders for one epoch, and reads it back with
// summary.
func TestTrainArch(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	for s, split := range []string{"training_set", "validation_set"} {
		for c, class := range []string{"wide", "tall"} {
			sub := filepath.Join(data, split, class)
			os.MkdirAll(sub, 0o755)
			n := []int{40, 4}[s]
			for i := 0; i < n; i++ {
				w, h := 20+i, 24+2*c+s
				if c == 1 {
					w, h = h, w
				}
				writeTestImage(t, sub, class+string(rune('A'+i))+".png", w, h)
			}
		}
	}
	arch := filepath.Join(dir, "arch.json")
	os.WriteFile(arch, []byte(`{"input": {"channels": 1, "height": 16, "width": 16},
  "layers": [{"kind": "conv2d", "filters": 4, "kernel": [3], "padding": "same"}, {"kind": "relu"},
    {"kind": "avgpool", "kernel": [2]}, {"kind": "globalavgpool"}, {"kind": "flatten"},
    {"kind": "dense"}, {"kind": "softmax"}]}`), 0o644)
	out := filepath.Join(dir, "mine.safetensors")
	code, stdout, stderr := runArtlens("train", "--arch", arch, "--classes", "wide,tall", "--data", data,
		"--out", out, "--epochs", "1", "--recipe", "study", "--cache", "-")
	if code != 0 || !strings.Contains(stdout, "wrote") {
		t.Fatalf("train: exit %d, %s%s", code, stdout, stderr)
	}
	code, stdout, _ = runArtlens("summary", "--model", out)
	if code != 0 || !strings.Contains(stdout, "input 16x16x1; 2 classes: wide, tall") || !strings.Contains(stdout, "pool1 (AveragePooling2D)") {
		t.Errorf("summary: exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runArtlens("summary", "--model", out, "--arch")
	if code != 0 || !strings.Contains(stdout, `"kind": "avgpool"`) {
		t.Errorf("summary --arch: exit %d:\n%s", code, stdout)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"input": {"channels": 3, "height": 16, "width": 16}, "layers": [{"kind": "conv2d", "filters": 4, "kernel": [3]}, {"kind": "dense"}]}`), 0o644)
	code, _, stderr = runArtlens("train", "--arch", bad, "--data", data, "--out", out)
	if code == 0 || !strings.Contains(stderr, "needs a flat input") {
		t.Errorf("a bad architecture: exit %d, %s", code, stderr)
	}
}

// TestImportClassesFile imports a torchvision network with its class
// names from a file (one a line, a repeated name kept apart by its line)
// and predicts: the text shows the five most probable of many classes,
// JSON carries them all.
func TestImportClassesFile(t *testing.T) {
	dir := t.TempDir()
	names := filepath.Join(dir, "classes.txt")
	if err := os.WriteFile(names, []byte("tench\ngoldfish\ncrane\nshark\ncrane\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "regnet.safetensors")
	code, stdout, stderr := runArtlens("import", "--classes-file", names, "--out", out,
		filepath.Join("..", "importer", "testdata", "regnet-y-opset13.onnx"))
	if code != 0 || !strings.Contains(stdout, "5 classes (tench, goldfish, crane, shark, crane (line 5))") {
		t.Fatalf("import: exit %d: %s%s", code, stdout, stderr)
	}
	img := writeTestImage(t, dir, "a.png", 40, 30)
	code, stdout, stderr = runArtlens("predict", "--model", out, "--json", img)
	if code != 0 || !strings.Contains(stdout, `"crane (line 5)"`) || !strings.Contains(stdout, `"tench"`) {
		t.Errorf("predict --json: exit %d, %s%s", code, stdout, stderr)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("a\n\nb\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--classes-file", bad}, "line 2 is empty"},
		{[]string{"--classes-file", names, "--classes", "a,b"}, "not both"},
		{[]string{"--classes-file", filepath.Join(dir, "none.txt")}, "cannot read the class names"},
	} {
		code, _, stderr := runArtlens(append(append([]string{"import", "--out", filepath.Join(dir, "x.safetensors")}, tc.args...),
			filepath.Join("..", "importer", "testdata", "regnet-y-opset13.onnx"))...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestFormatProbabilitiesTopFive checks that a line shows every class of
// a small model in order, and the five most probable of a large one.
func TestFormatProbabilitiesTopFive(t *testing.T) {
	classes := []string{"a", "b", "c"}
	probs := map[string]float64{"a": 0.2, "b": 0.5, "c": 0.3}
	if got := formatProbabilities(classes, probs); got != "a 20.0%  b 50.0%  c 30.0%" {
		t.Errorf("three classes: %q", got)
	}
	classes, probs = nil, map[string]float64{}
	for i := range 12 {
		c := string(rune('a' + i))
		classes = append(classes, c)
		probs[c] = float64(i) / 66
	}
	want := "l 16.7%  k 15.2%  j 13.6%  i 12.1%  h 10.6%  (top 5 of 12 classes)"
	if got := formatProbabilities(classes, probs); got != want {
		t.Errorf("twelve classes: %q, want %q", got, want)
	}
}

// TestImportedGraphPlaces imports torchvision's ResNet (one block a stage)
// and uses its places by name: summary lists them with Grad-CAM's
// default, explain and maps take names, top takes a block.
func TestImportedGraphPlaces(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "resnet.safetensors")
	code, _, stderr := runArtlens("import", "--out", out, filepath.Join("..", "importer", "testdata", "resnet-opset17-bn.onnx"))
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runArtlens("summary", "--model", out)
	for _, want := range []string{"a graph CNN of 12 conv layers and 4 other places", "13 layer1.0 (16x16x64)", "Grad-CAM's default place: 16 layer4.0",
		"layer1.0 (Add)", "layer1.0.bn2, maxpool"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q: exit %d, %s%s", want, code, stdout, stderr)
		}
	}
	img := writeTestImage(t, dir, "a.png", 40, 30)
	code, stdout, stderr = runArtlens("explain", "--model", out, "--json", img)
	if code != 0 || !strings.Contains(stdout, `"layer":16,"layer_name":"layer4.0"`) {
		t.Errorf("explain: exit %d, %s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runArtlens("explain", "--model", out, "--layer", "layer2.0", "--out", dir, img)
	if code != 0 || !strings.Contains(stdout, "at layer2.0 (layer 14)") {
		t.Errorf("explain --layer layer2.0: exit %d, %s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runArtlens("maps", "--model", out, "--layers", "layer1.0,5", "--out", filepath.Join(dir, "maps"), img)
	if code != 0 || !strings.Contains(stdout, "wrote 2 figures") {
		t.Errorf("maps --layers layer1.0,5: exit %d, %s%s", code, stdout, stderr)
	}
	code, _, stderr = runArtlens("explain", "--model", out, "--layer", "layer9", "--json", img)
	if code != 2 || !strings.Contains(stderr, `no layer "layer9"; the layers are conv1`) {
		t.Errorf("explain --layer layer9: exit %d, %s", code, stderr)
	}
}
