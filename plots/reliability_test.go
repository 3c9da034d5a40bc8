package plots

import (
	"testing"

	"github.com/artlens/artlens/engine"
)

// sampleReliability is an over-confident model's diagram: bars below the
// diagonal at the top, a few pictures in the middle bins.
func sampleReliability() engine.Reliability {
	r := engine.Reliability{Set: "test", Bins: make([]engine.ReliabilityBin, 15)}
	counts := map[int][2]float64{6: {4, 0.25}, 7: {6, 0.5}, 9: {9, 0.444}, 10: {12, 0.583}, 11: {15, 0.6}, 12: {22, 0.727}, 13: {40, 0.8}, 14: {520, 0.96}}
	for i := range r.Bins {
		b := &r.Bins[i]
		b.Lower, b.Upper = float64(i)/15, float64(i+1)/15
		if c, ok := counts[i]; ok {
			b.Count, b.Accuracy, b.Confidence = int(c[0]), c[1], (b.Lower+b.Upper)/2
			r.Count += b.Count
		}
	}
	r.ECE = 0.0712
	return r
}

func TestReliabilityGolden(t *testing.T) {
	p, err := Reliability(sampleReliability(), "study", Light)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Reliability: ECE 0.071 on 628 test pictures\nstudy"; p.Title.Text != want {
		t.Errorf("title %q, want %q", p.Title.Text, want)
	}
	img, err := Image(p, 576, 576, 96)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "reliability.png", img)
	if _, err := Reliability(engine.Reliability{}, "", Light); err == nil {
		t.Error("no bins gave no error")
	}
}
