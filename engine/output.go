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

// LabelEvaluation is the evaluation of a sigmoid model, whose answer is a
// set of labels, on pictures of one known label each (a picture is a
// positive for its folder's class and a negative for every other): per
// class, precision and recall of its label at the threshold and average
// precision over all thresholds, each with the counts it comes from.
type LabelEvaluation struct {
	Output    string       `json:"output"` // OutputSigmoid
	Threshold float64      `json:"threshold"`
	Total     int          `json:"total"` // pictures evaluated
	Classes   []ClassScore `json:"classes"`
	// MeanAP is the mean of the classes' average precisions, over the
	// APClasses classes that have positives (nil when none has).
	MeanAP    *float64 `json:"mean_average_precision"`
	APClasses int      `json:"mean_average_precision_classes"`
	// Exact counts the pictures whose answer is exactly their own label
	// (that label at or above the threshold and no other); None those
	// with no label at or above it.
	Exact int `json:"exact"`
	None  int `json:"none"`
}

// ClassScore is one class's line of a LabelEvaluation. Precision is nil
// when no picture got the label, Recall and AveragePrecision when no
// picture is of the class: a ratio without pictures is no number.
type ClassScore struct {
	Class string `json:"class"`
	// Positives are the pictures of the class; Predicted those whose score
	// for it is at or above the threshold; TruePositives both.
	Positives        int      `json:"positives"`
	Predicted        int      `json:"predicted"`
	TruePositives    int      `json:"true_positives"`
	Precision        *float64 `json:"precision"`
	Recall           *float64 `json:"recall"`
	AveragePrecision *float64 `json:"average_precision"`
}

// NewLabelEvaluation evaluates scores (one row of len(classes) a picture,
// a sigmoid model's outputs) against truth (each picture's class index) at
// threshold. Average precision is scikit-learn's average_precision_score:
// the pictures ranked by score (equal scores as one step), the sum over
// steps of the rise in recall times the precision there.
func NewLabelEvaluation(classes []string, truth []int, scores [][]float32, threshold float64) (LabelEvaluation, error) {
	if len(truth) != len(scores) {
		return LabelEvaluation{}, fmt.Errorf("engine: %d labels but %d predictions", len(truth), len(scores))
	}
	n := len(classes)
	e := LabelEvaluation{Output: OutputSigmoid, Threshold: threshold, Total: len(truth), Classes: make([]ClassScore, n)}
	for i, t := range truth {
		if t < 0 || t >= n || len(scores[i]) != n {
			return LabelEvaluation{}, fmt.Errorf("engine: picture %d: class %d of %d, %d scores", i, t, n, len(scores[i]))
		}
		labels := Answer(OutputSigmoid, scores[i], threshold)
		switch {
		case len(labels) == 0:
			e.None++
		case len(labels) == 1 && labels[0] == t:
			e.Exact++
		}
	}
	ratio := func(a, b int) *float64 {
		if b == 0 {
			return nil
		}
		r := float64(a) / float64(b)
		return &r
	}
	sum := 0.0
	for c := range n {
		s := ClassScore{Class: classes[c]}
		order := make([]int, len(truth))
		for i := range order {
			order[i] = i
			pos := truth[i] == c
			if pos {
				s.Positives++
			}
			if float64(scores[i][c]) >= threshold {
				s.Predicted++
				if pos {
					s.TruePositives++
				}
			}
		}
		s.Precision, s.Recall = ratio(s.TruePositives, s.Predicted), ratio(s.TruePositives, s.Positives)
		if s.Positives > 0 {
			sort.SliceStable(order, func(a, b int) bool { return scores[order[a]][c] > scores[order[b]][c] })
			ap, tp, seen, prevRecall := 0.0, 0, 0, 0.0
			for k := 0; k < len(order); {
				v := scores[order[k]][c]
				for ; k < len(order) && scores[order[k]][c] == v; k++ {
					seen++
					if truth[order[k]] == c {
						tp++
					}
				}
				recall := float64(tp) / float64(s.Positives)
				ap += (recall - prevRecall) * float64(tp) / float64(seen)
				prevRecall = recall
			}
			s.AveragePrecision = &ap
			sum += ap
			e.APClasses++
		}
		e.Classes[c] = s
	}
	if e.APClasses > 0 {
		m := sum / float64(e.APClasses)
		e.MeanAP = &m
	}
	return e, nil
}
