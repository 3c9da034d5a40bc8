package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

func init() {
	register("predict", "print the predicted class and the probabilities of images", runPredict)
}

// predictResult is one line of `predict --json`.
type predictResult struct {
	File          string             `json:"file"`
	Class         string             `json:"class,omitempty"`
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	Error         string             `json:"error,omitempty"`
}

func runPredict(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("predict", "[--json] [--recursive] [--model FILE] IMAGE|FOLDER...", stdout, stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per image (file, class, probabilities or error)")
	recursive := fs.Bool("recursive", false, "look for images in the folders' subfolders too")
	model := fs.String("model", "", "weights `file` to use (default: the shipped model)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "predict", "give at least one image or folder")
	}
	files, err := imageInputs(fs.Args(), *recursive, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	enc := json.NewEncoder(stdout)
	bar := newProgressBar(stderr, "predict", len(files))
	failed := 0
	for i, f := range files {
		res := predictFile(m, f)
		bar.update(i + 1)
		if res.Error != "" {
			failed++
		}
		if *asJSON {
			if err := enc.Encode(res); err != nil {
				return fail(stderr, "%v", err)
			}
			continue
		}
		if res.Error != "" {
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %s: %s\n", f, res.Error)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s (%.1f%%)  %s\n", f, res.Class, 100*res.Probabilities[res.Class], formatProbabilities(m.Meta.Classes, res.Probabilities))
	}
	if failed > 0 {
		return 1
	}
	return 0
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
	res.Class = m.Meta.Classes[p.Class]
	res.Probabilities = map[string]float64{}
	for i, c := range m.Meta.Classes {
		res.Probabilities[c] = float64(p.Probabilities[i])
	}
	return res
}

func formatProbabilities(classes []string, probs map[string]float64) string {
	parts := make([]string, len(classes))
	for i, c := range classes {
		parts[i] = fmt.Sprintf("%s %.1f%%", c, 100*probs[c])
	}
	return strings.Join(parts, "  ")
}
