package frames

import (
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
)

// camHead is the output layer of a network whose Grad-CAM place enters a
// global average pooling and then one dense layer (ResNet, MobileNet,
// most ImageNet networks). There the gradient of class c's logit with
// respect to the place's maps is the same everywhere in map k,
// W[k][c]/(H*W), so Grad-CAM needs no backward pass: the maps the answer
// already computed and a row of the dense layer's weights give the same
// map (the class activation map of Zhou et al., which Grad-CAM equals
// for such networks). It saves the live loop a forward and a backward
// pass a frame, two thirds of ResNet-18's time.
type camHead struct {
	layer             int       // the place it serves
	w                 []float32 // the dense layer's weights, channels×classes
	channels, classes int
}

// headOf returns m's camHead for place layer, or nil when the layers
// after that place are anything else than a global average pooling, then
// flattening, dropout (nothing at inference), one dense layer and a
// softmax, each reading the one before.
func headOf(m *engine.Model, layer int) *camHead {
	if layer != m.CAMPlace() {
		return nil
	}
	arch := m.Arch()
	g := -1
	for i := len(arch.Layers) - 1; i >= 0; i-- {
		if arch.Layers[i].Kind == engine.GlobalAvgPool {
			g = i
			break
		}
	}
	if g < 0 {
		return nil
	}
	denses := 0
	for i := g + 1; i < len(arch.Layers); i++ {
		l := arch.Layers[i]
		if len(l.Inputs) > 1 || len(l.Inputs) == 1 && l.Inputs[0] != arch.Layers[i-1].Name {
			return nil
		}
		switch l.Kind {
		case engine.Flatten, engine.Dropout, engine.Softmax:
		case engine.Dense:
			denses++
		default:
			return nil
		}
	}
	if denses != 1 {
		return nil
	}
	place := m.Places()[layer-1]
	classes := len(m.Meta.Classes)
	if place.Channels == classes {
		return nil // the weights' layout could not be told from their shape
	}
	params := m.Params()
	for i := len(params) - 1; i >= 0; i-- {
		p := params[i]
		if len(p.Shape) == 2 && p.Shape[0] == place.Channels && p.Shape[1] == classes {
			return &camHead{layer: layer, w: p.Data, channels: place.Channels, classes: classes}
		}
	}
	return nil
}

// cam is Grad-CAM of class for the place's maps act, as
// explain.GradCAM computes it.
func (h *camHead) cam(act engine.Activation, class int, probs []float32) (explain.Map, error) {
	n := act.Height * act.Width
	grad := make([]float32, len(act.Data))
	for k := range act.Channels {
		g := h.w[k*h.classes+class] / float32(n)
		row := grad[k*n : (k+1)*n]
		for i := range row {
			row[i] = g
		}
	}
	vals, err := explain.CAM(act, grad)
	if err != nil {
		return explain.Map{}, err
	}
	return explain.Map{Method: explain.MethodGradCAM, Layer: act.Layer, Class: class, Width: act.Width, Height: act.Height,
		Values: vals, Probabilities: probs}, nil
}
