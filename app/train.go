package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
)

func init() {
	register("train", "train the network on the Art Images data set or a folder of class folders and write a weights file", runTrain)
}

// batchNote explains why an epoch's progress counts fewer images than the
// training split holds: the last, incomplete batch is left out (a
// different few each epoch, since the order is shuffled).
func batchNote(images, batch int) string {
	steps, left := images/batch, images%batch
	batches := fmt.Sprintf("%d batches of %d", steps, batch)
	if steps == 1 {
		batches = fmt.Sprintf("1 batch of %d", batch)
	}
	if left == 0 {
		return "each epoch: " + batches
	}
	return fmt.Sprintf("each epoch: %s = %d images; the %d left over differ from epoch to epoch (shuffled)",
		batches, steps*batch, left)
}

// stopOnInterrupt returns a channel closed at the first Ctrl-C (SIGINT or
// SIGTERM), so that training ends after its current batch and says what it
// kept; a second Ctrl-C ends the process at once. release undoes it.
func stopOnInterrupt() (stop <-chan struct{}, release func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ch := make(chan struct{})
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			signal.Stop(sig)
			close(ch)
		case <-done:
		}
	}()
	return ch, func() {
		signal.Stop(sig)
		close(done)
	}
}

func runTrain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("train", "--data DIR --out FILE [--arch FILE.json] [options]", stdout, stderr)
	dataDir := fs.String("data", "", "`folder` of the Art Images download (holding training_set/ and validation_set/), or a folder of class folders (one folder of pictures per class), from which the validation share is held out")
	out := fs.String("out", "", "weights `file` to write (safetensors)")
	recipe := fs.String("recipe", "improved", "`recipe`: 'study' (the seed study's: 30 epochs, constant rate, no augmentation, last epoch) 'improved' (40 epochs, flips and small shifts, a cosine schedule, a moving average of the weights, best epoch on validation) or 'residual' (the companion's: improved with SGD, momentum 0.9, from a rate of 0.05, weight decay 5e-4 and label smoothing 0.1)")
	epochs := fs.Int("epochs", 0, "number of epochs (default: the recipe's, 30 or 40)")
	seed := fs.Uint64("seed", 1, "random `seed` for initialisation, shuffling, dropout and augmentation")
	workers := fs.Int("workers", min(runtime.NumCPU(), 2), "graphs run side by side on each batch (must divide the batch of 64)")
	checkpoints := fs.String("checkpoints", "", "`folder` for per-epoch checkpoints; rerunning the same command resumes from it (default: FILE.checkpoints)")
	archFile := fs.String("arch", "", "architecture `file` (JSON, as 'artlens summary --arch' prints) to train instead of the study's network (its last dense layer may leave units at 0 for one per class), or 'small' for a small fast network (three conv layers on 32x32 pictures), 'small-residual' for a small residual one (three residual blocks with batch norm on 32x32 pictures), 'resnet' for the shipped companion (a half-width ResNet-18 on 128x128 pictures), 'study' for the study's (the default)")
	fineTune := fs.String("finetune", "", "weights `file` (or the name of a shipped model) of a trained model whose layers are kept (frozen) and whose last layer is replaced by a new one for the classes, the only one trained")
	augment := fs.Bool("augment", false, "random horizontal flips and shifts of up to 4 pixels, a sixteenth of the side above 64 (default: the recipe's, on for improved, off for study)")
	classList := fs.String("classes", "", "class `folders` to train on, comma-separated, in the order of the network's outputs (default: the study's four classes for the Art Images download, every class folder of a folder of class folders)")
	valShare := fs.Float64("val", 0, "`share` of each class's pictures held out for validation (default 0.1 of training_set for the Art Images download, 0.2 of a folder of class folders)")
	batch := fs.Int("batch", 0, "pictures per optimizer step (default: the recipe's, 64)")
	lr := fs.Float64("lr", 0, "the optimizer's learning `rate` (default: the recipe's, 0.001; 0.05 for residual)")
	size := fs.Int("size", 0, "side in `pixels` of the square the pictures are shrunk to, from 16 to 512 (default: the network's own, 64 for the study's, 32 for small, the file's): larger sees finer detail and takes about the square of the side in time (the study's network needs 48 or more)")
	cache := fs.String("cache", "", "`folder` for the prepared-data cache (default: the user cache folder; '-' for none)")
	catFile := fs.String("catalogue", "", "with --label, a catalogue `file` whose paths are relative to the --data folder (\"training_set/painting/x.jpg\" in the download); default: catalogue.csv in it")
	average := fs.Float64("average", -1, "`decay` of the moving average of the weights, 0 for none (default: the recipe's, 0.998 for improved and residual: about five epochs of the data set, too long a memory for a fine-tuning of two or three)")
	extraDir := fs.String("extra", "", "`folder` of class folders named after the classes (supplementary pictures, such as docs/extra-art-SOURCES.tsv's) added to the training split only: validation and test stay the data set's; recorded in the weights file")
	initFile := fs.String("init", "", "weights `file` (or the name of a shipped model) to start from instead of a fresh initialisation, every layer trained on (same network and classes; recorded in the weights file)")
	labelField := fs.String("label", "", "train on the classes made from the catalogue's `field` (its centuries for dates, its values otherwise) instead of the class folders; no picture is copied")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dataDir == "" || *out == "" {
		return usageError(stderr, "train", "train needs --data DIR and --out FILE")
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "train", "train takes no arguments, got %q", fs.Arg(0))
	}
	var cfg training.Config
	switch *recipe {
	case "study":
		cfg = training.StudyRecipe()
	case "improved":
		cfg = training.ImprovedRecipe()
	case "residual":
		cfg = training.ResidualRecipe()
	default:
		return usageError(stderr, "train", "unknown recipe %q: use study, improved or residual", *recipe)
	}
	if *epochs < 0 {
		return usageError(stderr, "train", "--epochs must be positive")
	}
	if *epochs > 0 {
		cfg.Epochs = *epochs
	}
	if *batch < 0 || *lr < 0 || *valShare < 0 || *valShare >= 1 {
		return usageError(stderr, "train", "--batch and --lr must be positive, --val between 0 and 1")
	}
	if *batch > 0 {
		cfg.Batch = *batch
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "augment" {
			cfg.Augment = *augment
		}
	})
	if *fineTune != "" && *archFile != "" {
		return usageError(stderr, "train", "--finetune keeps the model's own network: give --arch or --finetune, not both")
	}
	if *initFile != "" && (*fineTune != "" || *archFile != "" || *size != 0) {
		return usageError(stderr, "train", "--init keeps the model's own network and input size: give --init without --finetune, --arch or --size")
	}
	if *size != 0 && *fineTune != "" {
		return usageError(stderr, "train", "--finetune keeps the model's input size: give --size or --finetune, not both")
	}
	if *lr > 0 {
		cfg.LearningRate = *lr
	}
	if *average >= 1 {
		return usageError(stderr, "train", "--average must be below 1")
	}
	if *average >= 0 {
		cfg.Average = *average
	}
	if *workers < 1 || cfg.Batch%*workers != 0 {
		return usageError(stderr, "train", "--workers must divide the batch of %d", cfg.Batch)
	}
	cfg.Seed, cfg.Workers, cfg.Progress = *seed, *workers, stderr
	cfg.CheckpointDir = *checkpoints
	if cfg.CheckpointDir == "" {
		cfg.CheckpointDir = *out + ".checkpoints"
	}

	var classes []string
	for _, c := range strings.Split(*classList, ",") {
		if c = strings.TrimSpace(c); c != "" {
			classes = append(classes, c)
		}
	}
	dcfg, err := training.FolderConfig(*dataDir, classes, *valShare, *cache)
	if *labelField != "" {
		dcfg, err = labelConfig(*dataDir, *catFile, *labelField, *valShare, *cache, stderr)
	} else if *catFile != "" {
		return usageError(stderr, "train", "--catalogue gives the classes with --label FIELD")
	}
	if err != nil {
		return fail(stderr, "%v", err)
	}
	classes = dcfg.Classes
	arch := engine.StudyArch()
	var base *engine.Model
	named, isNamed := training.NamedArch(*archFile)
	switch {
	case isNamed:
		arch = named
	case *archFile != "":
		if arch, err = engine.ReadArch(*archFile, len(classes)); err != nil {
			return fail(stderr, "%v", err)
		}
	case *fineTune != "":
		if base, err = loadModel(*fineTune); err != nil {
			return fail(stderr, "%v", err)
		}
		arch = base.Arch()
		cfg.FineTune = true
	case *initFile != "":
		if base, err = loadModel(*initFile); err != nil {
			return fail(stderr, "%v", err)
		}
		if !slices.Equal(base.Meta.Classes, classes) {
			return fail(stderr, "--init %s: the model's classes are %s, the data's %s", *initFile, strings.Join(base.Meta.Classes, ", "), strings.Join(classes, ", "))
		}
		arch = base.Arch()
		cfg.Init = modelName(*initFile)
	}
	if arch, err = training.Resize(arch, *size); err != nil {
		return fail(stderr, "%v", err)
	}
	data, err := training.LoadData(dcfg, arch.Input, loadProgress(stderr))
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintln(stderr, data.Report.String())
	if *extraDir != "" {
		rep, err := training.AddExtra(data, *extraDir, *cache, loadProgress(stderr))
		if err != nil {
			return fail(stderr, "%v", err)
		}
		cfg.Extra = rep.Describe(data.Classes)
		fmt.Fprintln(stderr, "extra: "+cfg.Extra)
	}
	fmt.Fprintf(stderr, "training on %d images, validating on %d, testing on %d; recipe %s, %d epochs\n",
		data.Train.Len(), data.Val.Len(), data.Test.Len(), *recipe, cfg.Epochs)
	fmt.Fprintln(stderr, batchNote(data.Train.Len(), cfg.Batch))
	var m *engine.Model
	switch {
	case base != nil && cfg.Init != "":
		// The trained model goes on learning as it is; what it knew of
		// its former test split and calibration no longer holds.
		m = base
		m.Meta.Test, m.Meta.Validation, m.Meta.Calibration = nil, nil, nil
	case base != nil:
		m, err = training.FineTuneModel(base, data.Classes, cfg.Seed)
	default:
		m, err = engine.NewModelArch(arch, data.Classes, cfg.Seed)
	}
	if err != nil {
		return fail(stderr, "%v", err)
	}
	start := time.Now()
	stop, release := stopOnInterrupt()
	defer release()
	cfg.Stop = stop
	if err := training.Train(m, data, cfg); err != nil {
		var stopped *training.StoppedError
		if errors.As(err, &stopped) {
			fmt.Fprintf(stderr, "artlens: %v\n", err)
			return 130 // as a shell reports a process ended by Ctrl-C
		}
		return fail(stderr, "%v", err)
	}
	if data.Test.Len() > 0 {
		ev, err := training.Evaluate(m, data.Test)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		m.Meta.Test = &ev
	}
	m.Meta.Training["recipe"] = *recipe
	m.Meta.Training["wall_time"] = time.Since(start).Round(time.Second).String()
	if err := m.SaveFile(*out); err != nil {
		return fail(stderr, "cannot write %s: %v", *out, err)
	}
	fmt.Fprintf(stdout, "wrote %s (kept epoch %d of %d)\n\n", *out, m.Meta.BestEpoch, cfg.Epochs)
	switch {
	case m.Meta.Test != nil:
		writeEvaluation(stdout, *m.Meta.Test)
	case m.Meta.Validation != nil:
		fmt.Fprintln(stdout, "No test split (a folder of class folders): the validation pictures held out of training are the check.")
		writeEvaluationOf(stdout, "validation", *m.Meta.Validation)
	}
	return 0
}
