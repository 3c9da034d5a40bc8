package app

import (
	"fmt"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/plots"
)

// evalJSON is what `eval --json` prints: the evaluation's fields, the
// expected calibration error and the reliability bins.
type evalJSON struct {
	engine.Evaluation
	ECE         float64           `json:"ece"`
	Reliability []calibration.Bin `json:"reliability"`
}

// evaluateReliability evaluates m on s as training.Evaluate does (the same
// probabilities, hence the same answers) and measures the reliability of
// its top probability, with the logits divided by t when t > 0.
func evaluateReliability(m *engine.Model, s dataset.Split, t float64) (engine.Evaluation, engine.Reliability, error) {
	probs, err := calibration.Probabilities(m, s.X, t)
	if err != nil {
		return engine.Evaluation{}, engine.Reliability{}, err
	}
	pred := make([]int, len(probs))
	for i, p := range probs {
		pred[i] = engine.Argmax(p)
	}
	ev, err := engine.NewEvaluation(m.Meta.Classes, s.Y, pred)
	if err != nil {
		return ev, engine.Reliability{}, err
	}
	rel, err := calibration.NewReliability("test", probs, s.Y)
	return ev, rel, err
}

// writeReliability draws the reliability diagram of rel into the PNG file
// path, titled with the model's name (and its temperature when t > 0).
func writeReliability(path string, rel engine.Reliability, name string, t float64) error {
	title := name
	if t > 0 {
		title += fmt.Sprintf(", calibrated (T = %.2f)", t)
	}
	p, err := plots.Reliability(rel, title, plots.Light)
	if err != nil {
		return err
	}
	png, err := plots.Render(p, plots.ReliabilitySize, plots.ReliabilitySize, "png", 96)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, err)
	}
	return nil
}
