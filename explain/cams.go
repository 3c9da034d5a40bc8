package explain

import (
	"context"
	"fmt"
	"math"

	"github.com/artlens/artlens/engine"
	"gonum.org/v1/gonum/mat"
)

// More class activation maps, each defined as jacobgil/pytorch-grad-cam
// defines it (base_cam.py and the method's file). What they share with
// that library: the map at the place's resolution is
// ReLU(cam), then min-max normalised (scale_cam_image: minus its minimum,
// divided by 1e-7 plus its new maximum), so it lies in [0, 1); the class
// score is the class's logit (ClassifierOutputTarget on the model's output
// before the softmax). Their maps are not enlarged: package plots does that.

// Method names of the CAMs beside Grad-CAM.
const (
	MethodHiResCAM    = "hirescam"
	MethodGradCAMPP   = "gradcam++"
	MethodScoreCAM    = "scorecam"
	MethodEigenCAM    = "eigencam"
	scoreCAMBatchSize = 32 // images per PredictEach call: graphs of 16 on each of two cores
)

// scaleCAM is pytorch-grad-cam's ending of every CAM: ReLU, then
// scale_cam_image's min-max normalisation (x - min) / (1e-7 + max(x - min)).
func scaleCAM(sum []float64) []float32 {
	lo := math.Inf(1)
	for i, v := range sum {
		sum[i] = max(v, 0)
		lo = min(lo, sum[i])
	}
	var hi float64
	for i := range sum {
		sum[i] -= lo
		hi = max(hi, sum[i])
	}
	out := make([]float32, len(sum))
	for i, v := range sum {
		out[i] = float32(v / (1e-7 + hi))
	}
	return out
}

// placeGradient returns the activations of place (0: m.CAMPlace()) and the
// gradient of class's logit with respect to them; class -1 is the class
// the network predicts (a second pass when it is not class 0).
func placeGradient(m *engine.Model, input []float32, place, class int) (act engine.Activation, grad, probs []float32, c, layer int, err error) {
	layer = place
	if layer == 0 {
		layer = m.CAMPlace()
	}
	c = max(class, 0)
	act, grad, probs, err = m.LayerGradient(input, layer, c)
	if err != nil {
		return
	}
	if class < 0 {
		if best := engine.Argmax(probs); best != c {
			c = best
			act, grad, probs, err = m.LayerGradient(input, layer, c)
		}
	}
	return
}

// HiResCAMValues is HiResCAM's arithmetic (Draelos & Carin, 2020;
// pytorch-grad-cam's HiResCAM): cam(i) = sum over channels k of
// grad_k(i) * A_k(i), the gradient multiplied element-wise with the
// activations instead of averaged first as Grad-CAM does; then ReLU and
// min-max normalisation. act and grad have the same CHW layout.
func HiResCAMValues(act engine.Activation, grad []float32) ([]float32, error) {
	n := act.Height * act.Width
	if err := checkActGrad(act, grad); err != nil {
		return nil, err
	}
	sum := make([]float64, n)
	for i, a := range act.Data {
		sum[i%n] += float64(grad[i]) * float64(a)
	}
	return scaleCAM(sum), nil
}

// GradCAMPlusPlusValues is Grad-CAM++'s arithmetic (Chattopadhay et al.,
// 2018, eq. 19, as pytorch-grad-cam's GradCAMPlusPlus computes it): with g
// the gradient of the class's logit, S_k the sum of channel k's
// activations and eps = 1e-6,
// a_k(i) = g^2 / (2 g^2 + S_k g^3 + eps) (0 where g = 0),
// w_k = sum_i ReLU(g_k(i)) * a_k(i), cam = sum_k w_k A_k; then ReLU and
// min-max normalisation.
func GradCAMPlusPlusValues(act engine.Activation, grad []float32) ([]float32, error) {
	n := act.Height * act.Width
	if err := checkActGrad(act, grad); err != nil {
		return nil, err
	}
	sum := make([]float64, n)
	for k := 0; k < act.Channels; k++ {
		a, g := act.Map(k), grad[k*n:(k+1)*n]
		var s float64
		for _, v := range a {
			s += float64(v)
		}
		var w float64
		for _, gv := range g {
			if gv <= 0 { // ReLU(g) is 0; a_k is 0 where g is 0
				continue
			}
			g2 := float64(gv) * float64(gv)
			w += float64(gv) * g2 / (2*g2 + s*g2*float64(gv) + 1e-6)
		}
		if w == 0 {
			continue
		}
		for i, v := range a {
			sum[i] += w * float64(v)
		}
	}
	return scaleCAM(sum), nil
}

func checkActGrad(act engine.Activation, grad []float32) error {
	n := act.Height * act.Width
	if act.Channels < 1 || n < 1 || len(act.Data) != act.Channels*n || len(grad) != len(act.Data) {
		return fmt.Errorf("explain: activation %dx%dx%d with %d values and a gradient of %d values do not match",
			act.Channels, act.Height, act.Width, len(act.Data), len(grad))
	}
	return nil
}

// gradientCAM runs a CAM whose map is arithmetic on a place's activations
// and gradient.
func gradientCAM(method string, values func(engine.Activation, []float32) ([]float32, error)) func(context.Context, *engine.Model, Request) (Map, error) {
	return func(_ context.Context, m *engine.Model, req Request) (Map, error) {
		act, grad, probs, c, layer, err := placeGradient(m, req.Input, req.Place, req.Class)
		if err != nil {
			return Map{}, err
		}
		vals, err := values(act, grad)
		if err != nil {
			return Map{}, err
		}
		return Map{Method: method, Layer: layer, Class: c, Width: act.Width, Height: act.Height, Values: vals, Probabilities: probs}, nil
	}
}

// HiResCAM explains input for class (-1: the predicted one) at place (0:
// m.CAMPlace()) with HiResCAMValues. One or two forward and backward passes.
func HiResCAM(m *engine.Model, input []float32, place, class int) (Map, error) {
	return gradientCAM(MethodHiResCAM, HiResCAMValues)(context.Background(), m, Request{Input: input, Place: place, Class: class})
}

// GradCAMPlusPlus explains input for class (-1: the predicted one) at place
// (0: m.CAMPlace()) with GradCAMPlusPlusValues.
func GradCAMPlusPlus(m *engine.Model, input []float32, place, class int) (Map, error) {
	return gradientCAM(MethodGradCAMPP, GradCAMPlusPlusValues)(context.Background(), m, Request{Input: input, Place: place, Class: class})
}

// placeActivation runs input once and returns place's activations (0:
// m.CAMPlace()), the probabilities, the logits and the class explained
// (class, or the predicted one when class is -1).
func placeActivation(m *engine.Model, input []float32, place, class int) (act engine.Activation, p *engine.Prediction, c, layer int, err error) {
	layer = place
	if layer == 0 {
		layer = m.CAMPlace()
	}
	if n := len(m.Places()); layer < 1 || layer > n {
		return act, nil, 0, 0, fmt.Errorf("explain: there is no place %d; the places are 1 to %d", layer, n)
	}
	if p, err = m.Predict(input); err != nil {
		return
	}
	c = class
	if c < 0 {
		c = engine.Argmax(p.Probabilities)
	}
	if c >= len(p.Probabilities) {
		return act, nil, 0, 0, fmt.Errorf("explain: class %d out of range 0..%d", c, len(p.Probabilities)-1)
	}
	return p.Activations[layer-1], p, c, layer, nil
}

// EigenCAMValues is Eigen-CAM's arithmetic (Muhammad & Yeasin, 2020;
// pytorch-grad-cam's get_2d_projection): the activations as a matrix X of
// positions by channels, each channel's mean over positions subtracted,
// projected on the first right singular vector v of X: cam = X v; then
// ReLU and min-max normalisation. It does not depend on the class.
//
// A singular vector's sign is arbitrary (pytorch-grad-cam leaves it to
// LAPACK); ArtLens fixes it as scikit-learn's svd_flip does, so that the
// projection's value of largest magnitude is positive. The fixtures apply
// the same rule to PyTorch's SVD.
func EigenCAMValues(act engine.Activation) ([]float32, error) {
	n := act.Height * act.Width
	if act.Channels < 1 || n < 1 || len(act.Data) != act.Channels*n {
		return nil, fmt.Errorf("explain: activation %dx%dx%d with %d values", act.Channels, act.Height, act.Width, len(act.Data))
	}
	x := mat.NewDense(n, act.Channels, nil)
	for k := 0; k < act.Channels; k++ {
		a := act.Map(k)
		var mean float64
		for _, v := range a {
			mean += float64(v)
		}
		mean /= float64(n)
		for i, v := range a {
			x.Set(i, k, float64(v)-mean)
		}
	}
	// v is the top eigenvector of X^T X (the first right singular vector).
	var xtx mat.SymDense
	xtx.SymOuterK(1, x.T())
	var eig mat.EigenSym
	sum := make([]float64, n)
	if ok := eig.Factorize(&xtx, true); !ok {
		return nil, fmt.Errorf("explain: Eigen-CAM's eigen decomposition failed")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := act.Channels - 1 // gonum's eigenvalues are ascending
	for i := 0; i < n; i++ {
		var s float64
		for k := 0; k < act.Channels; k++ {
			s += x.At(i, k) * vecs.At(k, top)
		}
		sum[i] = s
	}
	big := 0
	for i, v := range sum {
		if math.Abs(v) > math.Abs(sum[big]) {
			big = i
		}
	}
	if sum[big] < 0 {
		for i := range sum {
			sum[i] = -sum[i]
		}
	}
	return scaleCAM(sum), nil
}

// EigenCAM explains input at place (0: m.CAMPlace()) with EigenCAMValues;
// Map.Class is class (-1: the predicted one), though the map is the same
// for every class. One forward pass.
func EigenCAM(m *engine.Model, input []float32, place, class int) (Map, error) {
	act, p, c, layer, err := placeActivation(m, input, place, class)
	if err != nil {
		return Map{}, err
	}
	vals, err := EigenCAMValues(act)
	if err != nil {
		return Map{}, err
	}
	return Map{Method: MethodEigenCAM, Layer: layer, Class: c, Width: act.Width, Height: act.Height, Values: vals, Probabilities: p.Probabilities}, nil
}

// UpsampleAlignCorners enlarges a w x h map to dw x dh bilinearly with the
// corners aligned (PyTorch's UpsamplingBilinear2d, align_corners=True):
// output pixel x reads source position x*(w-1)/(dw-1).
func UpsampleAlignCorners(src []float32, w, h, dw, dh int) []float32 {
	out := make([]float32, dw*dh)
	coord := func(i, n, dn int) (int, int, float64) {
		if dn <= 1 || n <= 1 {
			return 0, 0, 0
		}
		p := float64(i) * float64(n-1) / float64(dn-1)
		i0 := min(int(p), n-1)
		i1 := min(i0+1, n-1)
		return i0, i1, p - float64(i0)
	}
	for y := 0; y < dh; y++ {
		y0, y1, fy := coord(y, h, dh)
		for x := 0; x < dw; x++ {
			x0, x1, fx := coord(x, w, dw)
			top := float64(src[y0*w+x0])*(1-fx) + float64(src[y0*w+x1])*fx
			bot := float64(src[y1*w+x0])*(1-fx) + float64(src[y1*w+x1])*fx
			out[y*dw+x] = float32(top*(1-fy) + bot*fy)
		}
	}
	return out
}

// ScoreCAM explains input for class (-1: the predicted one) at place (0:
// m.CAMPlace()) as pytorch-grad-cam's ScoreCAM does (Wang et al., 2020):
// each channel k of the place's activations is enlarged to the input's
// size (UpsampleAlignCorners) and min-max normalised to
// M_k = (U_k - min) / (max - min + 1e-8); the network's logit of the class
// for the input multiplied by M_k (every colour channel; the input as
// ArtLens gives it to the model, in [0, 1], before the model's own
// normalisation) is the score s_k; the weights are softmax(s) over the
// channels, cam = sum_k w_k A_k; then ReLU and min-max normalisation.
// One forward pass per channel, batched over the cores; it stops with
// ctx's error when ctx is cancelled.
func ScoreCAM(ctx context.Context, m *engine.Model, input []float32, place, class int) (Map, error) {
	act, p, c, layer, err := placeActivation(m, input, place, class)
	if err != nil {
		return Map{}, err
	}
	in := m.Input()
	plane := in.Width * in.Height
	scores := make([]float64, act.Channels)
	batch := make([]float32, 0, scoreCAMBatchSize*len(input))
	first := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := m.PredictEach(batch, len(batch)/len(input), func(i int, q *engine.Prediction) {
			scores[first+i] = float64(q.Logits[c])
		})
		first += len(batch) / len(input)
		batch = batch[:0]
		if err != nil {
			return err
		}
		return ctx.Err()
	}
	for k := 0; k < act.Channels; k++ {
		if err := ctx.Err(); err != nil {
			return Map{}, err
		}
		up := UpsampleAlignCorners(act.Map(k), act.Width, act.Height, in.Width, in.Height)
		lo, hi := up[0], up[0]
		for _, v := range up {
			lo, hi = min(lo, v), max(hi, v)
		}
		den := hi - lo + 1e-8
		for ch := 0; ch < in.Channels; ch++ {
			for i, v := range input[ch*plane : (ch+1)*plane] {
				batch = append(batch, v*((up[i]-lo)/den))
			}
		}
		if len(batch) == scoreCAMBatchSize*len(input) {
			if err := flush(); err != nil {
				return Map{}, err
			}
		}
	}
	if err := flush(); err != nil {
		return Map{}, err
	}
	weights := softmax64(scores)
	n := act.Height * act.Width
	sum := make([]float64, n)
	for k, w := range weights {
		for i, v := range act.Map(k) {
			sum[i] += w * float64(v)
		}
	}
	return Map{Method: MethodScoreCAM, Layer: layer, Class: c, Width: act.Width, Height: act.Height, Values: scaleCAM(sum), Probabilities: p.Probabilities}, nil
}

// softmax64 returns the softmax of v, computed stably.
func softmax64(v []float64) []float64 {
	hi := math.Inf(-1)
	for _, x := range v {
		hi = max(hi, x)
	}
	out := make([]float64, len(v))
	var s float64
	for i, x := range v {
		out[i] = math.Exp(x - hi)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}
