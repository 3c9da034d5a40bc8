package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
)

func init() {
	register("eval", "evaluate a model on the data set's test split (validation_set)", runEval)
}

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("eval", "--data DIR [--json] [--model FILE]", stderr)
	dataDir := fs.String("data", "", "`folder` of the Art Images download (holding training_set/ and validation_set/)")
	asJSON := fs.Bool("json", false, "print the metrics as one JSON object")
	model := fs.String("model", "", "weights `file` to evaluate (default: the shipped model)")
	cache := fs.String("cache", "", "`folder` for the prepared-data cache (default: the user cache folder; '-' for none)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dataDir == "" {
		return fail(stderr, "eval needs --data DIR, the folder holding training_set/ and validation_set/")
	}
	if fs.NArg() > 0 {
		return fail(stderr, "eval takes no arguments, got %q", fs.Arg(0))
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	cfg := dataConfig(*dataDir, *cache, m.Meta.Classes)
	data, err := dataset.Load(cfg, loadProgress(stderr))
	if err != nil {
		return fail(stderr, "%v", err)
	}
	ev, err := training.Evaluate(m, data.Test)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ev); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	writeEvaluation(stdout, ev)
	return 0
}

// dataConfig is the data set configuration for a model with these classes.
func dataConfig(dir, cache string, classes []string) dataset.Config {
	cfg := dataset.Config{Root: dir, Classes: classes, CacheDir: cache}
	return cfg
}

// loadProgress reports data preparation on w as a progress bar.
func loadProgress(w io.Writer) func(done, total int) {
	var bar *progressBar
	return func(done, total int) {
		if bar == nil {
			bar = newProgressBar(w, "preparing images", total)
		}
		bar.update(done)
	}
}

// writeEvaluation prints the test metrics: accuracy, per-class precision
// and recall, and the confusion matrix in counts and in percent of all test
// images (the study's Figure 3).
func writeEvaluation(w io.Writer, ev engine.Evaluation) {
	fmt.Fprintf(w, "Test accuracy: %.2f%% (%d images)\n\n", 100*ev.Accuracy, ev.Total)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "class\tprecision\trecall\t")
	for i, c := range ev.Classes {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t\n", c, ev.Precision[i], ev.Recall[i])
	}
	tw.Flush()
	header := "true \\ predicted\t" + strings.Join(ev.Classes, "\t") + "\t"
	fmt.Fprintln(w, "\nConfusion matrix (counts):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for i, row := range ev.Confusion {
		fmt.Fprintf(tw, "%s\t", ev.Classes[i])
		for _, v := range row {
			fmt.Fprintf(tw, "%d\t", v)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nConfusion matrix (percent of all test images):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for i, row := range ev.Percent() {
		fmt.Fprintf(tw, "%s\t", ev.Classes[i])
		for _, v := range row {
			fmt.Fprintf(tw, "%.1f%%\t", v)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
