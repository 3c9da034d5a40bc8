package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestCalibrate fits a temperature for the bright model on a labelled
// folder where it is over-confident (some pictures near its threshold are
// in the other class), then checks that --calibrated changes the
// probabilities of predict and eval but not their answers, and that a
// model without a temperature refuses --calibrated naming the command.
func TestCalibrate(t *testing.T) {
	half, _ := brightPair(t)
	data := t.TempDir()
	reds := map[string][]uint8{
		"bright": {200, 180, 160, 140, 135, 132, 130, 124}, // 124: below 0.5, a mistake
		"dark":   {20, 40, 60, 80, 100, 120, 122, 131},     // 131: above 0.5, a mistake
	}
	for class, rs := range reds {
		dir := filepath.Join(data, class)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, r := range rs {
			writeRed(t, dir, fmt.Sprintf("%s%d.png", class, i), r, 20+i)
		}
	}
	code, _, stderr := runArtlens("predict", "--calibrated", "--model", half, filepath.Join(data, "dark"))
	if code != 1 || !strings.Contains(stderr, "artlens calibrate") {
		t.Errorf("--calibrated without a temperature: exit %d, stderr %q", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "calibrated.safetensors")
	code, stdout, stderr := runArtlens("calibrate", "--data", data, "--model", half, "--out", out, "--cache", "-")
	if code != 0 {
		t.Fatalf("calibrate: exit %d, stderr %q", code, stderr)
	}
	m, err := engine.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c := m.Meta.Calibration
	if c == nil || !(c.Temperature > 1) || c.FitCount != 16 || c.Before.Count != 16 {
		t.Fatalf("calibration %+v (stdout %q)", c, stdout)
	}
	predict := func(args ...string) map[string]predictResult {
		code, stdout, stderr := runArtlens(append([]string{"predict", "--json", "--recursive", "--model", out}, args...)...)
		if code != 0 {
			t.Fatalf("predict %v: exit %d, stderr %q", args, code, stderr)
		}
		res := map[string]predictResult{}
		for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var r predictResult
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			res[r.File] = r
		}
		return res
	}
	plain, calibrated := predict(data), predict("--calibrated", data)
	changed := 0
	for f, p := range plain {
		q := calibrated[f]
		if p.Class != q.Class {
			t.Errorf("%s: %s, calibrated %s", f, p.Class, q.Class)
		}
		if p.Probabilities[p.Class] != q.Probabilities[q.Class] {
			changed++
		}
	}
	if changed == 0 {
		t.Error("--calibrated changed no probability")
	}
	var ev struct {
		Total       int               `json:"total"`
		ECE         float64           `json:"ece"`
		Reliability []json.RawMessage `json:"reliability"`
	}
	for _, args := range [][]string{nil, {"--calibrated"}} {
		code, stdout, stderr := runArtlens(append([]string{"eval", "--json", "--cache", "-", "--model", out, "--data", data}, args...)...)
		if code != 0 {
			t.Fatalf("eval %v: exit %d, stderr %q", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
			t.Fatal(err)
		}
		want := c.Before.ECE
		if len(args) > 0 {
			want = c.After.ECE
		}
		if ev.Total != 16 || len(ev.Reliability) != 15 || fmt.Sprintf("%.6f", ev.ECE) != fmt.Sprintf("%.6f", want) {
			t.Errorf("eval %v: total %d, %d bins, ECE %g (want %g)", args, ev.Total, len(ev.Reliability), ev.ECE, want)
		}
	}
	png := filepath.Join(t.TempDir(), "r.png")
	if code, _, stderr := runArtlens("eval", "--cache", "-", "--model", out, "--data", data, "--reliability", png); code != 0 {
		t.Errorf("eval --reliability: exit %d, stderr %q", code, stderr)
	} else if _, err := os.Stat(png); err != nil {
		t.Error(err)
	}
	if code, _, stderr := runArtlens("calibrate", "--data", data, "--model", "study"); code != 2 || !strings.Contains(stderr, "--out") {
		t.Errorf("a shipped model without --out: exit %d, stderr %q", code, stderr)
	}
}
