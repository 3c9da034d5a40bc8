package calibration

import (
	"errors"
	"fmt"
	"math"

	"github.com/artlens/artlens/engine"
)

// ErrNoTemperature is the error of Temperature for a model that carries
// none.
var ErrNoTemperature = errors.New("the model carries no temperature: run `artlens calibrate --data FOLDER --model FILE` first")

// CheckSoftmax returns an error for a model whose output is a sigmoid's
// independent scores (a multi-label model): temperature scaling of a
// softmax does not apply to it.
func CheckSoftmax(m *engine.Model) error {
	if m.Output() == engine.OutputSigmoid {
		return errors.New("the model gives independent (sigmoid) scores, several can be high: temperature scaling calibrates a softmax's probabilities only")
	}
	return nil
}

// Temperature returns the temperature stored in m's metadata, or an error
// that says how to fit one (ErrNoTemperature) or why none applies.
func Temperature(m *engine.Model) (float64, error) {
	if err := CheckSoftmax(m); err != nil {
		return 0, err
	}
	c := m.Meta.Calibration
	if c == nil || !(c.Temperature > 0) || math.IsInf(c.Temperature, 0) {
		return 0, ErrNoTemperature
	}
	return c.Temperature, nil
}

// Outputs runs the images of X (concatenated, m.Input().Len() values each)
// through m and returns each one's logits and probabilities, the latter as
// the engine gives them (bit for bit what PredictBatch gives).
func Outputs(m *engine.Model, X []float32) (logits, probs [][]float32, err error) {
	n := len(X) / max(1, m.Input().Len())
	logits, probs = make([][]float32, n), make([][]float32, n)
	err = m.PredictEach(X, 64, func(i int, p *engine.Prediction) {
		logits[i] = append([]float32(nil), p.Logits...)
		probs[i] = append([]float32(nil), p.Probabilities...)
	})
	if err != nil {
		return nil, nil, err
	}
	return logits, probs, nil
}

// Probabilities runs X through m as Outputs does and returns the engine's
// probabilities, or softmax(logits/t) when t > 0.
func Probabilities(m *engine.Model, X []float32, t float64) ([][]float32, error) {
	logits, probs, err := Outputs(m, X)
	if err != nil || t <= 0 {
		return probs, err
	}
	return Apply(logits, t), nil
}

// Set is labelled pictures: X the inputs concatenated (as dataset.Split
// holds them), Y their classes, Name what they are in words ("validation
// share held out from training"), Short the word for the sentence
// ("test", giving "120 test pictures").
type Set struct {
	X     []float32
	Y     []int
	Name  string
	Short string
}

// Calibrate fits a temperature on the pictures of fit and measures on
// those of test the reliability of m's top probability without and with it
// (the record a weights file keeps; m's metadata is not changed). It also
// returns the test pictures' probabilities without and with T, for the
// caller's own counts.
func Calibrate(m *engine.Model, fit, test Set) (c engine.Calibration, before, after [][]float32, err error) {
	if err := CheckSoftmax(m); err != nil {
		return c, nil, nil, err
	}
	logits, _, err := Outputs(m, fit.X)
	if err != nil {
		return c, nil, nil, err
	}
	t, err := FitTemperature(logits, fit.Y)
	if err != nil {
		return c, nil, nil, err
	}
	testLogits, before, err := Outputs(m, test.X)
	if err != nil {
		return c, nil, nil, err
	}
	if len(before) == 0 {
		return c, nil, nil, errors.New("calibration: no pictures to measure the reliability on")
	}
	after = Apply(testLogits, t)
	c = engine.Calibration{Temperature: t, FitOn: fit.Name, FitCount: len(logits)}
	if c.Before, err = NewReliability(test.Short, before, test.Y); err != nil {
		return c, nil, nil, err
	}
	if c.After, err = NewReliability(test.Short, after, test.Y); err != nil {
		return c, nil, nil, err
	}
	return c, before, after, nil
}

// Lookup returns the bin of r that holds top probability p.
func Lookup(r engine.Reliability, p float64) (Bin, bool) {
	if len(r.Bins) != NumBins || math.IsNaN(p) {
		return Bin{}, false
	}
	return r.Bins[binOf(p)], true
}

// Sentence says, for the top probability p a model gives, how often it was
// right on the pictures of r when it was as sure (in p's bin), with the
// count: "when the network is this sure (93–100 %), it was right 71 % of
// the time (120 test pictures)". Beside a calibrated probability, r must be
// Calibration.After, beside a plain one Calibration.Before. It is "" when r
// has no bins.
func Sentence(r engine.Reliability, p float64) string {
	b, ok := Lookup(r, p)
	if !ok {
		return ""
	}
	set := r.Set
	if set != "" {
		set += " "
	}
	span := fmt.Sprintf("%.0f–%.0f %%", 100*b.Lower, 100*b.Upper)
	switch b.Count {
	case 0:
		return fmt.Sprintf("no %spicture made the network this sure (%s): no record to go by", set, span)
	case 1:
		return fmt.Sprintf("when the network was this sure (%s), it was %s (1 %spicture)", span, map[bool]string{true: "right", false: "wrong"}[b.Accuracy == 1], set)
	}
	return fmt.Sprintf("when the network is this sure (%s), it was right %.0f %% of the time (%d %spictures)", span, 100*b.Accuracy, b.Count, set)
}

// Stored returns the reliability m's weights file keeps for the
// probabilities as shown: the test split's bins with its temperature when
// calibrated, without it otherwise (what Sentence and plots.Reliability
// take). ok is false when m carries no calibration.
func Stored(m *engine.Model, calibrated bool) (r engine.Reliability, ok bool) {
	c := m.Meta.Calibration
	if c == nil {
		return r, false
	}
	if calibrated {
		return c.After, len(c.After.Bins) > 0
	}
	return c.Before, len(c.Before.Bins) > 0
}
