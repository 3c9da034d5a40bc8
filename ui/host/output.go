package host

import (
	"errors"
	"fmt"
	"strings"

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

// ClassName is the name of m's class i ("class 3" when m names none).
func ClassName(m *engine.Model, i int) string {
	if i >= 0 && i < len(m.Meta.Classes) {
		return m.Meta.Classes[i]
	}
	return fmt.Sprintf("class %d", i+1)
}

// OutputText writes one output v of m as the window shows it: a
// probability as a percentage ("93.4%"), a sigmoid model's independent
// score as a number from 0 to 1 ("score 0.626"), never as a share of 100.
func OutputText(m *engine.Model, v float32) string {
	if m != nil && m.Output() == engine.OutputSigmoid {
		return fmt.Sprintf("score %.3f", v)
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

// AnswerLine is m's answer for its outputs probs, in a few words:
// "painting 93%" (probs through the temperature when calibrated confidence
// is on), or for a sigmoid model its labels at or above the threshold with
// their scores, "madonna 0.63, saint 0.54", or "no label ≥ 0.50".
func (h *Host) AnswerLine(m *engine.Model, probs []float32) string {
	return h.OutputsOf(m).Answer(m, probs)
}

// Outputs is how outputs are shown, read from the host on the UI
// goroutine for work done off it: the temperature that applies (0: none)
// and a sigmoid model's threshold.
type Outputs struct {
	Temperature, Threshold float64
}

// OutputsOf returns how m's outputs are shown now.
func (h *Host) OutputsOf(m *engine.Model) Outputs {
	t, _ := h.Temperature(m)
	return Outputs{Temperature: t, Threshold: h.Threshold()}
}

// Answer is AnswerLine with these settings.
func (o Outputs) Answer(m *engine.Model, probs []float32) string {
	if o.Temperature > 0 {
		probs = calibration.Rescale(probs, o.Temperature)
	}
	if m.Output() != engine.OutputSigmoid {
		c := engine.Argmax(probs)
		return fmt.Sprintf("%s %.0f%%", ClassName(m, c), 100*probs[c])
	}
	labels := engine.Answer(engine.OutputSigmoid, probs, o.Threshold)
	if len(labels) == 0 {
		return fmt.Sprintf("no label ≥ %.2f", o.Threshold)
	}
	parts := make([]string, len(labels))
	for i, c := range labels {
		parts[i] = fmt.Sprintf("%s %.2f", ClassName(m, c), probs[c])
	}
	return strings.Join(parts, ", ")
}

// CalibrationTemperature is calibration.Temperature, with an error for no
// model.
func CalibrationTemperature(m *engine.Model) (float64, error) {
	if m == nil {
		return 0, errors.New("no model is loaded")
	}
	return calibration.Temperature(m)
}
