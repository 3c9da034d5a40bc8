package engine

import "fmt"

// Metadata is what a weights file says about its model besides the tensors:
// what it classifies, how its input is prepared, how it was trained and how
// well it did. It is stored as JSON in the safetensors header.
type Metadata struct {
	// Classes are the class names in output order.
	Classes []string `json:"classes"`
	// InputSize is the side of a square input image (64 for the study;
	// 0 for a rectangular one). Arch has the whole input shape.
	InputSize int `json:"input_size"`
	// Arch is the network; nil means the study's (StudyArch), which is
	// how files written before architectures were stored read. Model.Arch
	// is authoritative: Marshal writes it here.
	Arch *Arch `json:"architecture,omitempty"`
	// Preprocessing says in words how an image becomes the input tensor.
	Preprocessing string `json:"preprocessing"`
	// History holds one entry per training epoch, in order.
	History []Epoch `json:"history,omitempty"`
	// BestEpoch is the 1-based epoch whose weights were kept (0 if unknown).
	BestEpoch int `json:"best_epoch,omitempty"`
	// Test is the evaluation on the held-out test set, if one was run.
	Test *Evaluation `json:"test,omitempty"`
	// Validation is the evaluation of the kept weights on the validation
	// images held out of training (what a folder without a test split
	// has to show).
	Validation *Evaluation `json:"validation,omitempty"`
	// Calibration is the temperature fitted by `artlens calibrate` and the
	// test split's reliability with and without it (package calibration).
	Calibration *Calibration `json:"calibration,omitempty"`
	// DataFingerprint identifies the data the model was trained on.
	DataFingerprint string `json:"data_fingerprint,omitempty"`
	// Training describes the recipe (optimizer, epochs, augmentation...).
	Training map[string]string `json:"training,omitempty"`
	// Created is when the file was written (RFC 3339).
	Created string `json:"created,omitempty"`
}

// Epoch is the record of one training epoch.
type Epoch struct {
	Epoch         int     `json:"epoch"`
	TrainLoss     float64 `json:"train_loss"`
	TrainAccuracy float64 `json:"train_accuracy"`
	ValLoss       float64 `json:"val_loss"`
	ValAccuracy   float64 `json:"val_accuracy"`
	LearningRate  float64 `json:"learning_rate"`
	Seconds       float64 `json:"seconds"`
}

// Evaluation holds the metrics of a model on a labelled set.
type Evaluation struct {
	Classes []string `json:"classes"`
	// Confusion counts images: rows are the true class, columns the predicted one.
	Confusion [][]int   `json:"confusion"`
	Accuracy  float64   `json:"accuracy"`
	Precision []float64 `json:"precision"`
	Recall    []float64 `json:"recall"`
	Total     int       `json:"total"`
}

// NewEvaluation computes accuracy, per-class precision and recall and the
// confusion matrix from true and predicted class indices (equal lengths,
// values in [0, len(classes))).
func NewEvaluation(classes []string, truth, predicted []int) (Evaluation, error) {
	if len(truth) != len(predicted) {
		return Evaluation{}, fmt.Errorf("engine: %d labels but %d predictions", len(truth), len(predicted))
	}
	n := len(classes)
	e := Evaluation{Classes: append([]string(nil), classes...), Confusion: make([][]int, n),
		Precision: make([]float64, n), Recall: make([]float64, n), Total: len(truth)}
	for i := range e.Confusion {
		e.Confusion[i] = make([]int, n)
	}
	correct := 0
	for i, t := range truth {
		p := predicted[i]
		if t < 0 || t >= n || p < 0 || p >= n {
			return Evaluation{}, fmt.Errorf("engine: class index out of range at %d (%d, %d)", i, t, p)
		}
		e.Confusion[t][p]++
		if t == p {
			correct++
		}
	}
	if len(truth) > 0 {
		e.Accuracy = float64(correct) / float64(len(truth))
	}
	for c := 0; c < n; c++ {
		var col, row int
		for k := 0; k < n; k++ {
			col += e.Confusion[k][c]
			row += e.Confusion[c][k]
		}
		if col > 0 {
			e.Precision[c] = float64(e.Confusion[c][c]) / float64(col)
		}
		if row > 0 {
			e.Recall[c] = float64(e.Confusion[c][c]) / float64(row)
		}
	}
	return e, nil
}

// Percent returns the confusion matrix as percent of all evaluated images,
// the form of the study's Figure 3.
func (e Evaluation) Percent() [][]float64 {
	out := make([][]float64, len(e.Confusion))
	for i, row := range e.Confusion {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			if e.Total > 0 {
				out[i][j] = 100 * float64(v) / float64(e.Total)
			}
		}
	}
	return out
}
