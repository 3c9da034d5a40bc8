package calibration

import (
	"errors"
	"fmt"
	"math"

	"github.com/artlens/artlens/engine"
)

// NumBins is the number of equal-width bins of the top probability.
const NumBins = 15

// Bin is one bin of a reliability diagram (see engine.ReliabilityBin).
type Bin = engine.ReliabilityBin

// binOf returns the bin of a top probability p: bin i holds (i/15, (i+1)/15],
// and 0 falls in the first.
func binOf(p float64) int {
	i := int(math.Ceil(p*NumBins)) - 1
	return min(max(i, 0), NumBins-1)
}

// Bins returns the 15 reliability bins of the top probabilities of probs
// (one row per picture) against the true classes truth. A row's top class is
// its first largest value.
func Bins(probs [][]float32, truth []int) ([]Bin, error) {
	if len(probs) != len(truth) {
		return nil, fmt.Errorf("calibration: %d rows of probabilities but %d labels", len(probs), len(truth))
	}
	bins := make([]Bin, NumBins)
	right := make([]int, NumBins)
	for i, p := range probs {
		if len(p) == 0 {
			return nil, fmt.Errorf("calibration: picture %d has no probabilities", i)
		}
		if truth[i] < 0 || truth[i] >= len(p) {
			return nil, fmt.Errorf("calibration: picture %d's class %d is not one of its %d outputs", i, truth[i], len(p))
		}
		c := engine.Argmax(p)
		conf := float64(p[c])
		if math.IsNaN(conf) {
			return nil, fmt.Errorf("calibration: picture %d's probabilities are not numbers", i)
		}
		b := binOf(conf)
		bins[b].Count++
		bins[b].Confidence += conf
		if c == truth[i] {
			right[b]++
		}
	}
	for b := range bins {
		bins[b].Lower, bins[b].Upper = float64(b)/NumBins, float64(b+1)/NumBins
		if n := bins[b].Count; n > 0 {
			bins[b].Confidence /= float64(n)
			bins[b].Accuracy = float64(right[b]) / float64(n)
		}
	}
	return bins, nil
}

// ECE returns the expected calibration error of bins: the sum over bins of
// count/N * |accuracy - confidence|, N the pictures in all bins (0 for none).
func ECE(bins []Bin) float64 {
	n := 0
	for _, b := range bins {
		n += b.Count
	}
	if n == 0 {
		return 0
	}
	e := 0.0
	for _, b := range bins {
		e += float64(b.Count) / float64(n) * math.Abs(b.Accuracy-b.Confidence)
	}
	return e
}

// NewReliability returns the bins and ECE of probs against truth, for the
// pictures set names in words ("test").
func NewReliability(set string, probs [][]float32, truth []int) (engine.Reliability, error) {
	bins, err := Bins(probs, truth)
	if err != nil {
		return engine.Reliability{}, err
	}
	return engine.Reliability{Set: set, Count: len(probs), ECE: ECE(bins), Bins: bins}, nil
}

// ConfidentMistakes counts the pictures whose top class is wrong while its
// probability is at least threshold.
func ConfidentMistakes(probs [][]float32, truth []int, threshold float64) int {
	n := 0
	for i, p := range probs {
		c := engine.Argmax(p)
		if c != truth[i] && float64(p[c]) >= threshold {
			n++
		}
	}
	return n
}

// Softmax returns softmax(logits/t), computed in float64 (the largest
// logit subtracted first, so that no exponential overflows). t must be
// positive; t = 1 gives the plain softmax within float32 rounding.
func Softmax(logits []float32, t float64) []float32 {
	out := make([]float32, len(logits))
	if len(logits) == 0 {
		return out
	}
	top := math.Inf(-1)
	for _, z := range logits {
		top = max(top, float64(z))
	}
	sum := 0.0
	e := make([]float64, len(logits))
	for i, z := range logits {
		e[i] = math.Exp((float64(z) - top) / t)
		sum += e[i]
	}
	for i := range e {
		out[i] = float32(e[i] / sum)
	}
	return out
}

// Apply returns softmax(logits/t) of every row.
func Apply(logits [][]float32, t float64) [][]float32 {
	out := make([][]float32, len(logits))
	for i, z := range logits {
		out[i] = Softmax(z, t)
	}
	return out
}

// NLL returns the mean negative log-likelihood of the true classes under
// softmax(logits/t).
func NLL(logits [][]float32, truth []int, t float64) float64 {
	if len(logits) == 0 {
		return 0
	}
	s := 0.0
	for i, row := range logits {
		top := math.Inf(-1)
		for _, z := range row {
			top = max(top, float64(z)/t)
		}
		sum := 0.0
		for _, z := range row {
			sum += math.Exp(float64(z)/t - top)
		}
		s += top + math.Log(sum) - float64(row[truth[i]])/t
	}
	return s / float64(len(logits))
}

// The temperature is searched in [minT, maxT]: beyond, a model is either
// certain of everything or of nothing, and a fit that ends at a limit says
// the held-out pictures cannot tell (all right with wide margins, say).
const (
	minT = 0.01
	maxT = 100
)

// FitTemperature returns the T > 0 that minimises NLL(logits, truth, T): a
// golden-section search on log T over [0.01, 100], to a relative precision
// of 1e-9. The negative log-likelihood is convex in 1/T, hence unimodal in
// log T, so the search finds its minimum; the result depends on the inputs
// alone. It needs at least one picture, and every class index in range.
func FitTemperature(logits [][]float32, truth []int) (float64, error) {
	if len(logits) == 0 {
		return 0, errors.New("calibration: no pictures to fit a temperature on")
	}
	if len(logits) != len(truth) {
		return 0, fmt.Errorf("calibration: %d rows of logits but %d labels", len(logits), len(truth))
	}
	for i, row := range logits {
		if truth[i] < 0 || truth[i] >= len(row) {
			return 0, fmt.Errorf("calibration: picture %d's class %d is not one of its %d outputs", i, truth[i], len(row))
		}
		for _, z := range row {
			if math.IsNaN(float64(z)) || math.IsInf(float64(z), 0) {
				return 0, fmt.Errorf("calibration: picture %d's logits are not finite", i)
			}
		}
	}
	f := func(u float64) float64 { return NLL(logits, truth, math.Exp(u)) }
	lo, hi := math.Log(minT), math.Log(maxT)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := f(a), f(b)
	for hi-lo > 1e-9 {
		if fa <= fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = f(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = f(b)
		}
	}
	return math.Exp((lo + hi) / 2), nil
}

// Rescale returns the probabilities p (a softmax's, as a prediction or a
// collection keeps them) as they would be with temperature t:
// softmax(log p / t), which is softmax(logits/t) since log p differs from
// the logits by one constant. It is exact up to p's float32 rounding; a
// probability that rounded to 0 stays 0 (its logit was over 100 below the
// top one's, far below anything shown). t <= 0 returns p unchanged.
func Rescale(p []float32, t float64) []float32 {
	if t <= 0 {
		return p
	}
	top := math.Inf(-1)
	for _, v := range p {
		if v > 0 {
			top = max(top, math.Log(float64(v)))
		}
	}
	if math.IsInf(top, -1) {
		return p
	}
	out := make([]float32, len(p))
	sum := 0.0
	e := make([]float64, len(p))
	for i, v := range p {
		if v > 0 {
			e[i] = math.Exp((math.Log(float64(v)) - top) / t)
		}
		sum += e[i]
	}
	for i := range e {
		out[i] = float32(e[i] / sum)
	}
	return out
}
