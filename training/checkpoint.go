package training

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/atomicfile"
)

// checkpointFile is the name of the checkpoint inside Config.CheckpointDir.
const checkpointFile = "checkpoint.gob"

// checkpoint is everything needed to continue a run exactly where it
// stopped: the weights, the optimizer's moments, the history and the best
// epoch so far. Shuffling, dropout and augmentation are drawn from
// generators seeded by (seed, epoch), so they need no saved state.
type checkpoint struct {
	weights   [][]float32
	opt       *optimizer
	history   []engine.Epoch
	best      []float32
	bestAcc   float64
	bestLoss  float64
	bestEpoch int
	average   [][]float32 // the moving average of the weights; nil without one
}

// checkpointData is checkpoint's on-disk form.
type checkpointData struct {
	Recipe      map[string]string
	Fingerprint string
	Weights     [][]float32
	M, V        [][]float32
	Step        int
	History     []engine.Epoch
	Best        []float32
	BestAcc     float64
	BestLoss    float64
	BestEpoch   int
	Average     [][]float32
}

func (c *checkpoint) save(dir string, m *engine.Model, recipe map[string]string, fingerprint string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d := checkpointData{Recipe: recipe, Fingerprint: fingerprint, Weights: c.weights, M: c.opt.m, V: c.opt.v,
		Step: c.opt.step, History: c.history, Best: c.best, BestAcc: c.bestAcc, BestLoss: c.bestLoss, BestEpoch: c.bestEpoch,
		Average: c.average}
	err := atomicfile.Write(filepath.Join(dir, checkpointFile), 0o644, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(&d)
	})
	if err != nil {
		return err
	}
	// The model as it stands, readable by the app and the eval command.
	return m.SaveFile(filepath.Join(dir, "last.safetensors"))
}

// loadCheckpoint returns the checkpoint in dir, nil if there is none, or an
// error if it belongs to another recipe or other data (so that a run never
// silently continues someone else's). opt, the recipe's optimizer for
// tensors of the given sizes, receives the saved state.
func loadCheckpoint(dir string, recipe map[string]string, fingerprint string, sizes []int, opt *optimizer) (*checkpoint, error) {
	f, err := os.Open(filepath.Join(dir, checkpointFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var d checkpointData
	if err := gob.NewDecoder(f).Decode(&d); err != nil {
		return nil, fmt.Errorf("training: checkpoint in %s is damaged (%v); remove it to start afresh", dir, err)
	}
	if d.Fingerprint != fingerprint || !maps.Equal(d.Recipe, recipe) {
		return nil, fmt.Errorf("training: the checkpoint in %s is of another recipe or other data; remove it or choose another --checkpoints folder", dir)
	}
	// Average is nil in a checkpoint of a run without averaging.
	if len(d.Weights) != len(sizes) || len(d.M) != len(sizes) || len(d.V) != len(sizes) ||
		d.Average != nil && len(d.Average) != len(sizes) {
		return nil, fmt.Errorf("training: the checkpoint in %s does not fit this model", dir)
	}
	for i, n := range sizes {
		if len(d.Weights[i]) != n || len(d.M[i]) != n || len(d.V[i]) != n ||
			d.Average != nil && len(d.Average[i]) != n {
			return nil, fmt.Errorf("training: the checkpoint in %s does not fit this model", dir)
		}
	}
	opt.m, opt.v, opt.step = d.M, d.V, d.Step
	return &checkpoint{weights: d.Weights, opt: opt, history: d.History, best: d.Best,
		bestAcc: d.BestAcc, bestLoss: d.BestLoss, bestEpoch: d.BestEpoch, average: d.Average}, nil
}
