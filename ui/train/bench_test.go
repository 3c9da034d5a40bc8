package train

import (
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/cputime"
	"github.com/artlens/artlens/training"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// BenchmarkTrainViewEpoch sets the Train view's training beside the
// command's on the same folder and settings, by turns (the order swapped
// every round, so that a change in the machine's load falls on both): the
// README's lesson, the small network on four classes of 100 pictures
// (generated), 20 % held out, batch 32, learning rate 0.001, augmentation,
// 10 epochs, a checkpoint written after each. Both read the pictures from
// a data cache warmed before the clock starts, so what is timed is the
// epochs.
//
// The view's run is v.start() until it says "Finished" (training.Train
// returned and every report before it drawn: the batch-loss chart, each
// epoch's charts, confusion matrix, filters, feature maps and Grad-CAM);
// the command's is what 'artlens train --recipe study --arch small
// --epochs 10 --batch 32 --augment' runs between reading its flags and
// writing its file: training.LoadData, engine.NewModelArch and
// training.Train with its progress line.
//
// Issue 17 promises an epoch in the window at most 1.1x the command's
// time: "window-x" is the view's wall time over the command's, the promise
// itself, the median of the rounds'. "window-x-cpu" is the median of the
// view's CPU time, up to the window settled (the last epoch's figures
// drawn too), over the command's: it moves less
// with other jobs on a shared machine and counts the drawing even where a
// spare core hides it. "s/epoch-command" and "s/epoch-window" are the mean
// wall times of an epoch, "s-drawn-after" the wall time from "Finished"
// to the window settled (the last epoch's figures, and the charts' wait
// of chartDebounce before they redraw).
func BenchmarkTrainViewEpoch(b *testing.B) {
	const epochs = 10
	dir := uitest.ClassFolders(b, []string{"drawings", "iconography", "painting", "sculpture"}, 100)
	cache := b.TempDir()
	h, v := trainHarness(b, "", epochs)
	v.cacheDir = cache
	v.batch.SetSelected("32")
	v.openFolder(dir) // reads the pictures into the cache
	h.Settle()

	var after float64
	view := func() (wall, cpu float64) {
		c, w := cputime.Seconds(), time.Now()
		v.start()
		r := v.run
		h.WaitFor("the end of training", func() bool { return !r.running })
		wall = time.Since(w).Seconds()
		h.Settle()
		after += time.Since(w).Seconds() - wall
		cpu = cputime.Seconds() - c
		if !r.finished || len(r.epochs) != epochs || !strings.HasPrefix(v.status.Text, "Finished") {
			b.Fatalf("the view's run: finished %v, %d epochs, status %q", r.finished, len(r.epochs), v.status.Text)
		}
		return wall, cpu
	}
	command := func() (wall, cpu float64) {
		c, w := cputime.Seconds(), time.Now()
		cfg := training.StudyRecipe()
		cfg.Epochs, cfg.Batch, cfg.LearningRate, cfg.Augment = epochs, 32, 0.001, true
		cfg.Seed, cfg.Workers, cfg.Progress = 1, min(runtime.NumCPU(), 2), io.Discard
		cfg.CheckpointDir = filepath.Join(b.TempDir(), "checkpoints")
		dcfg, err := training.FolderConfig(dir, nil, 0.2, cache)
		if err != nil {
			b.Fatal(err)
		}
		arch := training.SmallArch()
		data, err := training.LoadData(dcfg, arch.Input, nil)
		if err != nil {
			b.Fatal(err)
		}
		m, err := engine.NewModelArch(arch, data.Classes, cfg.Seed)
		if err != nil {
			b.Fatal(err)
		}
		if err := training.Train(m, data, cfg); err != nil {
			b.Fatal(err)
		}
		return time.Since(w).Seconds(), cputime.Seconds() - c
	}

	// Each round's ratios; their median is what is reported, so that a
	// burst of other work during one round does not move it.
	var wallX, cpuX []float64
	var viewWall, cmdWall float64
	b.ResetTimer()
	for i := range b.N {
		var vw, vc, cw, cc float64
		if i%2 == 0 {
			vw, vc = view()
		}
		cw, cc = command()
		if i%2 == 1 {
			vw, vc = view()
		}
		wallX, cpuX = append(wallX, vw/cw), append(cpuX, vc/cc)
		viewWall, cmdWall = viewWall+vw, cmdWall+cw
	}
	b.StopTimer()
	v.closed()
	b.ReportMetric(medianOf(wallX), "window-x")
	b.ReportMetric(medianOf(cpuX), "window-x-cpu")
	b.ReportMetric(cmdWall/float64(b.N*epochs), "s/epoch-command")
	b.ReportMetric(viewWall/float64(b.N*epochs), "s/epoch-window")
	b.ReportMetric(after/float64(b.N), "s-drawn-after")
}

// medianOf is the middle of xs (the mean of the two middle ones for an even
// count); xs is sorted.
func medianOf(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
