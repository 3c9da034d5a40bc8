package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
)

func init() {
	register("calibrate", "fit a temperature that makes a model's probabilities honest, on pictures held out from training, and write it into the weights file", runCalibrate)
}

func runCalibrate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("calibrate", "--data FOLDER --model FILE|NAME [--out FILE]", stdout, stderr)
	dataDir := fs.String("data", "", "`folder`: the Art Images download (the temperature is fitted on the validation share held out from training_set, measured on validation_set) or a labelled folder of class folders")
	model := fs.String("model", "", "weights `file`, .onnx file or shipped model's name to calibrate")
	out := fs.String("out", "", "weights `file` to write (default: the --model file itself; needed for a shipped model or an .onnx file)")
	cache := fs.String("cache", "", "`folder` for the prepared-data cache (default: the user cache folder; '-' for none)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "calibrate", "calibrate takes no arguments, got %q", fs.Arg(0))
	}
	if *dataDir == "" || *model == "" {
		return usageError(stderr, "calibrate", "calibrate needs --data FOLDER and --model FILE")
	}
	target := *out
	if target == "" {
		if isShipped(*model) || strings.EqualFold(filepath.Ext(*model), ".onnx") {
			return usageError(stderr, "calibrate", "a shipped model or an .onnx file is not rewritten: give --out FILE.safetensors")
		}
		target = *model
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if err := calibration.CheckSoftmax(m); err != nil {
		return fail(stderr, "%v", err)
	}
	dcfg, err := training.FolderConfig(*dataDir, m.Meta.Classes, 0, *cache)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	data, err := training.LoadData(dcfg, m.Input(), loadProgress(stderr))
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fit, test, err := calibrationSets(data, m.Meta.DataFingerprint)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stderr, "fitting on %d pictures (%s), measuring on %d (%s)\n", len(fit.Y), fit.Name, len(test.Y), test.Name)
	c, before, after, err := calibration.Calibrate(m, fit, test)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	m.Meta.Calibration = &c
	if err := m.SaveFile(target); err != nil {
		return fail(stderr, "cannot write %s: %v", target, err)
	}
	fmt.Fprintf(stdout, "temperature %.4f, fitted on %d pictures (%s)\n", c.Temperature, c.FitCount, c.FitOn)
	rows := [][]string{{test.Short + " pictures (" + fmt.Sprint(c.Before.Count) + ")", "without T", "with T"},
		{"expected calibration error", fmt.Sprintf("%.4f", c.Before.ECE), fmt.Sprintf("%.4f", c.After.ECE)}}
	for _, th := range []float64{0.9, 0.99} {
		rows = append(rows, []string{fmt.Sprintf("wrong while at least %.0f %% sure", 100*th),
			fmt.Sprint(calibration.ConfidentMistakes(before, test.Y, th)), fmt.Sprint(calibration.ConfidentMistakes(after, test.Y, th))})
	}
	writeTable(stdout, rows)
	fmt.Fprintf(stdout, "written to %s\n", target)
	return 0
}

// calibrationSets chooses the pictures a temperature is fitted on and
// those its effect is measured on. The download: the validation share
// held out from training_set, and the test split (validation_set), never
// fitted on. A plain folder the model was trained on (same data
// fingerprint): its validation share for both, as it has no test split. Any
// other plain folder: all its pictures for both, none of which the model
// was trained on.
func calibrationSets(data *dataset.Data, trainedOn string) (fit, test calibration.Set, err error) {
	switch {
	case data.Test.Len() > 0:
		if data.Val.Len() == 0 {
			return fit, test, fmt.Errorf("%s has no validation share held out from training_set to fit on", data.Root)
		}
		fit = calibration.Set{X: data.Val.X, Y: data.Val.Y, Name: "validation share held out from training_set"}
		test = calibration.Set{X: data.Test.X, Y: data.Test.Y, Name: "test split, validation_set", Short: "test"}
	case trainedOn != "" && trainedOn == data.Fingerprint:
		if data.Val.Len() == 0 {
			return fit, test, fmt.Errorf("%s: the model was trained on this folder and no validation share is held out of it", data.Root)
		}
		fit = calibration.Set{X: data.Val.X, Y: data.Val.Y, Name: "validation share of the folder the model was trained on"}
		test = calibration.Set{X: fit.X, Y: fit.Y, Name: "the same validation share (the folder has no test split)", Short: "validation"}
	default:
		x := append(append([]float32(nil), data.Train.X...), data.Val.X...)
		y := append(append([]int(nil), data.Train.Y...), data.Val.Y...)
		if len(y) == 0 {
			return fit, test, fmt.Errorf("no labelled pictures in %s", data.Root)
		}
		fit = calibration.Set{X: x, Y: y, Name: "every picture of " + filepath.Base(data.Root)}
		test = calibration.Set{X: x, Y: y, Name: "the same pictures (the folder has no test split)", Short: "calibration"}
	}
	return fit, test, nil
}

// temperatureOf returns the temperature of m when calibrated is set
// (0 otherwise), or the error that says why it has none.
func temperatureOf(m *engine.Model, calibrated bool) (float64, error) {
	if !calibrated {
		return 0, nil
	}
	return calibration.Temperature(m)
}

// calibrateResult rewrites probs (class name to probability, a prediction's)
// as they are with temperature t; t = 0 leaves them.
func calibrateResult(classes []string, probs map[string]float64, t float64) {
	if t <= 0 || len(probs) == 0 {
		return
	}
	p := make([]float32, len(classes))
	for i, c := range classes {
		p[i] = float32(probs[c])
	}
	for i, v := range calibration.Rescale(p, t) {
		probs[classes[i]] = float64(v)
	}
}
