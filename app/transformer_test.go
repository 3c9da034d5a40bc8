package app

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportedViTExplained imports the small ViT fixture and explains a
// picture with attention rollout and Grad-CAM (its default place, the
// last block's ln_1), both on the 4x4 patch grid.
func TestImportedViTExplained(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "vit.safetensors")
	code, stdout, stderr := runArtlens("import", "--out", model, filepath.Join("..", "importer", "testdata", "vit-opset17.onnx"))
	if code != 0 {
		t.Fatalf("import: exit %d: %s%s", code, stdout, stderr)
	}
	a := writeTestImage(t, dir, "a.png", 40, 40)
	for _, c := range []struct{ method, layer string }{{"rollout", ""}, {"gradcam", "encoder.layers.encoder_layer_1.ln_1"}} {
		code, stdout, stderr = runArtlens("explain", a, "--json", "--method", c.method, "--out", dir, "--model", model)
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", c.method, code, stderr)
		}
		var res explainResult
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatal(err)
		}
		if res.Method != c.method || len(res.Heatmap) != 4 || len(res.Heatmap[0]) != 4 || res.LayerName != c.layer || !strings.HasSuffix(res.Figure, "a_"+c.method+".png") {
			t.Errorf("%s: %+v", c.method, res)
		}
	}
}
