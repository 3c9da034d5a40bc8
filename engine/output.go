package engine

import (
	"fmt"
	"sort"
)

// DefaultThreshold is the score at or above which a sigmoid model's label
// is part of its answer, unless the user sets another.
const DefaultThreshold = 0.5

// Output returns the model's output kind: OutputSoftmax (probabilities
// that sum to 1, one class is the answer) or OutputSigmoid (independent
// scores in [0, 1], the labels at or above a threshold are the answer).
func (m *Model) Output() string { return m.arch.OutputKind() }

// Answer returns the classes that a model of output kind output answers
// for scores (Prediction.Probabilities): for a softmax model the most
// probable class alone; for a sigmoid model every class whose score is at
// or above threshold, highest first, possibly none. Where one class must
// be chosen whatever the kind (Grad-CAM's default class), use Argmax.
func Answer(output string, scores []float32, threshold float64) []int {
	if output != OutputSigmoid {
		if len(scores) == 0 {
			return nil
		}
		return []int{Argmax(scores)}
	}
	var out []int
	for i, s := range scores {
		if float64(s) >= threshold {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return scores[out[a]] > scores[out[b]] })
	return out
}

// ScoreWord is what one output value of a model of output kind output is
// called in text and figures: "probability" or "score".
func ScoreWord(output string) string {
	if output == OutputSigmoid {
		return "score"
	}
	return "probability"
}

// OutputNote says in words how to read the outputs of a model of output
// kind output, for the summary, the command line and the window.
func OutputNote(output string) string {
	if output == OutputSigmoid {
		return "independent scores from 0 to 1 (a sigmoid per class; several can be high, they need not sum to 1)"
	}
	return "probabilities that sum to 1 (a softmax over the classes; one class is the answer)"
}

// CheckThreshold returns an error unless t is a usable threshold, in (0, 1].
func CheckThreshold(t float64) error {
	if !(t > 0 && t <= 1) {
		return fmt.Errorf("the threshold %v is not in (0, 1]", t)
	}
	return nil
}
