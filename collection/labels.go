package collection

import "github.com/artlens/artlens/engine"

// EvaluateLabels evaluates a sigmoid model's items (Item.Probabilities are
// then its independent scores) that have a true class: per class,
// precision and recall of its label at threshold and average precision,
// with their counts (engine.NewLabelEvaluation; a picture is a positive
// for its folder's class). A softmax model's items go to Evaluate.
func EvaluateLabels(items []*Item, classes []string, threshold float64) (engine.LabelEvaluation, error) {
	var truth []int
	var scores [][]float32
	for _, it := range items {
		if it.Truth < 0 || it.Truth >= len(classes) || len(it.Probabilities) != len(classes) {
			continue
		}
		truth = append(truth, it.Truth)
		scores = append(scores, it.Probabilities)
	}
	return engine.NewLabelEvaluation(classes, truth, scores, threshold)
}

// LabelCells returns, for a sigmoid model, the labelled items of class c
// by how its label did at threshold: found (of class c, score at or above
// it), extra (of another class, at or above it) and missed (of class c,
// below it), each in the order of items: a sigmoid model's counterpart
// of a confusion matrix's row and column.
func LabelCells(items []*Item, c int, threshold float64) (found, extra, missed []*Item) {
	for _, it := range items {
		if it.Truth < 0 || c < 0 || c >= len(it.Probabilities) {
			continue
		}
		above := float64(it.Probabilities[c]) >= threshold
		switch {
		case it.Truth == c && above:
			found = append(found, it)
		case it.Truth == c:
			missed = append(missed, it)
		case above:
			extra = append(extra, it)
		}
	}
	return found, extra, missed
}
