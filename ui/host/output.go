package host

import (
	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
)

// Calibrated reports whether the user asked for calibrated confidence (the
// View menu's "Calibrated confidence"): probabilities shown through the
// model's temperature. It holds even when the current model carries none;
// Temperature says whether it applies.
func (h *Host) Calibrated() bool { return h.calibrated }

// SetCalibrated switches calibrated confidence on or off and tells every
// OnOutput subscriber.
func (h *Host) SetCalibrated(on bool) {
	if h.calibrated == on {
		return
	}
	h.calibrated = on
	h.outputChanged()
}

// Threshold is the score at or above which a sigmoid model's label is part
// of its answer (engine.DefaultThreshold until the user sets another).
func (h *Host) Threshold() float64 {
	if h.threshold == 0 {
		return engine.DefaultThreshold
	}
	return h.threshold
}

// SetThreshold sets the threshold, t in (0, 1] (others are ignored), and
// tells every OnOutput subscriber.
func (h *Host) SetThreshold(t float64) {
	if engine.CheckThreshold(t) != nil || t == h.Threshold() {
		return
	}
	h.threshold = t
	h.outputChanged()
}

// OnOutput calls each of fs after the calibrated switch or the threshold
// changed.
func (h *Host) OnOutput(fs ...func()) { h.onOutput = append(h.onOutput, fs...) }

func (h *Host) outputChanged() {
	for _, f := range h.onOutput {
		f()
	}
}

// Temperature returns the temperature that the shown probabilities of m go
// through: the model's own when calibrated confidence is on and m carries
// one, 0 otherwise (the probabilities as the model gives them). why says,
// when calibrated confidence is on and cannot apply, why not.
func (h *Host) Temperature(m *engine.Model) (t float64, why string) {
	if m == nil || !h.calibrated {
		return 0, ""
	}
	t, err := calibration.Temperature(m)
	if err != nil {
		return 0, err.Error()
	}
	return t, ""
}

// Shown returns the outputs of m as the window shows them: probs through
// the model's temperature when calibrated confidence applies, probs itself
// otherwise (a sigmoid model's scores are never changed).
func (h *Host) Shown(m *engine.Model, probs []float32) []float32 {
	if t, _ := h.Temperature(m); t > 0 {
		return calibration.Rescale(probs, t)
	}
	return probs
}
