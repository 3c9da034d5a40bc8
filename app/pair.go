package app

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
)

// Two models side by side: `predict --model A --model B` and `eval
// --model A --model B`.

// pairedModel is a model given by --model and the name the output uses.
type pairedModel struct {
	name string
	m    *engine.Model
}

// loadPair loads the two models of --model A --model B. Two models of
// one name (two files model.safetensors) are told apart by their place.
func loadPair(paths modelFlags) ([2]pairedModel, error) {
	var p [2]pairedModel
	for i, path := range paths {
		m, err := loadModel(path)
		if err != nil {
			return p, err
		}
		if m.Output() == engine.OutputSigmoid {
			// A pair's answers are one class each, compared: a set of
			// labels a picture is not that (predict each model alone).
			return p, fmt.Errorf("%s gives independent (sigmoid) scores; two models side by side are compared for softmax classifiers only: run predict with each model alone", modelName(path))
		}
		p[i] = pairedModel{name: modelName(path), m: m}
	}
	if p[0].name == p[1].name {
		p[0].name, p[1].name = p[0].name+" (1)", p[1].name+" (2)"
	}
	return p, nil
}

// pairAnswer is one model's answer in `predict --json` with two models.
type pairAnswer struct {
	Model         string             `json:"model"`
	Class         string             `json:"class"`
	Probabilities map[string]float64 `json:"probabilities"`
}

// pairResult is one line of `predict --json` with two models: both
// answers, and whether their classes differ.
type pairResult struct {
	File     string       `json:"file"`
	Answers  []pairAnswer `json:"answers,omitempty"`
	Disagree bool         `json:"disagree"`
	Error    string       `json:"error,omitempty"`
}

// pairCSVHeader is the first line of `predict --csv` with two models.
var pairCSVHeader = []string{"file", "model_1", "class_1", "probability_1", "model_2", "class_2", "probability_2", "disagree", "error"}

// predictPair classifies files with both models and prints both answers,
// marking the pictures where their classes differ.
func predictPair(paths modelFlags, files []string, asJSON, asCSV bool, stdout, stderr io.Writer) int {
	pair, err := loadPair(paths)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	enc := json.NewEncoder(stdout)
	var table *csv.Writer
	if asCSV {
		table = csv.NewWriter(stdout)
		table.Write(pairCSVHeader)
	}
	bar := newProgressBar(stderr, "predict", len(files))
	failed, disagree := 0, 0
	for i, f := range files {
		res := pairResult{File: f}
		for _, p := range pair {
			r := predictFile(p.m, f)
			if r.Error != "" {
				res.Error, res.Answers = r.Error, nil
				break
			}
			res.Answers = append(res.Answers, pairAnswer{Model: p.name, Class: r.Class, Probabilities: r.Probabilities})
		}
		bar.update(i + 1)
		if res.Error != "" {
			failed++
		} else if res.Answers[0].Class != res.Answers[1].Class {
			res.Disagree = true
			disagree++
		}
		switch {
		case asJSON:
			if err := enc.Encode(res); err != nil {
				return fail(stderr, "%v", err)
			}
		case table != nil:
			rec := []string{f, pair[0].name, "", "", pair[1].name, "", "", "", res.Error}
			if res.Error == "" {
				for k, a := range res.Answers {
					rec[2+3*k], rec[3+3*k] = a.Class, strconv.FormatFloat(a.Probabilities[a.Class], 'f', 4, 64)
				}
				rec[7] = strconv.FormatBool(res.Disagree)
			}
			table.Write(rec)
			if table.Flush(); table.Error() != nil {
				return fail(stderr, "%v", table.Error())
			}
		case res.Error != "":
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %s: %s\n", f, res.Error)
		default:
			mark := "agree"
			if res.Disagree {
				mark = "DISAGREE"
			}
			a, b := res.Answers[0], res.Answers[1]
			fmt.Fprintf(stdout, "%s: %s: %s (%.1f%%)  %s: %s (%.1f%%)  %s\n", f, a.Model, a.Class, 100*a.Probabilities[a.Class],
				b.Model, b.Class, 100*b.Probabilities[b.Class], mark)
		}
	}
	if !asJSON && !asCSV && len(files) > failed {
		fmt.Fprintf(stdout, "The models disagree on %d of %d pictures.\n", disagree, len(files)-failed)
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// pairEvaluation is `eval --json` with two models.
type pairEvaluation struct {
	Models []modelEvaluation `json:"models"`
	// Total is the number of test pictures both were evaluated on.
	Total   int              `json:"total"`
	McNemar training.McNemar `json:"mcnemar"`
}

// modelEvaluation is one model's metrics in pairEvaluation.
type modelEvaluation struct {
	Model      string            `json:"model"`
	Evaluation engine.Evaluation `json:"evaluation"`
}

// evalPair evaluates both models on the test pictures of dataDir and
// tests the difference of their accuracies with McNemar's test. The
// models need the same classes (in any order); each gets the pictures at
// its own input size, paired by file.
func evalPair(paths modelFlags, dataDir, cache string, asJSON bool, stdout, stderr io.Writer) int {
	pair, err := loadPair(paths)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	a, b := slices.Sorted(slices.Values(pair[0].m.Meta.Classes)), slices.Sorted(slices.Values(pair[1].m.Meta.Classes))
	if !slices.Equal(a, b) {
		return fail(stderr, "the models answer with other classes (%s: %v; %s: %v): comparing them needs the same classes",
			pair[0].name, pair[0].m.Meta.Classes, pair[1].name, pair[1].m.Meta.Classes)
	}
	var out pairEvaluation
	right := [2]map[string]bool{}
	var order []string // the first model's pictures, in its order
	for k, p := range pair {
		cfg := dataConfig(dataDir, cache, p.m.Meta.Classes)
		cfg.TestOnly = true
		data, err := training.LoadData(cfg, p.m.Input(), loadProgress(stderr))
		if err != nil {
			return fail(stderr, "%v", err)
		}
		if data.Test.Len() == 0 {
			return fail(stderr, "no images to evaluate in %s: %d files found, none of them an image in a class folder", data.Root, data.Report.Files)
		}
		ev, pred, err := evaluateWithAnswers(p.m, data.Test)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		out.Models = append(out.Models, modelEvaluation{Model: p.name, Evaluation: ev})
		right[k] = map[string]bool{}
		for i, path := range data.Test.Paths {
			right[k][path] = pred[i] == data.Test.Y[i]
			if k == 0 {
				order = append(order, path)
			}
		}
	}
	var ra, rb []bool
	for _, path := range order {
		if r, ok := right[1][path]; ok {
			ra, rb = append(ra, right[0][path]), append(rb, r)
		}
	}
	if len(ra) != len(order) || len(ra) != len(right[1]) {
		return fail(stderr, "the two models' test pictures differ (%d and %d, %d in common): the folder changed between the two", len(order), len(right[1]), len(ra))
	}
	out.Total = len(ra)
	if out.McNemar, err = training.NewMcNemar(ra, rb); err != nil {
		return fail(stderr, "%v", err)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	writePairEvaluation(stdout, out)
	return 0
}

// evaluateWithAnswers is training.Evaluate that also returns each
// picture's predicted class.
func evaluateWithAnswers(m *engine.Model, s dataset.Split) (engine.Evaluation, []int, error) {
	probs, err := m.PredictBatch(s.X, 64)
	if err != nil {
		return engine.Evaluation{}, nil, err
	}
	pred := make([]int, len(probs))
	for i, p := range probs {
		pred[i] = engine.Argmax(p)
	}
	ev, err := engine.NewEvaluation(m.Meta.Classes, s.Y, pred)
	return ev, pred, err
}

// writePairEvaluation prints both accuracies, the four counts of right
// and wrong, McNemar's test, and each model's metrics.
func writePairEvaluation(w io.Writer, e pairEvaluation) {
	a, b := e.Models[0], e.Models[1]
	fmt.Fprintf(w, "Test pictures: %d\n", e.Total)
	for _, m := range e.Models {
		fmt.Fprintf(w, "%s: %.2f%% right (%d of %d)\n", m.Model, 100*m.Evaluation.Accuracy, int(m.Evaluation.Accuracy*float64(m.Evaluation.Total)+0.5), m.Evaluation.Total)
	}
	t := e.McNemar
	fmt.Fprintf(w, "\nBoth right: %d   only %s: %d   only %s: %d   both wrong: %d\n", t.BothRight, a.Model, t.OnlyFirst, b.Model, t.OnlySecond, t.BothWrong)
	fmt.Fprintf(w, "McNemar's test on the %d pictures exactly one gets right: exact binomial p = %.4g; chi-square with continuity correction %.3f, p = %.4g\n",
		t.OnlyFirst+t.OnlySecond, t.ExactP, t.ChiSquare, t.ChiSquareP)
	if t.ExactP < 0.05 {
		fmt.Fprintln(w, "The difference between the two accuracies is significant at the 5% level.")
	} else {
		fmt.Fprintln(w, "The difference between the two accuracies is not significant at the 5% level.")
	}
	for _, m := range e.Models {
		fmt.Fprintf(w, "\n== %s ==\n", m.Model)
		writeEvaluation(w, m.Evaluation)
	}
}
