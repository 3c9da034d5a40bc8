package widgets

import (
	"fmt"
	"image"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
)

// MapScale is how a map's values become colours: from Lo to Hi, or on a
// diverging scale from -Hi to +Hi for a signed map; LoText and HiText
// name the legend's ends and What says what the brightness means.
type MapScale struct {
	Lo, Hi         float32
	Diverging      bool
	LoText, HiText string
	What           string
}

// ScaleOf returns the scale of mp, as the command line's figures use it:
// the CAMs from 0 to 1, occlusion and SmoothGrad from 0 to their largest
// value, RISE from its least to its largest, Integrated Gradients' signed
// values symmetric about 0 (the map's largest magnitude, however small).
func ScaleOf(m *engine.Model, mp explain.Map) MapScale {
	class := host.ClassName(m, mp.Class)
	sc := MapScale{Lo: 0, Hi: 1, LoText: "0", HiText: "1",
		What: "brighter where the evidence for " + class + " lies"}
	switch mp.Method {
	case explain.MethodEigenCAM:
		sc.What = "brighter where the layer's main pattern is stronger (the same for every class)"
	case explain.MethodOcclusion:
		sc.Hi = max(mp.Max(), 1e-6)
		sc.LoText, sc.HiText = "0 (or a rise)", fmt.Sprintf("%.1f points", 100*sc.Hi)
		sc.What = "brighter where hiding the place lowers the probability of " + class + " more"
	case explain.MethodSmoothGrad:
		sc.Hi = max(mp.Max(), 1e-12)
		sc.HiText = fmt.Sprintf("%.3g", sc.Hi)
		sc.What = "brighter where the pixel sways the score of " + class + " more (mean absolute gradient)"
	case explain.MethodRISE:
		sc.Lo, sc.Hi = mp.Values[0], mp.Values[0]
		for _, v := range mp.Values {
			sc.Lo, sc.Hi = min(sc.Lo, v), max(sc.Hi, v)
		}
		if sc.Hi <= sc.Lo {
			sc.Hi = sc.Lo + 1e-6
		}
		sc.LoText, sc.HiText = fmt.Sprintf("%.1f%%", 100*sc.Lo), fmt.Sprintf("%.1f%%", 100*sc.Hi)
		sc.What = "the probability of " + class + " when the pixel is kept, on average over random masks"
	case explain.MethodIntegratedGradients:
		sc.Diverging, sc.Hi = true, 0
		for _, v := range mp.Values {
			sc.Hi = max(sc.Hi, v, -v)
		}
		if sc.Hi == 0 {
			sc.Hi = 1
		}
		sc.Lo = -sc.Hi
		sc.LoText, sc.HiText = fmt.Sprintf("-%.3g (against)", sc.Hi), fmt.Sprintf("+%.3g (for)", sc.Hi)
		sc.What = "red where the pixel adds to the score of " + class + ", blue where it takes from it, white for nothing"
	}
	return sc
}

// OverlayOf draws mp over base on its scale.
func OverlayOf(base image.Image, mp explain.Map, sc MapScale, opacity float64) (image.Image, error) {
	if sc.Diverging {
		return plots.DivergingOverlay(base, mp.Values, mp.Width, mp.Height, sc.Hi, opacity)
	}
	return plots.Overlay(base, mp.Values, mp.Width, mp.Height, sc.Lo, sc.Hi, opacity)
}

// LegendOf draws the scale's colour bar, w×h pixels, its low end at the
// left.
func LegendOf(sc MapScale, w, h int) image.Image {
	if !sc.Diverging {
		return plots.Legend(sc.Lo, sc.Hi, w, h)
	}
	img := image.NewNRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	for x := range w {
		c := plots.DivergingColor(2*(float64(x)+0.5)/float64(w) - 1)
		for y := range h {
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// PlaceText names the place a CAM map was read at, ", at conv layer 5"
// (or a graph's place by name), "" for the other methods.
func PlaceText(m *engine.Model, mp explain.Map) string {
	if mp.Layer <= 0 {
		return ""
	}
	if places := m.Places(); len(places) > len(m.ConvLayers()) && mp.Layer <= len(places) {
		return fmt.Sprintf(", at %s (layer %d)", places[mp.Layer-1].Name, mp.Layer)
	}
	return fmt.Sprintf(", at conv layer %d", mp.Layer)
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

// CAM is a model's Grad-CAM of a picture for its answer, over the
// picture: the second opinion's in the Explain view and the Collection
// view's two models side by side.
type CAM struct {
	Overlay image.Image
	Place   string // where it was read (PlaceLabel)
	Err     error
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
