package app

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A first word that is neither a command nor an existing file is a
// mistake to point out, not a picture for the window to look for.
func TestUnknownCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"predcit", "x.jpg"}, `artlens: unknown command "predcit"; did you mean "predict"? (see 'artlens --help')` + "\n"},
		{[]string{"sumary"}, `did you mean "summary"?`},
		{[]string{"tarin", "--data", "d"}, `did you mean "train"?`},
		{[]string{"pred"}, `did you mean "predict"?`},
		{[]string{"frobnicate"}, `artlens: unknown command "frobnicate" (see 'artlens --help')` + "\n"},
		{[]string{filepath.Join(dir, "missing.jpg")}, `there is no file or folder "` + filepath.Join(dir, "missing.jpg") + `" to open, and it is not a command`},
		{[]string{"help", "predcit"}, `unknown command "predcit"; did you mean "predict"?`},
	} {
		code, stdout, stderr := runArtlens(tc.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"predict", "predict", 0}, {"predcit", "predict", 1}, {"prdict", "predict", 1},
		{"predictt", "predict", 1}, {"maps", "eval", 4}, {"", "plot", 4},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Help goes to stdout with exit 0, for every command and both spellings.
func TestHelpOnStdout(t *testing.T) {
	for _, name := range commandNames() {
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}} {
			code, stdout, stderr := runArtlens(args...)
			if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: artlens "+name) || !strings.Contains(stdout, "Options:") {
				t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
			}
		}
	}
	code, stdout, stderr := runArtlens("--help")
	if code != 0 || stderr != "" {
		t.Fatalf("--help: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"-theme", "-view", "-zoom", "-screenshot", "-screenshot-wait", "-data", "-model", "-fullscreen", "predict", "help COMMAND"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--help lacks %q:\n%s", want, stdout)
		}
	}
}

// Every usage error is one line, with the one prefix and a hint, exit 2.
func TestUsageErrorsAreOneLine(t *testing.T) {
	img := writeTestImage(t, t.TempDir(), "a.png", 16, 16)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"predict", "--bogus"}, "artlens: unknown option --bogus (see 'artlens predict --help')"},
		{[]string{"predict"}, "artlens: give at least one image or folder (see 'artlens predict --help')"},
		{[]string{"summary", "extra"}, `artlens: summary takes no arguments, got "extra" (see 'artlens summary --help')`},
		{[]string{"eval"}, "(see 'artlens eval --help')"},
		{[]string{"eval", "--data"}, "artlens: option --data needs a value (see 'artlens eval --help')"},
		{[]string{"train", "--data", "d", "--out", "m", "--epochs", "x"}, `artlens: option --epochs wants a whole number, not "x" (see 'artlens train --help')`},
		{[]string{"train", "--data", "d"}, "(see 'artlens train --help')"},
		{[]string{"maps", img, "--out", t.TempDir(), "--layers", "9"}, "artlens: --layers: there is no conv layer 9"},
		{[]string{"plot", "--out", t.TempDir(), "--percent=maybe"}, `artlens: option --percent wants true or false, not "maybe" (see 'artlens plot --help')`},
		{[]string{"--zoom"}, "artlens: option --zoom needs a value (see 'artlens --help')"},
	} {
		code, stdout, stderr := runArtlens(tc.args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "artlens: ") || !strings.Contains(stderr, tc.want) ||
			!strings.Contains(stderr, "--help')") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
	}
}

// A run that finds nothing to do says what it found and fails.
func TestPredictEmptyFolders(t *testing.T) {
	onlyFolders := t.TempDir()
	for _, sub := range []string{"paintings", "icons"} {
		if err := os.Mkdir(filepath.Join(onlyFolders, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeTestImage(t, filepath.Join(onlyFolders, "icons"), "deep.png", 20, 20)
	empty := t.TempDir()
	textOnly := t.TempDir()
	if err := os.WriteFile(filepath.Join(textOnly, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"predict", onlyFolders}, onlyFolders + ": no image files, only 2 folders (--recursive looks inside them)"},
		{[]string{"predict", empty}, empty + ": the folder is empty"},
		{[]string{"predict", textOnly}, textOnly + ": no image files among its 1 file"},
	} {
		code, stdout, stderr := runArtlens(tc.args...)
		if code != 1 || stdout != "" || !strings.Contains(stderr, "artlens: "+tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
	code, stdout, stderr := runArtlens("predict", "--recursive", onlyFolders)
	if code != 0 || !strings.Contains(stdout, filepath.Join(onlyFolders, "icons", "deep.png")+": ") {
		t.Errorf("--recursive: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// maps with nothing readable writes nothing, not even its folder.
func TestMapsMissingImageMakesNoFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "figures")
	code, _, stderr := runArtlens("maps", "missing.jpg", "--out", out)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was created (%v)", out, err)
	}
	if !strings.Contains(stderr, "artlens: no figures written") {
		t.Errorf("stderr %q", stderr)
	}
}

// A file that cannot be read is named once, in one sentence.
func TestMissingFileNamedOnce(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nothere.jpg")
	code, _, stderr := runArtlens("predict", missing)
	if want := "artlens: " + missing + ": the file does not exist\n"; code != 1 || stderr != want {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}

// eval reads validation_set alone, or any folder of class folders, and
// counts the right answers.
func TestEvalNeedsOnlyTheTestSplit(t *testing.T) {
	model := modelFile(t)
	labelled := t.TempDir()
	n := 0
	for _, class := range []string{"drawings", "engraving", "painting", "sculpture"} {
		dir := filepath.Join(labelled, class)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			n++
			writeTestImage(t, dir, fmt.Sprintf("%s%d.png", class, i), 16+n, 16)
		}
	}
	split := t.TempDir()
	if err := os.Rename(labelled, filepath.Join(split, "validation_set")); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{split, filepath.Join(split, "validation_set")} {
		code, stdout, stderr := runArtlens("eval", "--model", model, "--cache", "-", "--data", dir)
		if code != 0 || !strings.Contains(stdout, " of 8 images right)") {
			t.Errorf("eval --data %s: exit %d, stdout %q, stderr %q", dir, code, stdout, stderr)
		}
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasSuffix(line, " ") {
				t.Errorf("line %q ends with a space", line)
			}
		}
	}
}

func TestSummaryText(t *testing.T) {
	code, stdout, _ := runArtlens("summary")
	if code != 0 || !strings.HasPrefix(stdout, "Model: the seed study's CNN; input 64x64x3; 4 classes: drawings, iconography, painting, sculpture\n") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %q ends with a space", line)
		}
	}
}

func TestBatchNote(t *testing.T) {
	if got, want := batchNote(5699, 64), "each epoch: 89 batches of 64 = 5696 images; the 3 left over differ from epoch to epoch (shuffled)"; got != want {
		t.Errorf("batchNote = %q, want %q", got, want)
	}
}

// TestSummaryGraph draws the ResNet fixture's graph as SVG and PNG, and
// refuses another extension without writing anything.
func TestSummaryGraph(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join("..", "importer", "testdata", "resnet-opset17-bn.onnx")
	svg := filepath.Join(dir, "graph.svg")
	code, stdout, stderr := runArtlens("summary", "--model", model, "--graph", svg)
	data, err := os.ReadFile(svg)
	if code != 0 || err != nil || !strings.Contains(stdout, "wrote "+svg) || !strings.Contains(string(data), "<svg") ||
		!strings.Contains(string(data), ">layer4.0<") {
		t.Errorf("--graph svg: exit %d, %v, %s%s", code, err, stdout, stderr)
	}
	pngPath := filepath.Join(dir, "graph.png")
	code, _, stderr = runArtlens("summary", "--model", model, "--graph", pngPath, "--fold")
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatalf("--graph png: exit %d, %v, %s", code, err, stderr)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("--graph png: %v", err)
	}
	code, _, stderr = runArtlens("summary", "--graph", filepath.Join(dir, "graph.jpg"))
	if code != 2 || !strings.Contains(stderr, "must end in .svg or .png") {
		t.Errorf("--graph graph.jpg: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "graph.jpg")); err == nil {
		t.Error("graph.jpg written")
	}
}
