package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/artlens/artlens/trust"
)

// TestExplainCheck runs explain --check on one picture (JSON and text)
// and --check --summary on a folder.
func TestExplainCheck(t *testing.T) {
	model := modelFile(t)
	in := t.TempDir()
	a := writeTestImage(t, in, "a.png", 100, 70)
	writeTestImage(t, in, "b.png", 80, 90)

	code, stdout, stderr := runArtlens("explain", a, "--check", "--json", "--model", model)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res explainResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Deletion == nil || res.Insertion == nil || res.Sanity == nil {
		t.Fatalf("no checks in %s", stdout)
	}
	if len(res.Deletion.Probabilities) != trust.StepsPerCurve+1 || len(res.Insertion.Probabilities) != trust.StepsPerCurve+1 ||
		len(res.Sanity.Layers) != 8 || len(res.Sanity.Similarity) != 8 || res.Sanity.Verdict == "" {
		t.Errorf("checks: %+v %+v %+v", res.Deletion, res.Insertion, res.Sanity)
	}
	for _, key := range []string{`"deletion":{"auc":`, `"insertion":{"auc":`, `"curve":[`, `"sanity":{"layers":["dense3"`, `"similarity":[`, `"verdict":"`} {
		if !strings.Contains(stdout, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}

	code, stdout, stderr = runArtlens("explain", a, "--check", "--model", model)
	if code != 0 || !strings.Contains(stdout, "deletion AUC") || !strings.Contains(stdout, "when the network is scrambled") {
		t.Errorf("text: exit %d: %s %s", code, stdout, stderr)
	}

	code, stdout, stderr = runArtlens("explain", "--check", "--summary", "--method", "gradcam,occlusion", "--json", "--model", model, in)
	if code != 0 {
		t.Fatalf("summary: exit %d: %s", code, stderr)
	}
	var sum checkSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Pictures != 2 || len(sum.Methods) != 2 || sum.Methods[1].Method != "occlusion" || sum.Methods[0].Deletion.N != 2 {
		t.Errorf("summary: %s", stdout)
	}
	if code, _, stderr = runArtlens("explain", "--check", "--summary", "--method", "nonsense", "--model", model, in); code != 2 || !strings.Contains(stderr, "no method") {
		t.Errorf("unknown method: exit %d: %s", code, stderr)
	}
}
