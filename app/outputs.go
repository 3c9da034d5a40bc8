package app

import (
	"fmt"
	"strings"

	"github.com/artlens/artlens/engine"
)

// thresholdUsage is the help of --threshold, on the commands whose answer
// for a sigmoid model is a set of labels.
const thresholdUsage = "for a model of independent (sigmoid) scores: the `score` at or above which a label is part of the answer"

// checkThreshold refuses a threshold outside (0, 1] in a usage error's words.
func checkThreshold(t float64) string {
	if err := engine.CheckThreshold(t); err != nil {
		return "--threshold: " + err.Error()
	}
	return ""
}

// setScores fills res from a picture's outputs as m gives them: for a
// softmax model the most probable class and every class's probability;
// for a sigmoid model every class's own score (never renormalised) and the
// labels at or above threshold, highest first (possibly none), which are
// its answer.
func setScores(res *predictResult, m *engine.Model, scores []float32, threshold float64) {
	kind := m.Output()
	res.Output = kind
	values := map[string]float64{}
	for c, name := range m.Meta.Classes {
		values[name] = float64(scores[c])
	}
	if kind != engine.OutputSigmoid {
		res.Class = m.Meta.Classes[engine.Argmax(scores)]
		res.Probabilities = values
		return
	}
	res.Scores = values
	th := threshold
	res.Threshold = &th
	res.Labels = []string{}
	for _, c := range engine.Answer(kind, scores, threshold) {
		res.Labels = append(res.Labels, m.Meta.Classes[c])
	}
}

// values returns a result's probabilities or scores, whichever the model gives.
func (res predictResult) values() map[string]float64 {
	if res.Output == engine.OutputSigmoid {
		return res.Scores
	}
	return res.Probabilities
}

// sigmoidNote is how the command line labels a sigmoid model's scores.
const sigmoidNote = "independent scores, several can be high"

// labelsText says a sigmoid model's answer: its labels at or above the
// threshold with their scores, or that there is none.
func labelsText(labels []string, scores map[string]float64, threshold float64) string {
	if len(labels) == 0 {
		return fmt.Sprintf("no label above %g", threshold)
	}
	parts := make([]string, len(labels))
	for i, l := range labels {
		parts[i] = fmt.Sprintf("%s %.3f", l, scores[l])
	}
	return strings.Join(parts, ", ")
}

// formatScores writes each class's score (a sigmoid model's) in the
// classes' order as a number from 0 to 1, so that it is never read as a
// share of 100 %; with more than twice topShown classes only the topShown
// highest.
func formatScores(classes []string, scores map[string]float64) string {
	shown := topClasses(classes, scores)
	parts := make([]string, len(shown))
	for i, c := range shown {
		parts[i] = fmt.Sprintf("%s %.3f", c, scores[c])
	}
	if len(shown) < len(classes) {
		parts = append(parts, fmt.Sprintf("(top %d of %d classes)", len(shown), len(classes)))
	}
	return strings.Join(parts, "  ")
}

// resultLine is predict's line of text for one picture.
func resultLine(classes []string, res predictResult) string {
	if res.Output == engine.OutputSigmoid {
		at := fmt.Sprintf("at or above %g; ", *res.Threshold)
		if len(res.Labels) == 0 {
			at = ""
		}
		return fmt.Sprintf("%s: %s (%s%s)  %s", res.File, labelsText(res.Labels, res.Scores, *res.Threshold),
			at, sigmoidNote, formatScores(classes, res.Scores))
	}
	return fmt.Sprintf("%s: %s (%.1f%%)  %s", res.File, res.Class, 100*res.Probabilities[res.Class], formatProbabilities(classes, res.Probabilities))
}
