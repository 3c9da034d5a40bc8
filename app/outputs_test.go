package app

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/picture"
)

// sigmoidFixture is the ONNX residual network ending in torch.sigmoid
// (scripts/make-output-fixtures.py) and its reference pictures.
const sigmoidFixture = "../importer/testdata/sigmoid-resnet"

// writePixels writes a 64x64 RGB picture from 8-bit CHW values as a PNG.
func writePixels(t *testing.T, path string, px []int) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			at := y*64 + x
			img.SetNRGBA(x, y, color.NRGBA{uint8(px[at]), uint8(px[4096+at]), uint8(px[8192+at]), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestPredictSigmoid runs predict on the sigmoid fixture's two pictures:
// --json gives the file's own scores (within 1e-4, no softmax), says
// "output": "sigmoid" and lists the labels at or above the threshold as
// the answer; the text says the scores are independent, and a threshold
// above every score answers no label.
func TestPredictSigmoid(t *testing.T) {
	data, err := os.ReadFile(sigmoidFixture + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Pixels  [][]int     `json:"pixels"`
		Outputs [][]float64 `json:"outputs"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for k, px := range ref.Pixels {
		files = append(files, filepath.Join(dir, fmt.Sprintf("p%d.png", k+1)))
		writePixels(t, files[k], px)
	}
	model := sigmoidFixture + ".onnx"
	code, stdout, stderr := runArtlens(append([]string{"predict", "--json", "--model", model}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), stdout)
	}
	for k, line := range lines {
		var res map[string]any
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatal(err)
		}
		if res["output"] != "sigmoid" || res["probabilities"] != nil || res["class"] != nil || res["threshold"] != 0.5 {
			t.Errorf("picture %d: %s", k+1, line)
		}
		scores, _ := res["scores"].(map[string]any)
		var want []string
		for c, v := range ref.Outputs[k] {
			name := fmt.Sprintf("class %d", c+1)
			got, _ := scores[name].(float64)
			if math.Abs(got-v) > 1e-4 {
				t.Errorf("picture %d, %s: %v, PyTorch %v", k+1, name, got, v)
			}
			if v >= 0.5 {
				want = append(want, name)
			}
		}
		sort.SliceStable(want, func(a, b int) bool { return scores[want[a]].(float64) > scores[want[b]].(float64) })
		var labels []string
		for _, l := range res["labels"].([]any) {
			labels = append(labels, l.(string))
		}
		if len(want) == 0 || !slices.Equal(labels, want) {
			t.Errorf("picture %d: labels %v, want %v", k+1, labels, want)
		}
	}
	code, stdout, _ = runArtlens("predict", "--model", model, files[0])
	if code != 0 || !strings.Contains(stdout, "independent scores, several can be high") || !strings.Contains(stdout, "class 1 0.626") || strings.Contains(stdout, "%") {
		t.Errorf("text: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runArtlens("predict", "--threshold", "0.9", "--model", model, files[0])
	if code != 0 || !strings.Contains(stdout, "no label above 0.9") {
		t.Errorf("--threshold 0.9: exit %d, %q", code, stdout)
	}
	if code, _, stderr := runArtlens("predict", "--threshold", "1.5", "--model", model, files[0]); code != 2 || !strings.Contains(stderr, "threshold") {
		t.Errorf("--threshold 1.5: exit %d, %q", code, stderr)
	}
	// explain: Grad-CAM of the highest score, the answer the labels.
	code, stdout, stderr = runArtlens("explain", "--json", "--model", model, files[0])
	var ex explainResult
	if err := json.Unmarshal([]byte(stdout), &ex); code != 0 || err != nil || ex.Output != "sigmoid" || ex.Probabilities != nil ||
		ex.Class != "class 1" || len(ex.Labels) != 2 || math.Abs(ex.Scores["class 3"]-ref.Outputs[0][2]) > 1e-4 {
		t.Errorf("explain: exit %d, %v, %s %s", code, err, stdout, stderr)
	}
	// analyse: the table says the output kind, the labels and scores.
	code, stdout, stderr = runArtlens("analyse", "--csv", "--no-cache", "--threshold", "0.6", "--model", model, dir)
	if code != 0 || !strings.HasPrefix(stdout, "path,folder,output,labels,threshold,top,top_score") || !strings.Contains(stdout, ",sigmoid,class 1,0.6,class 1,0.6259,") {
		t.Errorf("analyse: exit %d, %s %s", code, stdout, stderr)
	}
}

// TestEvalSigmoid evaluates the sigmoid fixture on a generated folder of
// four classes (one label a picture: its folder's): eval --json reports
// per class the counts, precision and recall at the threshold and the
// average precision, as worked out here from the model's own scores.
func TestEvalSigmoid(t *testing.T) {
	classes := []string{"angel", "child", "madonna", "saint"}
	m, err := importer.ImportFile(sigmoidFixture+".onnx", importer.Options{Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "tagger.safetensors")
	if err := m.SaveFile(model); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	rng := rand.New(rand.NewPCG(25, 1))
	var truth []int
	var scores [][]float32
	for c, name := range classes {
		os.MkdirAll(filepath.Join(data, name), 0o755)
		for k := range 4 {
			// Each class its own brightness and block size, so that the
			// scores differ from picture to picture.
			px := make([]int, 3*64*64)
			block := 1 << (c + k%2)
			for ch := range 3 {
				for y := range 64 {
					for x := range 64 {
						r := rand.New(rand.NewPCG(uint64(c*100+k*10+ch), uint64(y/block*64+x/block)))
						px[ch*4096+y*64+x] = (40*c + k*13 + r.IntN(96) + rng.IntN(8)) % 256
					}
				}
			}
			path := filepath.Join(data, name, fmt.Sprintf("%d.png", k))
			writePixels(t, path, px)
			img, _, err := picture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Predict(picture.ToInput(img, 64))
			if err != nil {
				t.Fatal(err)
			}
			truth, scores = append(truth, c), append(scores, p.Probabilities)
		}
	}
	code, stdout, stderr := runArtlens("eval", "--data", data, "--model", model, "--cache", "-", "--json")
	if code != 0 {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	var ev engine.LabelEvaluation
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Output != "sigmoid" || ev.Threshold != 0.5 || ev.Total != 16 || len(ev.Classes) != 4 {
		t.Fatalf("%s", stdout)
	}
	sumAP := 0.0
	for c, name := range classes {
		// By hand: counts at 0.5; AP as the mean, over the class's
		// pictures, of the precision among the pictures scored at least
		// as high as each.
		pos, pred, tp := 0, 0, 0
		ap := 0.0
		for i := range truth {
			if truth[i] == c {
				pos++
				above, hits := 0, 0
				for j := range truth {
					if scores[j][c] >= scores[i][c] {
						above++
						if truth[j] == c {
							hits++
						}
					}
				}
				ap += float64(hits) / float64(above)
			}
			if scores[i][c] >= 0.5 {
				pred++
				if truth[i] == c {
					tp++
				}
			}
		}
		ap /= float64(pos)
		sumAP += ap
		got := ev.Classes[c]
		if got.Class != name || got.Positives != pos || got.Predicted != pred || got.TruePositives != tp {
			t.Errorf("%s: %+v, want %d positives, %d predicted, %d right", name, got, pos, pred, tp)
		}
		if got.Recall == nil || math.Abs(*got.Recall-float64(tp)/float64(pos)) > 1e-12 {
			t.Errorf("%s: recall %v, want %d/%d", name, got.Recall, tp, pos)
		}
		if (pred == 0) != (got.Precision == nil) || pred > 0 && math.Abs(*got.Precision-float64(tp)/float64(pred)) > 1e-12 {
			t.Errorf("%s: precision %v, want %d/%d", name, got.Precision, tp, pred)
		}
		if got.AveragePrecision == nil || math.Abs(*got.AveragePrecision-ap) > 1e-9 {
			t.Errorf("%s: AP %v, want %v", name, got.AveragePrecision, ap)
		}
		t.Logf("%s: %d of %d predicted right, %d positives, AP %.3f", name, tp, pred, pos, ap)
	}
	if ev.MeanAP == nil || math.Abs(*ev.MeanAP-sumAP/4) > 1e-9 {
		t.Errorf("mean AP %v, want %v", ev.MeanAP, sumAP/4)
	}
	code, stdout, _ = runArtlens("eval", "--data", data, "--model", model, "--cache", "-")
	if code != 0 || !strings.Contains(stdout, "independent scores, several can be high") || !strings.Contains(stdout, "average precision") {
		t.Errorf("text: exit %d\n%s", code, stdout)
	}
	t.Log(stdout)
}
