package widgets

import (
	"fmt"
	"image"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
)

// PreviewSide is the side, in pixels, of a picture "as given" as the
// views show it (Explore's preview, the Grad-CAMs drawn over it).
const PreviewSide = 768

// CAM is a model's Grad-CAM of a picture for its answer, over the
// picture: the second opinion's in Explain, the two models' in the
// Collection view.
type CAM struct {
	Overlay image.Image
	// Place names where the map was taken (PlaceLabel).
	Place string
	Err   error
}

// GradCAMOf computes m's Grad-CAM of a picture (input at m's size) for
// class at m's default place, over base, the picture (the network's input
// when nil). It runs off the UI goroutine.
func GradCAMOf(m *engine.Model, input []float32, base image.Image, class int) CAM {
	mp, err := explain.GradCAM(m, input, 0, class)
	if err != nil {
		return CAM{Err: err}
	}
	if base == nil {
		in := m.Input()
		base = picture.FromInputShape(input, in.Channels, in.Width, in.Height)
	}
	overlay, err := plots.Overlay(base, mp.Values, mp.Width, mp.Height, 0, 1, 0.5)
	return CAM{Overlay: overlay, Place: PlaceLabel(m, mp.Layer), Err: err}
}

// PlaceLabel names m's place number layer (1-based) as the views do: "conv
// layer 5" in a chain, by the name the graph gives it ("layer4.1") in a
// graph.
func PlaceLabel(m *engine.Model, layer int) string {
	places := m.Places()
	if len(places) > len(m.ConvLayers()) && layer >= 1 && layer <= len(places) {
		return places[layer-1].Name
	}
	return fmt.Sprintf("conv layer %d", layer)
}
