package app

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
)

func init() {
	register("eval", "evaluate a model on the data set's test split (validation_set) or a labelled folder", runEval)
}

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("eval", "--data DIR [--json] [--threshold T] [--model FILE|NAME [--save] | --model A --model B]", stdout, stderr)
	dataDir := fs.String("data", "", "`folder` holding validation_set/ (the Art Images download), or a labelled folder whose subfolders are named after the classes")
	asJSON := fs.Bool("json", false, "print the metrics as one JSON object")
	var models modelFlags
	fs.Var(&models, "model", "weights `file`, or the name of a shipped model, to evaluate (default: the study's); twice, two models compared with McNemar's test")
	cache := fs.String("cache", "", "`folder` for the prepared-data cache (default: the user cache folder; '-' for none)")
	catFile := fs.String("catalogue", "", catalogueUsage+"; with --by, the accuracy by a field")
	byField := fs.String("by", "", "break the accuracy down by the catalogue's `field` (by century for dates), worst first")
	save := fs.Bool("save", false, "write the metrics into the --model weights file, for a model that holds none (an imported one)")
	threshold := fs.Float64("threshold", engine.DefaultThreshold, thresholdUsage+" (precision and recall are of the labels at or above it)")
	calibrated := fs.Bool("calibrated", false, "probabilities from the logits divided by the model's temperature ('artlens calibrate'); the answers stay the same")
	reliability := fs.String("reliability", "", "also draw the reliability diagram (accuracy per bin of the top probability, with the ECE) as a PNG `file`")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if msg := models.tooMany(); msg != "" {
		return usageError(stderr, "eval", "%s", msg)
	}
	if *dataDir == "" {
		return usageError(stderr, "eval", "eval needs --data DIR, the folder holding validation_set/ (or class folders)")
	}
	model := models.one()
	if *save && len(models) == 2 {
		return usageError(stderr, "eval", "--save writes into one --model file: give one model")
	}
	if *save && (model == "" || strings.EqualFold(filepath.Ext(model), ".onnx") || isShipped(model)) {
		return usageError(stderr, "eval", "--save writes into the --model weights file: give one (import an ONNX model first; a shipped model cannot be changed)")
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "eval", "eval takes no arguments, got %q", fs.Arg(0))
	}
	if msg := checkThreshold(*threshold); msg != "" {
		return usageError(stderr, "eval", "%s", msg)
	}
	if len(models) == 2 && (*calibrated || *reliability != "") {
		return usageError(stderr, "eval", "--calibrated and --reliability take one model")
	}
	if *catFile != "" || *byField != "" {
		if len(models) == 2 {
			return usageError(stderr, "eval", "--by evaluates one model: give one --model")
		}
		return evalBy(model, *dataDir, *catFile, *byField, *asJSON, stdout, stderr)
	}
	if len(models) == 2 {
		return evalPair(models, *dataDir, *cache, *asJSON, stdout, stderr)
	}
	m, err := loadModel(model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	cfg := dataConfig(*dataDir, *cache, m.Meta.Classes)
	cfg.TestOnly = true
	data, err := training.LoadData(cfg, m.Input(), loadProgress(stderr))
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if data.Test.Len() == 0 {
		return fail(stderr, "no images to evaluate in %s: %d files found, none of them an image in a class folder", data.Root, data.Report.Files)
	}
	if m.Output() == engine.OutputSigmoid {
		if *save {
			return fail(stderr, "--save: a weights file holds a softmax model's test accuracy; this model gives independent (sigmoid) scores")
		}
		return evalLabels(m, data.Test, *threshold, *asJSON, stdout, stderr)
	}
	t, err := temperatureOf(m, *calibrated)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	ev, rel, err := evaluateReliability(m, data.Test, t)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if *reliability != "" {
		if err := writeReliability(*reliability, rel, modelName(model), t); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	if *save {
		m.Meta.Test = &ev
		if err := m.SaveFile(model); err != nil {
			return fail(stderr, "cannot write %s: %v", model, err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(evalJSON{ev, rel.ECE, rel.Bins}); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	writeEvaluation(stdout, ev)
	fmt.Fprintf(stdout, "\nExpected calibration error: %.4f (15 bins of the top probability, %d images%s)\n", rel.ECE, rel.Count, map[bool]string{true: ", calibrated"}[t > 0])
	return 0
}

// dataConfig is the data set configuration for a model with these classes.
func dataConfig(dir, cache string, classes []string) dataset.Config {
	cfg := dataset.Config{Root: dir, Classes: classes, CacheDir: cache}
	if !slices.Equal(classes, dataset.DefaultClasses) {
		// Another model's classes are its folders' names: the download's
		// folder map (engraving to drawings...) is the study's.
		cfg.ClassMap = map[string]string{}
	}
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

// writeEvaluation prints the test metrics: accuracy with the count of
// right answers, per-class precision and recall, and the confusion matrix
// in counts and in percent of all test images (the study's Figure 3).
func writeEvaluation(w io.Writer, ev engine.Evaluation) { writeEvaluationOf(w, "test", ev) }

// writeEvaluationOf prints the metrics of ev as writeEvaluation does, for
// the images named by what ("test" or "validation").
func writeEvaluationOf(w io.Writer, what string, ev engine.Evaluation) {
	right := 0
	for i, row := range ev.Confusion {
		right += row[i]
	}
	fmt.Fprintf(w, "%s accuracy: %.2f%% (%d of %d images right)\n\n", strings.ToUpper(what[:1])+what[1:], 100*ev.Accuracy, right, ev.Total)
	rows := [][]string{{"class", "precision", "recall"}}
	for i, c := range ev.Classes {
		rows = append(rows, []string{c, fmt.Sprintf("%.3f", ev.Precision[i]), fmt.Sprintf("%.3f", ev.Recall[i])})
	}
	writeTable(w, rows)
	header := append([]string{"true \\ predicted"}, ev.Classes...)
	fmt.Fprintln(w, "\nConfusion matrix (counts):")
	rows = [][]string{header}
	for i, counts := range ev.Confusion {
		row := []string{ev.Classes[i]}
		for _, v := range counts {
			row = append(row, fmt.Sprint(v))
		}
		rows = append(rows, row)
	}
	writeTable(w, rows)
	fmt.Fprintf(w, "\nConfusion matrix (percent of all %s images):\n", what)
	rows = [][]string{header}
	for i, percents := range ev.Percent() {
		row := []string{ev.Classes[i]}
		for _, v := range percents {
			row = append(row, fmt.Sprintf("%.1f%%", v))
		}
		rows = append(rows, row)
	}
	writeTable(w, rows)
}

// writeTable writes rows as aligned columns two spaces apart, with no
// trailing spaces.
func writeTable(w io.Writer, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// evalLabels evaluates a sigmoid model on the labelled pictures of s (one
// label each, their folder's class): per class, precision and recall of
// its label at threshold and average precision, with their counts.
func evalLabels(m *engine.Model, s dataset.Split, threshold float64, asJSON bool, stdout, stderr io.Writer) int {
	scores, err := m.PredictBatch(s.X, 64)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	ev, err := engine.NewLabelEvaluation(m.Meta.Classes, s.Y, scores, threshold)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ev); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	writeLabelEvaluation(stdout, ev)
	return 0
}

// writeLabelEvaluation prints a sigmoid model's evaluation: what its
// scores are, then per class its label's precision and recall at the
// threshold and its average precision, each with its counts.
func writeLabelEvaluation(w io.Writer, ev engine.LabelEvaluation) {
	fmt.Fprintf(w, "The model gives %s; its answer is the labels at or above %g.\n", sigmoidNote, ev.Threshold)
	fmt.Fprintf(w, "%d test images, one label each (their folder's class): %d answered exactly their own label, %d with no label above %g.\n\n",
		ev.Total, ev.Exact, ev.None, ev.Threshold)
	ratio := func(p *float64, a, b int) string {
		if p == nil {
			return fmt.Sprintf("- (%d of %d)", a, b)
		}
		return fmt.Sprintf("%.3f (%d of %d)", *p, a, b)
	}
	rows := [][]string{{"class", "precision", "recall", "average precision"}}
	for _, c := range ev.Classes {
		ap := "- (no image of the class)"
		if c.AveragePrecision != nil {
			ap = fmt.Sprintf("%.3f", *c.AveragePrecision)
		}
		rows = append(rows, []string{c.Class, ratio(c.Precision, c.TruePositives, c.Predicted), ratio(c.Recall, c.TruePositives, c.Positives), ap})
	}
	writeTable(w, rows)
	if ev.MeanAP != nil {
		fmt.Fprintf(w, "\nMean average precision: %.3f (over %d classes)\n", *ev.MeanAP, ev.APClasses)
	}
}
