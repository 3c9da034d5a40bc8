package trust

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
)

// StepsPerCurve is the number of steps of a deletion or insertion curve:
// 1/64 of the pixels a step, so a curve has 65 points.
const StepsPerCurve = 64

// Blur's kernel, as the RISE reference code blurs the insertion's start.
const (
	BlurSize  = 11
	BlurSigma = 5.0
)

// Curve is a deletion or insertion curve.
type Curve struct {
	// AUC is the area under Probabilities, the steps scaled to [0, 1].
	AUC float64 `json:"auc"`
	// Probabilities is the class's probability at each step, from no
	// pixel changed to all (StepsPerCurve+1 points when the input's pixel
	// count is a multiple of StepsPerCurve).
	Probabilities []float64 `json:"curve"`
}

// AUC returns the area under curve with its points spread evenly over
// [0, 1] (the trapezoid rule, as the RISE reference's auc); 0 for fewer
// than two points.
func AUC(curve []float64) float64 {
	n := len(curve)
	if n < 2 {
		return 0
	}
	s := 0.0
	for _, v := range curve {
		s += v
	}
	return (s - curve[0]/2 - curve[n-1]/2) / float64(n-1)
}

// Upsample enlarges map m (w×h values, row-major) to dw×dh values by
// bilinear interpolation between the cells' centres, as PyTorch's
// interpolate(mode="bilinear", align_corners=False) does; beyond the outer
// centres the edge values continue.
func Upsample(m []float32, w, h, dw, dh int) []float64 {
	out := make([]float64, dw*dh)
	x0s, x1s, fxs := make([]int, dw), make([]int, dw), make([]float64, dw)
	for x := range dw {
		x0s[x], x1s[x], fxs[x] = sample(x, dw, w)
	}
	for y := range dh {
		y0, y1, fy := sample(y, dh, h)
		for x := range dw {
			a0, a1 := float64(m[y0*w+x0s[x]]), float64(m[y0*w+x1s[x]])
			b0, b1 := float64(m[y1*w+x0s[x]]), float64(m[y1*w+x1s[x]])
			a := a0*(1-fxs[x]) + a1*fxs[x]
			b := b0*(1-fxs[x]) + b1*fxs[x]
			out[y*dw+x] = a*(1-fy) + b*fy
		}
	}
	return out
}

// sample maps destination index i of n onto a source of size src: the two
// neighbouring source cells and the weight of the second.
func sample(i, n, src int) (int, int, float64) {
	s := (float64(i)+0.5)*float64(src)/float64(n) - 0.5
	if s <= 0 {
		return 0, 0, 0
	}
	if s >= float64(src-1) {
		return src - 1, src - 1, 0
	}
	i0 := int(s)
	return i0, i0 + 1, s - float64(i0)
}

// Order returns the pixel indices (y*w+x) of a saliency map at the
// input's resolution, largest value first; equal values keep raster
// order, so the order is the same on every run (the reference's
// unstable argsort may order ties otherwise).
func Order(saliency []float64) []int {
	idx := make([]int, len(saliency))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		va, vb := saliency[a], saliency[b]
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	return idx
}

// GaussianKernel returns the klen×klen kernel (row-major) that the RISE
// reference blurs with: SciPy's gaussian_filter (truncated at 4 sigma,
// "reflect" borders) applied to a single 1 in the middle of a klen×klen
// grid, which sums to 1. It is separable: the outer product of the 1-D
// kernel Gaussian1D returns.
func GaussianKernel(klen int, sigma float64) []float64 {
	k1 := Gaussian1D(klen, sigma)
	k := make([]float64, klen*klen)
	for y := range klen {
		for x := range klen {
			k[y*klen+x] = k1[y] * k1[x]
		}
	}
	return k
}

// Gaussian1D is GaussianKernel's 1-D factor: scipy.ndimage.gaussian_filter1d
// of a unit impulse at klen/2 in klen values, mode "reflect".
func Gaussian1D(klen int, sigma float64) []float64 {
	radius := int(4*sigma + 0.5)
	w := make([]float64, 2*radius+1)
	sum := 0.0
	for j := -radius; j <= radius; j++ {
		w[j+radius] = math.Exp(-0.5 * float64(j*j) / (sigma * sigma))
		sum += w[j+radius]
	}
	for i := range w {
		w[i] /= sum
	}
	reflect := func(i int) int { // half-sample symmetric: d c b a | a b c d | d c b a
		p := 2 * klen
		i = ((i % p) + p) % p
		if i >= klen {
			i = p - 1 - i
		}
		return i
	}
	out := make([]float64, klen)
	for x := range klen {
		for j := -radius; j <= radius; j++ {
			if reflect(x+j) == klen/2 {
				out[x] += w[j+radius]
			}
		}
	}
	return out
}

// Blur returns input (channels×h×w values, CHW) blurred channel by
// channel with GaussianKernel(BlurSize, BlurSigma) and zero padding, as
// the reference's conv2d(x, kern, padding=klen//2) does (the borders
// darken: the zeros outside count).
func Blur(input []float32, channels, h, w int) []float32 {
	k := Gaussian1D(BlurSize, BlurSigma)
	r := BlurSize / 2
	out := make([]float32, len(input))
	tmp := make([]float64, h*w)
	for c := range channels {
		plane := input[c*h*w : (c+1)*h*w]
		for y := range h { // along rows
			for x := range w {
				s := 0.0
				for j := -r; j <= r; j++ {
					if xx := x + j; xx >= 0 && xx < w {
						s += k[j+r] * float64(plane[y*w+xx])
					}
				}
				tmp[y*w+x] = s
			}
		}
		for y := range h { // along columns
			for x := range w {
				s := 0.0
				for j := -r; j <= r; j++ {
					if yy := y + j; yy >= 0 && yy < h {
						s += k[j+r] * tmp[yy*w+x]
					}
				}
				out[c*h*w+y*w+x] = float32(s)
			}
		}
	}
	return out
}

// maxInputs is how many curve points go to PredictBatch at once, at
// most: all of a picture's 130 for a small network, fewer where the
// inputs would pass 64 MB (a 224x224 network's 130 hold 78 MB).
const maxInputs = 64 << 20 / 4

// runSize returns the batch to ask PredictBatch for so that count images
// fill its graph runs evenly: each of its workers runs up to 32 images
// at a time, and a last run of a few images would otherwise cost a whole
// run, or a batch size of its own (PredictBatch rebuilds its graphs when
// the size changes).
func runSize(count int) int {
	workers := max(1, min(runtime.GOMAXPROCS(0), count))
	runs := (count + 31) / 32
	runs = (runs + workers - 1) / workers * workers
	sub := (count + runs - 1) / runs
	return sub * workers
}

// Curves returns the deletion and insertion curves of map mp for input
// (m.Input().Len() values, CHW, as picture.ToInputShape gives it) and the
// class mp explains. It stops with ctx's error when ctx is cancelled.
func Curves(ctx context.Context, m *engine.Model, input []float32, mp explain.Map) (deletion, insertion Curve, err error) {
	in := m.Input()
	if len(input) != in.Len() {
		return Curve{}, Curve{}, fmt.Errorf("trust: input has %d values, want %d", len(input), in.Len())
	}
	if mp.Width < 1 || mp.Height < 1 || len(mp.Values) != mp.Width*mp.Height {
		return Curve{}, Curve{}, errors.New("trust: the map is empty")
	}
	if mp.Class < 0 || mp.Class >= len(m.Meta.Classes) {
		return Curve{}, Curve{}, fmt.Errorf("trust: the map's class %d is not one of the model's %d", mp.Class, len(m.Meta.Classes))
	}
	order := Order(Upsample(mp.Values, mp.Width, mp.Height, in.Width, in.Height))
	blurred := Blur(input, in.Channels, in.Height, in.Width)
	zeros := make([]float32, len(input))
	curves, err := play(ctx, m, []game{{input, zeros}, {blurred, input}}, order, mp.Class)
	if err != nil {
		return Curve{}, Curve{}, err
	}
	deletion.Probabilities, insertion.Probabilities = curves[0], curves[1]
	deletion.AUC, insertion.AUC = AUC(deletion.Probabilities), AUC(insertion.Probabilities)
	return deletion, insertion, nil
}

// game is one deletion or insertion game: its pixels go from start's
// values to finish's.
type game struct{ start, finish []float32 }

// play runs the games: after step i the first i*step pixels of order
// hold finish's values (every channel); the class's probability at each
// step of each game. The games' inputs go through PredictBatch together,
// chunk at a time, so that both cores stay busy.
func play(ctx context.Context, m *engine.Model, games []game, order []int, class int) ([][]float64, error) {
	in := m.Input()
	hw := in.Height * in.Width
	step := (hw + StepsPerCurve - 1) / StepsPerCurve
	steps := (hw + step - 1) / step
	size := in.Len()
	total := len(games) * (steps + 1)
	chunk := max(1, min(total, maxInputs/size))
	// Chunks of equal size, so that PredictBatch keeps its graphs.
	chunk = (total + (total+chunk-1)/chunk - 1) / ((total + chunk - 1) / chunk)
	out := make([][]float64, len(games))
	batch := make([]float32, 0, chunk*size)
	done := 0
	for g, gm := range games {
		cur := slices.Clone(gm.start)
		out[g] = make([]float64, 0, steps+1)
		for i := 0; i <= steps; i++ {
			batch = append(batch, cur...)
			if i < steps {
				for _, p := range order[i*step : min((i+1)*step, hw)] {
					for c := range in.Channels {
						cur[c*hw+p] = gm.finish[c*hw+p]
					}
				}
			}
			done++
			if len(batch) < cap(batch) && done < total {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			probs, err := m.PredictBatch(batch, runSize(len(batch)/size))
			if err != nil {
				return nil, err
			}
			// The batch's points are the last len(probs) of those done,
			// in order across the games.
			first := done - len(probs)
			for k, p := range probs {
				gi := (first + k) / (steps + 1)
				out[gi] = append(out[gi], float64(p[class]))
			}
			batch = batch[:0]
		}
	}
	return out, nil
}
