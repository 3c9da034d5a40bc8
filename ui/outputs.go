package ui

import (
	"fmt"
	"strings"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
)

// outputText writes one output v of m as the window shows it: a
// probability as a percentage ("93.4%"), a sigmoid model's independent
// score as a number from 0 to 1 ("score 0.626"), never as a share of 100.
func outputText(m *engine.Model, v float32) string {
	if m != nil && m.Output() == engine.OutputSigmoid {
		return fmt.Sprintf("score %.3f", v)
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

// answerLine is m's answer for its outputs probs, in a few words: "painting
// 93%" (probs through the temperature when calibrated confidence is on), or
// for a sigmoid model its labels at or above the host's threshold with
// their scores, "madonna 0.63, saint 0.54", or "no label ≥ 0.50".
func answerLine(h *host.Host, m *engine.Model, probs []float32) string {
	return outputsOf(h, m).answer(m, probs)
}

// shownOutputs is how outputs are shown, read from the host on the UI
// goroutine for work done off it: the temperature that applies (0: none)
// and a sigmoid model's threshold.
type shownOutputs struct {
	temperature, threshold float64
}

func outputsOf(h *host.Host, m *engine.Model) shownOutputs {
	t, _ := h.Temperature(m)
	return shownOutputs{temperature: t, threshold: h.Threshold()}
}

// answer is answerLine with these settings.
func (o shownOutputs) answer(m *engine.Model, probs []float32) string {
	if o.temperature > 0 {
		probs = calibration.Rescale(probs, o.temperature)
	}
	if m.Output() != engine.OutputSigmoid {
		c := engine.Argmax(probs)
		return fmt.Sprintf("%s %.0f%%", className(m, c), 100*probs[c])
	}
	labels := engine.Answer(engine.OutputSigmoid, probs, o.threshold)
	if len(labels) == 0 {
		return fmt.Sprintf("no label ≥ %.2f", o.threshold)
	}
	parts := make([]string, len(labels))
	for i, c := range labels {
		parts[i] = fmt.Sprintf("%s %.2f", className(m, c), probs[c])
	}
	return strings.Join(parts, ", ")
}
