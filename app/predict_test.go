package app

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// TestPredictFolderInBatches runs predict on a folder of more pictures
// than two of predictFiles' rounds, a damaged file among them: each line
// comes in the files' order with Predict's own probabilities for that
// picture, and the damaged file's line says why.
func TestPredictFolderInBatches(t *testing.T) {
	half, _ := brightPair(t)
	m, err := engine.LoadFile(half)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := 2*predictPerCore*runtime.GOMAXPROCS(0) + 3
	var files []string
	for i := range n {
		name := fmt.Sprintf("p%02d.png", i)
		if i == n/2 {
			if err := os.WriteFile(filepath.Join(dir, name), []byte("\x89PNG\r\n\x1a\n damaged"), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, filepath.Join(dir, name))
			continue
		}
		files = append(files, writeRed(t, dir, name, uint8(10+i*240/n), 20+i))
	}
	code, stdout, stderr := runArtlens("predict", "--json", "--model", half, dir)
	if code != 1 {
		t.Fatalf("exit %d (want 1: one file failed), stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines for %d files", len(lines), n)
	}
	for i, line := range lines {
		var res predictResult
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatal(err)
		}
		if res.File != files[i] {
			t.Fatalf("line %d is %s, want %s", i+1, res.File, files[i])
		}
		if i == n/2 {
			if res.Error == "" || res.Class != "" {
				t.Errorf("the damaged file: %+v", res)
			}
			continue
		}
		img, _, err := picture.Open(files[i])
		if err != nil {
			t.Fatal(err)
		}
		in := m.Input()
		p, err := m.Predict(picture.ToInputShape(img, in.Channels, in.Width, in.Height))
		if err != nil {
			t.Fatal(err)
		}
		if want := m.Meta.Classes[p.Class]; res.Class != want {
			t.Errorf("%s: %s, Predict says %s", files[i], res.Class, want)
		}
		for k, c := range m.Meta.Classes {
			if math.Abs(res.Probabilities[c]-float64(p.Probabilities[k])) > 1e-5 {
				t.Errorf("%s: p(%s) = %v, Predict's %v", files[i], c, res.Probabilities[c], p.Probabilities[k])
			}
		}
	}
}
