package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/weights"
)

// TestModels lists the shipped models as text and JSON: the study's is
// there, the default, with its input, parameters and test accuracy, and
// the companion after it.
func TestModels(t *testing.T) {
	code, stdout, stderr := runArtlens("models")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"Name", "Test accuracy", "study (default)", "64x64x3", "1459204", "87.12 % of 753",
		"resnet", "128x128x3", "2804708", "92.30 % of 753"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	code, stdout, stderr = runArtlens("models", "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("--json: exit %d, stderr %q", code, stderr)
	}
	var list []shippedModel
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(weights.Shipped) || list[0].Name != "study" || !list[0].Default || list[0].Parameters != 1459204 ||
		list[0].Input[0] != 3 || list[0].Input[1] != 64 || list[0].TestAccuracy == nil || *list[0].TestAccuracy < 0.87 || list[0].TestTotal != 753 {
		t.Errorf("JSON %+v", list)
	}
	if len(list) < 2 || list[1].Name != "resnet" || list[1].Default || list[1].Input[1] != 128 || list[1].TestAccuracy == nil || *list[1].TestAccuracy < 0.90 {
		t.Errorf("the companion in JSON: %+v", list)
	}
	if code, _, stderr := runArtlens("models", "extra"); code != 2 || !strings.Contains(stderr, "takes no arguments") {
		t.Errorf("an argument: exit %d, %q", code, stderr)
	}
}

// TestModelByName checks that --model takes a shipped model's name where
// no file of that name exists, a file where one does, and refuses a name
// that is neither in one line naming the shipped ones.
func TestModelByName(t *testing.T) {
	code, stdout, stderr := runArtlens("summary", "--model", "study")
	if code != 0 || !strings.Contains(stdout, "1,459,204") {
		t.Fatalf("--model study: exit %d, %q %q", code, stdout, stderr)
	}
	code, _, stderr = runArtlens("summary", "--model", "nosuch")
	if code != 1 || stderr != "artlens: nosuch: no such file, and no shipped model of that name (shipped: study, resnet)\n" {
		t.Errorf("unknown name: exit %d, %q", code, stderr)
	}
	// A file named like a shipped model is the file.
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "study"), []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runArtlens("summary", "--model", "study"); code != 1 || !strings.Contains(stderr, "safetensors") {
		t.Errorf("a file named study: exit %d, %q", code, stderr)
	}
	if got := modelName(""); got != "study" {
		t.Errorf("modelName(\"\") = %q", got)
	}
}
