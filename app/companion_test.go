package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/weights"
)

// TestCompanionCommands runs the commands on the shipped companion
// (--model resnet: a graph network with batch norm, at 128x128) as on the
// study's network: the maps of every place, Grad-CAM at its default place
// (the last block, layer4.1, 4x4 cells) and occlusion, the top pictures
// of a block's filter, and fine-tuning it on new classes (its layers kept
// bit for bit, a new last layer trained).
func TestCompanionCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the companion network")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	e, ok := weights.Find("resnet")
	if !ok {
		t.Fatal("no shipped model resnet")
	}
	companion, err := e.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab")
	for c, class := range []string{"wide", "tall"} {
		sub := filepath.Join(lab, class)
		os.MkdirAll(sub, 0o755)
		for i := 0; i < 8; i++ {
			w, h := 60+3*i, 36+2*i
			if c == 1 {
				w, h = h, w
			}
			writeTestImage(t, sub, class+string(rune('A'+i))+".png", w, h)
		}
	}
	pic := filepath.Join(lab, "wide", "wideA.png")

	out := filepath.Join(dir, "maps")
	if code, _, stderr := runArtlens("maps", "--model", "resnet", "--out", out, pic); code != 0 {
		t.Fatalf("maps: exit %d, %s", code, stderr)
	}
	figs, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if places := len(companion.Places()); places != 28 || len(figs) != places {
		t.Errorf("maps: %d figures for %d places, want 28 (20 convs, 8 blocks)", len(figs), places)
	}

	for _, method := range []string{"gradcam", "occlusion"} {
		code, stdout, stderr := runArtlens("explain", "--model", "resnet", "--method", method, "--json", pic)
		var r struct {
			Method, Class, Predicted string
			LayerName                string `json:"layer_name"`
			Heatmap                  [][]float64
		}
		if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || r.Method != method || r.Class != r.Predicted || len(r.Heatmap) == 0 {
			t.Fatalf("explain --method %s: exit %d, %.300s %s", method, code, stdout, stderr)
		}
		if method == "gradcam" && (r.LayerName != "layer4.1" || len(r.Heatmap) != 4 || len(r.Heatmap[0]) != 4) {
			t.Errorf("Grad-CAM at %q: %dx%d cells, want layer4.1's 4x4", r.LayerName, len(r.Heatmap), len(r.Heatmap[0]))
		}
	}

	code, stdout, stderr := runArtlens("top", "--model", "resnet", "--layer", "layer3.1", "--filter", "5", "--k", "3", "--json", lab)
	if code != 0 || strings.Count(stdout, `"rank"`) != 3 {
		t.Errorf("top: exit %d, %q %s", code, stdout, stderr)
	}

	tuned := filepath.Join(dir, "tuned.safetensors")
	code, stdout, stderr = runArtlens("train", "--finetune", "resnet", "--data", lab, "--out", tuned, "--epochs", "1",
		"--batch", "4", "--cache", "-")
	if code != 0 || !strings.Contains(stdout, "Validation accuracy") {
		t.Fatalf("train --finetune resnet: exit %d, %s%s", code, stdout, stderr)
	}
	m, err := engine.LoadFile(tuned)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Meta.Classes, []string{"tall", "wide"}) || m.Input() != companion.Input() {
		t.Fatalf("fine-tuned: classes %v, input %+v", m.Meta.Classes, m.Input())
	}
	old, params := companion.Params(), m.Params()
	for i, p := range params[:len(params)-2] {
		if !slices.Equal(p.Data, old[i].Data) {
			t.Errorf("%s changed in fine-tuning: it is frozen", p.Name)
		}
	}
	if got := params[len(params)-1].Shape; !slices.Equal(got, []int{2}) {
		t.Errorf("the new output layer's bias is %v, want [2]", got)
	}
}
