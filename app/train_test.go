package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// tinyArch is a small grayscale network that trains in a moment.
const tinyArch = `{"input": {"channels": 1, "height": 16, "width": 16},
  "layers": [{"kind": "conv2d", "filters": 4, "kernel": [3], "padding": "same"}, {"kind": "relu"},
    {"kind": "avgpool", "kernel": [2]}, {"kind": "globalavgpool"}, {"kind": "flatten"},
    {"kind": "dense"}, {"kind": "softmax"}]}`

// TestTrainPlainFolder trains on a plain folder of class folders, as a new
// user tries first (it used to answer "has no training_set folder"): the
// validation share is held out of it, the classes are its folders, and the
// validation results are printed and stored in the file.
func TestTrainPlainFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network")
	}
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab")
	for c, class := range []string{"wide", "tall", "square"} {
		sub := filepath.Join(lab, class)
		os.MkdirAll(sub, 0o755)
		for i := 0; i < 10; i++ {
			w, h := 30+i, 18+i
			switch c {
			case 1:
				w, h = h, w
			case 2:
				h = w
			}
			writeTestImage(t, sub, class+string(rune('A'+i))+".png", w, h)
		}
	}
	arch := filepath.Join(dir, "arch.json")
	os.WriteFile(arch, []byte(tinyArch), 0o644)
	lab2 := filepath.Join(dir, "lab2") // two of lab's classes
	for _, c := range []string{"tall", "wide"} {
		os.CopyFS(filepath.Join(lab2, c), os.DirFS(filepath.Join(lab, c)))
	}
	for _, test := range []struct {
		name    string
		data    string
		args    []string
		classes []string
		val     int
		size    int // the input side the model takes
	}{
		{"named classes", lab, []string{"--classes", "wide,tall,square"}, []string{"wide", "tall", "square"}, 6, 16},
		{"every class folder", lab, []string{"--val", "0.3", "--augment"}, []string{"square", "tall", "wide"}, 9, 16},
		{"resized", lab, []string{"--size", "24"}, []string{"square", "tall", "wide"}, 6, 24},
		// The first run's model, its last layer replaced and trained alone.
		{"fine-tuned", lab2, []string{"--finetune", filepath.Join(dir, "named classes.safetensors")}, []string{"tall", "wide"}, 4, 16},
	} {
		out := filepath.Join(dir, test.name+".safetensors")
		args := append([]string{"train", "--data", test.data, "--out", out, "--epochs", "2",
			"--batch", "8", "--recipe", "study", "--cache", "-"}, test.args...)
		if test.name != "fine-tuned" {
			args = append(args, "--arch", arch)
		}
		code, stdout, stderr := runArtlens(args...)
		if code != 0 {
			t.Fatalf("%s: exit %d, %s%s", test.name, code, stdout, stderr)
		}
		if !strings.Contains(stdout, "Validation accuracy") || strings.Contains(stdout, "Test accuracy") {
			t.Errorf("%s: output\n%s", test.name, stdout)
		}
		m, err := engine.LoadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(m.Meta.Classes, ",") != strings.Join(test.classes, ",") {
			t.Errorf("%s: classes %v, want %v", test.name, m.Meta.Classes, test.classes)
		}
		if in := m.Input(); in.Width != test.size || in.Height != test.size {
			t.Errorf("%s: the model takes %dx%d pictures, want %d", test.name, in.Width, in.Height, test.size)
		}
		if test.name == "fine-tuned" && m.Meta.Training["fine_tuning"] == "" {
			t.Errorf("%s: the recipe says nothing of fine-tuning: %v", test.name, m.Meta.Training)
		}
		if m.Meta.Test != nil || m.Meta.Validation == nil || m.Meta.Validation.Total != test.val || len(m.Meta.History) != 2 {
			t.Errorf("%s: test %v, validation %+v, %d epochs; want no test, %d validation pictures, 2 epochs",
				test.name, m.Meta.Test, m.Meta.Validation, len(m.Meta.History), test.val)
		}
	}
	// A class named that has no folder, and an empty folder, say so in a line.
	code, _, stderr := runArtlens("train", "--data", lab, "--out", filepath.Join(dir, "x.safetensors"), "--classes", "wide,round", "--cache", "-")
	if code == 0 || !strings.Contains(stderr, `unknown class folder "square"`) {
		t.Errorf("a class folder left out: exit %d, %s", code, stderr)
	}
	for _, tc := range []struct{ args, want string }{
		{"--size 8", "the input size 8 is not from 16 to 512"},
		{"--size 32 --arch study", "cannot take 32x32 pictures"},
		{"--size 32 --finetune x.safetensors", "give --size or --finetune"},
	} {
		args := append([]string{"train", "--data", lab, "--out", filepath.Join(dir, "x.safetensors"), "--cache", "-"}, strings.Fields(tc.args)...)
		code, _, stderr := runArtlens(args...)
		if code == 0 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") > 2 {
			t.Errorf("%s: exit %d, %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	code, _, stderr = runArtlens("train", "--data", empty, "--out", filepath.Join(dir, "x.safetensors"), "--cache", "-")
	if code == 0 || !strings.Contains(stderr, "holds no class folders") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("an empty folder: exit %d, %q", code, stderr)
	}
}

// TestTrainExtraAndInit trains on a folder with a supplementary folder of
// pictures (--extra: they reach the training split only, and the file
// records them) and then goes on from the weights written (--init: the
// same network, every layer trained, recorded too).
func TestTrainExtraAndInit(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network")
	}
	dir := t.TempDir()
	lab, extra := filepath.Join(dir, "lab"), filepath.Join(dir, "extra")
	for c, class := range []string{"wide", "tall"} {
		for i := 0; i < 10; i++ {
			w, h := 30+i, 18+i
			if c == 1 {
				w, h = h, w
			}
			os.MkdirAll(filepath.Join(lab, class), 0o755)
			writeTestImage(t, filepath.Join(lab, class), class+string(rune('A'+i))+".png", w, h)
		}
	}
	for i := 0; i < 3; i++ {
		os.MkdirAll(filepath.Join(extra, "wide"), 0o755)
		writeTestImage(t, filepath.Join(extra, "wide"), "x"+string(rune('A'+i))+".png", 50+i, 20)
	}
	arch := filepath.Join(dir, "arch.json")
	os.WriteFile(arch, []byte(tinyArch), 0o644)
	first := filepath.Join(dir, "first.safetensors")
	common := []string{"--data", lab, "--epochs", "1", "--batch", "4", "--recipe", "study", "--cache", "-"}
	code, stdout, stderr := runArtlens(append([]string{"train", "--out", first, "--arch", arch, "--extra", extra}, common...)...)
	if code != 0 {
		t.Fatalf("--extra: exit %d, %s%s", code, stdout, stderr)
	}
	// 20 pictures, 4 held out for validation, 3 extra for training.
	if !strings.Contains(stderr, "training on 19 images, validating on 4") || !strings.Contains(stderr, "3 pictures for training only (tall 0, wide 3)") {
		t.Errorf("--extra: the counts that reach training are not said:\n%s", stderr)
	}
	m, err := engine.LoadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Meta.Training["extra_data"]; !strings.Contains(got, extra) || !strings.Contains(got, "wide 3") {
		t.Errorf("--extra: the file records %q", got)
	}

	second := filepath.Join(dir, "second.safetensors")
	code, stdout, stderr = runArtlens(append([]string{"train", "--out", second, "--init", first, "--average", "0"}, common...)...)
	if code != 0 {
		t.Fatalf("--init: exit %d, %s%s", code, stdout, stderr)
	}
	m2, err := engine.LoadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	if got := m2.Meta.Training["init"]; got != "from first.safetensors (every layer trained)" || m2.Meta.Training["extra_data"] != "" {
		t.Errorf("--init: the file records init %q, extra %q", got, m2.Meta.Training["extra_data"])
	}
	if m2.Meta.Training["fine_tuning"] != "" || m2.Meta.Training["averaging"] != "none" || len(m2.Meta.History) != 1 {
		t.Errorf("--init: %v, %d epochs", m2.Meta.Training, len(m2.Meta.History))
	}

	for _, tc := range []struct{ args, want string }{
		{"--init " + first + " --arch small", "give --init without"},
		{"--init " + first + " --classes wide,tall", "the model's classes are tall, wide"},
		{"--extra " + lab + "/wide", "holds no class folders"},
	} {
		args := append([]string{"train", "--data", lab, "--out", filepath.Join(dir, "x.safetensors"), "--cache", "-"}, strings.Fields(tc.args)...)
		code, _, stderr := runArtlens(args...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}
