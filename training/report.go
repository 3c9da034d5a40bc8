package training

import (
	"time"

	"github.com/artlens/artlens/engine"
)

// BatchReport is what Config.OnBatch hears after each optimizer step.
type BatchReport struct {
	Epoch, Step, Steps int // 1-based epoch and step, and the steps of an epoch
	// Loss is this batch's mean loss; RunningLoss and RunningAccuracy
	// are the epoch's so far.
	Loss, RunningLoss, RunningAccuracy float64
	// ImagesPerSecond is the pace of this run so far; Left the time left
	// at that pace to the last epoch's end (validation not counted).
	ImagesPerSecond float64
	Left            time.Duration
}

// EpochReport is what Config.OnEpoch hears after each epoch.
type EpochReport struct {
	Epoch  engine.Epoch // the epoch's record, as in Metadata.History
	Best   int          // the epoch kept so far (1-based)
	Epochs int          // the run's number of epochs
	// ValPredicted is the class predicted for each image of the data's
	// Val split: with its labels, the epoch's validation confusion.
	ValPredicted []int
	// Weights is a copy of the validated weights after this epoch (the
	// moving average, with one), in Params order: engine.NewModelWeights
	// makes the epoch's model from them.
	Weights [][]float32
}

// frozenBelowLast marks every tensor but those of the last layer (the
// tensors whose name starts like the last one's, "dense3." for
// "dense3.bias") as frozen.
func frozenBelowLast(params []engine.Param) []bool {
	frozen := make([]bool, len(params))
	if len(params) == 0 {
		return frozen
	}
	last := layerOf(params[len(params)-1].Name)
	for i, p := range params {
		frozen[i] = layerOf(p.Name) != last
	}
	return frozen
}

// layerOf returns the layer part of a tensor name ("dense3" of
// "dense3.weight").
func layerOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			return name[:i]
		}
	}
	return name
}
