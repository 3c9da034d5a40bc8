package ui

import (
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
)

// outputText writes one output of m as the window shows it (see
// host.OutputText).
func outputText(m *engine.Model, v float32) string { return host.OutputText(m, v) }

// answerLine is m's answer for its outputs probs, in a few words (see
// Host.AnswerLine).
func answerLine(h *host.Host, m *engine.Model, probs []float32) string { return h.AnswerLine(m, probs) }
