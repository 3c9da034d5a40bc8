package host

import (
	"testing"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
)

// TestOutputSettings: the threshold starts at the default and takes only
// values in (0, 1]; the calibrated switch applies the model's temperature
// to the probabilities shown, and only when it carries one; each change is
// told once.
func TestOutputSettings(t *testing.T) {
	h := newTestHost(t)
	told := 0
	h.OnOutput(func() { told++ })
	if h.Threshold() != engine.DefaultThreshold || h.Calibrated() {
		t.Fatalf("start: threshold %v, calibrated %v", h.Threshold(), h.Calibrated())
	}
	for _, tc := range []struct {
		set, want float64
		told      int
	}{
		{0.3, 0.3, 1}, {0.3, 0.3, 1}, {0, 0.3, 1}, {1.5, 0.3, 1}, {-1, 0.3, 1}, {1, 1, 2},
	} {
		h.SetThreshold(tc.set)
		if h.Threshold() != tc.want || told != tc.told {
			t.Errorf("SetThreshold(%v): %v (told %d), want %v (told %d)", tc.set, h.Threshold(), told, tc.want, tc.told)
		}
	}

	m, err := engine.NewModel([]string{"a", "b", "c"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := []float32{0.7, 0.2, 0.1}
	h.SetCalibrated(true)
	if told != 3 {
		t.Errorf("told %d times, want 3", told)
	}
	if got := h.Shown(m, p); &got[0] != &p[0] {
		t.Error("a model without a temperature: the probabilities should be its own")
	}
	if _, why := h.Temperature(m); why != calibration.ErrNoTemperature.Error() {
		t.Errorf("why = %q", why)
	}
	m.Meta.Calibration = &engine.Calibration{Temperature: 2}
	want := calibration.Rescale(p, 2)
	got := h.Shown(m, p)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("calibrated %v, want %v", got, want)
			break
		}
	}
	h.SetCalibrated(false)
	if got := h.Shown(m, p); &got[0] != &p[0] {
		t.Error("calibrated confidence off: the probabilities should be the model's own")
	}
}
