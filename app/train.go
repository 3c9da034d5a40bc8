package app

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
)

func init() {
	register("train", "train the network on the Art Images data set and write a weights file", runTrain)
}

func runTrain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("train", "--data DIR --out FILE [options]", stderr)
	dataDir := fs.String("data", "", "`folder` of the Art Images download (holding training_set/ and validation_set/)")
	out := fs.String("out", "", "weights `file` to write (safetensors)")
	recipe := fs.String("recipe", "improved", "`recipe`: 'study' (the seed study's: 30 epochs, constant rate, no augmentation, last epoch) or 'improved' (40 epochs, flips and small shifts, a cosine schedule, a moving average of the weights, best epoch on validation)")
	epochs := fs.Int("epochs", 0, "number of epochs (default: the recipe's, 30 or 40)")
	seed := fs.Uint64("seed", 1, "random `seed` for initialisation, shuffling, dropout and augmentation")
	workers := fs.Int("workers", min(runtime.NumCPU(), 2), "graphs run side by side on each batch (must divide the batch of 64)")
	checkpoints := fs.String("checkpoints", "", "`folder` for per-epoch checkpoints; rerunning the same command resumes from it (default: FILE.checkpoints)")
	cache := fs.String("cache", "", "`folder` for the prepared-data cache (default: the user cache folder; '-' for none)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dataDir == "" || *out == "" {
		return fail(stderr, "train needs --data DIR and --out FILE (see 'artlens train --help')")
	}
	if fs.NArg() > 0 {
		return fail(stderr, "train takes no arguments, got %q", fs.Arg(0))
	}
	var cfg training.Config
	switch *recipe {
	case "study":
		cfg = training.StudyRecipe()
	case "improved":
		cfg = training.ImprovedRecipe()
	default:
		return fail(stderr, "unknown recipe %q: use 'study' or 'improved'", *recipe)
	}
	if *epochs < 0 {
		return fail(stderr, "--epochs must be positive")
	}
	if *epochs > 0 {
		cfg.Epochs = *epochs
	}
	if *workers < 1 || cfg.Batch%*workers != 0 {
		return fail(stderr, "--workers must divide the batch of %d", cfg.Batch)
	}
	cfg.Seed, cfg.Workers, cfg.Progress = *seed, *workers, stderr
	cfg.CheckpointDir = *checkpoints
	if cfg.CheckpointDir == "" {
		cfg.CheckpointDir = *out + ".checkpoints"
	}

	data, err := dataset.Load(dataConfig(*dataDir, *cache, dataset.DefaultClasses), loadProgress(stderr))
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintln(stderr, data.Report.String())
	fmt.Fprintf(stderr, "training on %d images, validating on %d, testing on %d; BLAS: %s; recipe %s, %d epochs\n",
		data.Train.Len(), data.Val.Len(), data.Test.Len(), engine.BLAS, *recipe, cfg.Epochs)
	m, err := engine.NewModel(data.Classes, cfg.Seed)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	start := time.Now()
	if err := training.Train(m, data, cfg); err != nil {
		return fail(stderr, "%v", err)
	}
	ev, err := training.Evaluate(m, data.Test)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	m.Meta.Test = &ev
	m.Meta.Training["recipe"] = *recipe
	m.Meta.Training["wall_time"] = time.Since(start).Round(time.Second).String()
	if err := m.SaveFile(*out); err != nil {
		return fail(stderr, "cannot write %s: %v", *out, err)
	}
	fmt.Fprintf(stdout, "wrote %s (kept epoch %d of %d)\n\n", *out, m.Meta.BestEpoch, cfg.Epochs)
	writeEvaluation(stdout, ev)
	return 0
}
