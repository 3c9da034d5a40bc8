package plots

import "testing"

func TestTrustPlots(t *testing.T) {
	for _, c := range []struct {
		name string
		make func() error
		ok   bool
	}{
		{"curves", func() error {
			_, err := TrustCurves([]float64{1, 0.5, 0}, []float64{0.1, 0.6, 1}, 0.5, 0.575, Light)
			return err
		}, true},
		{"short curve", func() error { _, err := TrustCurves([]float64{1}, []float64{0, 1}, 0, 0, Light); return err }, false},
		{"sanity", func() error {
			_, err := SanitySteps([]string{"dense2", "dense1", "conv1"}, []float64{1, 0.4, -0.2}, 0.5, Dark)
			return err
		}, true},
		{"sanity mismatch", func() error { _, err := SanitySteps([]string{"a"}, []float64{1, 2}, 0.5, Light); return err }, false},
	} {
		if err := c.make(); (err == nil) != c.ok {
			t.Errorf("%s: error %v", c.name, err)
		}
	}
	p, _ := TrustCurves([]float64{1, 0.5, 0}, []float64{0.1, 0.6, 1}, 0.5, 0.575, Light)
	if _, err := Image(p, 400, 300, 96); err != nil {
		t.Fatal(err)
	}
}
