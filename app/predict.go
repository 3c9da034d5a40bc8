package app

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/shard"
	"github.com/artlens/artlens/picture"
)

func init() {
	register("predict", "print the predicted class and the probabilities of images (a sigmoid model: its labels above --threshold and its scores)", runPredict)
}

// predictResult is one line of `predict --json`.
type predictResult struct {
	File string `json:"file"`
	// Output is the model's output kind, "softmax" or "sigmoid".
	Output string `json:"output,omitempty"`
	// Class and Probabilities are a softmax model's answer.
	Class         string             `json:"class,omitempty"`
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	// Labels, Scores and Threshold are a sigmoid model's: every class's
	// own score, and the labels at or above the threshold (the answer,
	// highest first; possibly none).
	Labels    []string           `json:"labels,omitempty"`
	Scores    map[string]float64 `json:"scores,omitempty"`
	Threshold *float64           `json:"threshold,omitempty"`
	Error     string             `json:"error,omitempty"`
	// Fields are the picture's fields in the catalogue (--catalogue).
	Fields map[string][]string `json:"fields,omitempty"`
}

func runPredict(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("predict", "[--json|--csv] [--recursive] [--shard I/N] [--threshold T] [--model FILE|NAME [--model FILE|NAME]] IMAGE|FOLDER...", stdout, stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per image (file, output kind, class and probabilities, or labels above the threshold and scores for a sigmoid model, or error)")
	threshold := fs.Float64("threshold", engine.DefaultThreshold, thresholdUsage)
	asCSV := fs.Bool("csv", false, "print CSV: a header, then one line per image (file, class, probability, second choice, each class's probability, error)")
	recursive := fs.Bool("recursive", false, "look for images in the folders' subfolders too")
	calibrated := fs.Bool("calibrated", false, "probabilities from the logits divided by the model's temperature ('artlens calibrate'); the answers stay the same")
	var models modelFlags
	fs.Var(&models, "model", modelUsage+"; twice, two models side by side, their disagreements marked")
	var sh shard.Shard
	fs.Var(&sh, "shard", "do only part `I/N` of the images (a stable split by path, for batch runners; see the README)")
	catFile := fs.String("catalogue", "", catalogueUsage+"; --json gives each picture's fields")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if msg := models.tooMany(); msg != "" {
		return usageError(stderr, "predict", "%s", msg)
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "predict", "give at least one image or folder")
	}
	if *asJSON && *asCSV {
		return usageError(stderr, "predict", "choose one of --json and --csv")
	}
	if msg := checkThreshold(*threshold); msg != "" {
		return usageError(stderr, "predict", "%s", msg)
	}
	files, err := imageInputs(fs.Args(), *recursive, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return !sh.Has(shard.Rel(fs.Args(), f)) })
	if len(models) == 2 {
		if *calibrated {
			return usageError(stderr, "predict", "--calibrated takes one model")
		}
		return predictPair(models, files, *asJSON, *asCSV, stdout, stderr)
	}
	m, err := loadModel(models.one())
	if err != nil {
		return fail(stderr, "%v", err)
	}
	t, err := temperatureOf(m, *calibrated)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	var cat *catalogue.Joined
	if *asJSON || *catFile != "" { // only --json shows the fields
		if cat, err = joinCatalogue(*catFile, fs.Args(), files, stderr); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	enc := json.NewEncoder(stdout)
	var table *csv.Writer
	if *asCSV {
		table = csv.NewWriter(stdout)
		table.Write(csvHeader(m.Meta.Classes, m.Output()))
	}
	bar := newProgressBar(stderr, "predict", len(files))
	failed := 0
	var werr error
	predictFiles(m, files, *threshold, func(i int, res predictResult) bool {
		bar.update(i + 1)
		calibrateResult(m.Meta.Classes, res.Probabilities, t)
		if res.Error != "" {
			failed++
		}
		switch {
		case *asJSON:
			res.Fields = fieldsOf(cat, i)
			werr = enc.Encode(res)
		case table != nil:
			table.Write(csvRecord(m.Meta.Classes, res))
			table.Flush()
			werr = table.Error()
		case res.Error != "":
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %s: %s\n", res.File, res.Error)
		default:
			fmt.Fprintln(stdout, resultLine(m.Meta.Classes, res))
		}
		return werr == nil
	})
	if werr != nil {
		return fail(stderr, "%v", werr)
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// predictPerCore is how many pictures each core's graph runs at once in
// predictFiles: one, so that a picture's probabilities are the same
// whatever pictures come with it (a dense layer sums one picture in
// another order than several: a shard of a folder would print other last
// digits than the whole), and each graph of a large network (ResNet-18
// at 224x224) holds one picture's maps. A picture of ResNet-18 is enough
// arithmetic to keep a core busy; the study's small network loses a
// little to each run's handoffs between threads.
const predictPerCore = 1

// predictFiles classifies files and calls each with their results in the
// files' order, until each returns false. The pictures are decoded on
// every core a round at a time and run together through PredictBatch (its
// graphs side by side, one per core, no activations kept): a folder goes
// several times faster than one Predict after another, which keeps every
// place's maps and decodes on one core.
func predictFiles(m *engine.Model, files []string, threshold float64, each func(i int, res predictResult) bool) {
	in := m.Input()
	cores := runtime.GOMAXPROCS(0)
	round := predictPerCore * cores
	inputs := make([][]float32, round)
	results := make([]predictResult, round)
	var batch []float32
	var which []int
	for first := 0; first < len(files); first += round {
		k := min(round, len(files)-first)
		var wg sync.WaitGroup
		var next atomic.Int64
		for range min(cores, k) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := int(next.Add(1)) - 1; j < k; j = int(next.Add(1)) - 1 {
					f := files[first+j]
					results[j], inputs[j] = predictResult{File: f}, nil
					img, _, err := picture.Open(f)
					if err != nil {
						results[j].Error = reason(f, err)
						continue
					}
					inputs[j] = picture.ToInputShape(img, in.Channels, in.Width, in.Height)
				}
			}()
		}
		wg.Wait()
		batch, which = batch[:0], which[:0]
		for j := range k {
			if inputs[j] != nil {
				batch = append(batch, inputs[j]...)
				which = append(which, j)
			}
		}
		probs, err := m.PredictBatch(batch, len(which))
		for n, j := range which {
			if err != nil {
				results[j].Error = err.Error()
				continue
			}
			setScores(&results[j], m, probs[n], threshold)
		}
		for j := range k {
			if !each(first+j, results[j]) {
				return
			}
		}
	}
}

// predictFile classifies one image file; a failure is reported in Error.
func predictFile(m *engine.Model, path string) predictResult {
	res := predictResult{File: path}
	img, _, err := picture.Open(path)
	if err != nil {
		res.Error = reason(path, err)
		return res
	}
	in := m.Input()
	p, err := m.Predict(picture.ToInputShape(img, in.Channels, in.Width, in.Height))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	setScores(&res, m, p.Probabilities, engine.DefaultThreshold)
	return res
}

// csvHeader is the first line of `predict --csv`; a sigmoid model's
// (output) has the labels at or above the threshold and each class's score.
func csvHeader(classes []string, output string) []string {
	if output == engine.OutputSigmoid {
		h := []string{"file", "output", "labels", "threshold"}
		for _, c := range classes {
			h = append(h, "score_"+c)
		}
		return append(h, "error")
	}
	h := []string{"file", "class", "probability", "second", "second_probability"}
	for _, c := range classes {
		h = append(h, "p_"+c)
	}
	return append(h, "error")
}

// csvRecord is one line of `predict --csv`; a file that failed has only
// its name and the error.
func csvRecord(classes []string, res predictResult) []string {
	rec := make([]string, 0, len(classes)+6)
	rec = append(rec, res.File)
	if res.Error != "" {
		for range len(classes) + 4 - 1 {
			rec = append(rec, "")
		}
		if res.Output != engine.OutputSigmoid {
			rec = append(rec, "")
		}
		return append(rec, res.Error)
	}
	if res.Output == engine.OutputSigmoid {
		rec = append(rec, res.Output, strings.Join(res.Labels, ";"), strconv.FormatFloat(*res.Threshold, 'g', -1, 64))
		for _, c := range classes {
			rec = append(rec, strconv.FormatFloat(res.Scores[c], 'f', 4, 64))
		}
		return append(rec, "")
	}
	probs := make([]float32, len(classes))
	for i, c := range classes {
		probs[i] = float32(res.Probabilities[c])
	}
	first := engine.Argmax(probs)
	second := -1
	for i, p := range probs {
		if i != first && (second < 0 || p > probs[second]) {
			second = i
		}
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	rec = append(rec, classes[first], f(res.Probabilities[classes[first]]))
	if second >= 0 {
		rec = append(rec, classes[second], f(res.Probabilities[classes[second]]))
	} else {
		rec = append(rec, "", "")
	}
	for _, c := range classes {
		rec = append(rec, f(res.Probabilities[c]))
	}
	return append(rec, "")
}

// formatProbabilities writes each class's probability in the classes'
// order; with more than twice topShown classes (an ImageNet model's
// 1,000), only the topShown most probable, most probable first (JSON and
// CSV carry all).
func formatProbabilities(classes []string, probs map[string]float64) string {
	shown := topClasses(classes, probs)
	parts := make([]string, len(shown))
	for i, c := range shown {
		parts[i] = fmt.Sprintf("%s %.1f%%", c, 100*probs[c])
	}
	if len(shown) < len(classes) {
		parts = append(parts, fmt.Sprintf("(top %d of %d classes)", len(shown), len(classes)))
	}
	return strings.Join(parts, "  ")
}

// topClasses returns classes, or with more than twice topShown of them
// the topShown of highest value, highest first.
func topClasses(classes []string, values map[string]float64) []string {
	if len(classes) <= 2*topShown {
		return classes
	}
	shown := slices.Clone(classes)
	slices.SortStableFunc(shown, func(a, b string) int { return cmp.Compare(values[b], values[a]) })
	return shown[:topShown]
}

// topShown is how many classes a line of predict's text shows for a model
// of more than twice as many.
const topShown = 5
