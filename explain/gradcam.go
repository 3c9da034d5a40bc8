package explain

import (
	"fmt"

	"github.com/artlens/artlens/engine"
)

// Method names, as the command line and the JSON output spell them.
const (
	MethodGradCAM   = "gradcam"
	MethodOcclusion = "occlusion"
)

// Map is an explanation of one picture for one class: a grid of values,
// larger where the picture mattered more for the class.
type Map struct {
	// Method is one of the Method* names (Methods lists them).
	Method string
	// Layer is the place explained (from 1) for the CAMs, 0 for the
	// methods that read no place.
	Layer int
	// Class is the index of the class explained.
	Class int
	// Width and Height are the grid's size; Values holds Height rows of
	// Width values. Grad-CAM values lie in [0, 1]; occlusion values are
	// drops of probability, in [-1, 1] (negative where hiding a patch made
	// the class more likely); each method's doc comment says what its
	// values are.
	Width, Height int
	Values        []float32
	// Probabilities are the class probabilities of the unchanged picture.
	Probabilities []float32
}

// Rows returns the map as rows of values (sharing Values' memory).
func (m Map) Rows() [][]float32 {
	rows := make([][]float32, m.Height)
	for y := range rows {
		rows[y] = m.Values[y*m.Width : (y+1)*m.Width : (y+1)*m.Width]
	}
	return rows
}

// Max returns the largest value of the map (0 for an empty map).
func (m Map) Max() float32 {
	var hi float32
	for _, v := range m.Values {
		hi = max(hi, v)
	}
	return hi
}

// CAM computes a Grad-CAM map from one conv layer's activations (after
// ReLU) and the gradient of a class's logit with respect to them (grad has
// act's CHW layout and length). Each channel k gets the weight
// alpha_k = mean over positions of grad_k; the map is
// ReLU(sum_k alpha_k * A_k), divided by its maximum so that it lies in
// [0, 1], and all zeros when that maximum is 0. The result has
// act.Height*act.Width values, row-major.
func CAM(act engine.Activation, grad []float32) ([]float32, error) {
	n := act.Height * act.Width
	if act.Channels < 1 || n < 1 || len(act.Data) != act.Channels*n || len(grad) != len(act.Data) {
		return nil, fmt.Errorf("explain: activation %dx%dx%d with %d values and a gradient of %d values do not match",
			act.Channels, act.Height, act.Width, len(act.Data), len(grad))
	}
	sum := make([]float64, n) // float64: 128 channels of small products
	for k := 0; k < act.Channels; k++ {
		g := grad[k*n : (k+1)*n]
		var alpha float64
		for _, v := range g {
			alpha += float64(v)
		}
		alpha /= float64(n)
		if alpha == 0 {
			continue
		}
		for i, a := range act.Map(k) {
			sum[i] += alpha * float64(a)
		}
	}
	var hi float64
	for _, v := range sum {
		hi = max(hi, v) // ReLU: negative sums never raise the maximum
	}
	out := make([]float32, n)
	if hi <= 0 {
		return out, nil
	}
	for i, v := range sum {
		if v > 0 {
			out[i] = float32(v / hi)
		}
	}
	return out, nil
}

// GradCAM explains input (m.Input().Len() values in CHW order, as
// picture.ToInputShape returns it) for class at conv layer layer (1 to
// len(m.ConvLayers()), or any place of m.Places()). layer 0 means
// m.CAMPlace() (the last conv layer of a chain, the maps that enter a
// graph's global pooling); class -1 means the class the network predicts.
// It costs one
// forward and backward pass (two when the predicted class has to be found
// first and is not class 0).
func GradCAM(m *engine.Model, input []float32, layer, class int) (Map, error) {
	if layer == 0 {
		layer = m.CAMPlace()
	}
	c := class
	if c < 0 {
		c = 0
	}
	act, grad, probs, err := m.LayerGradient(input, layer, c)
	if err != nil {
		return Map{}, err
	}
	if class < 0 {
		if best := engine.Argmax(probs); best != c {
			c = best
			if act, grad, probs, err = m.LayerGradient(input, layer, c); err != nil {
				return Map{}, err
			}
		}
	}
	vals, err := CAM(act, grad)
	if err != nil {
		return Map{}, err
	}
	return Map{Method: MethodGradCAM, Layer: layer, Class: c, Width: act.Width, Height: act.Height,
		Values: vals, Probabilities: probs}, nil
}
