package ui

import (
	"fmt"
	"image"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/plots"
)

// mapScale is how a map's values become colours: from lo to hi, or on a
// diverging scale from -hi to +hi for a signed map; loText and hiText
// name the legend's ends and what says what the brightness means.
type mapScale struct {
	lo, hi         float32
	diverging      bool
	loText, hiText string
	what           string
}

// scaleOf returns the scale of mp, as the command line's figures use it:
// the CAMs from 0 to 1, occlusion and SmoothGrad from 0 to their largest
// value, RISE from its least to its largest, Integrated Gradients' signed
// values symmetric about 0 (the map's largest magnitude, however small).
func scaleOf(m *engine.Model, mp explain.Map) mapScale {
	class := className(m, mp.Class)
	sc := mapScale{lo: 0, hi: 1, loText: "0", hiText: "1",
		what: "brighter where the evidence for " + class + " lies"}
	switch mp.Method {
	case explain.MethodEigenCAM:
		sc.what = "brighter where the layer's main pattern is stronger (the same for every class)"
	case explain.MethodOcclusion:
		sc.hi = max(mp.Max(), 1e-6)
		sc.loText, sc.hiText = "0 (or a rise)", fmt.Sprintf("%.1f points", 100*sc.hi)
		sc.what = "brighter where hiding the place lowers the probability of " + class + " more"
	case explain.MethodSmoothGrad:
		sc.hi = max(mp.Max(), 1e-12)
		sc.hiText = fmt.Sprintf("%.3g", sc.hi)
		sc.what = "brighter where the pixel sways the score of " + class + " more (mean absolute gradient)"
	case explain.MethodRISE:
		sc.lo, sc.hi = mp.Values[0], mp.Values[0]
		for _, v := range mp.Values {
			sc.lo, sc.hi = min(sc.lo, v), max(sc.hi, v)
		}
		if sc.hi <= sc.lo {
			sc.hi = sc.lo + 1e-6
		}
		sc.loText, sc.hiText = fmt.Sprintf("%.1f%%", 100*sc.lo), fmt.Sprintf("%.1f%%", 100*sc.hi)
		sc.what = "the probability of " + class + " when the pixel is kept, on average over random masks"
	case explain.MethodIntegratedGradients:
		sc.diverging, sc.hi = true, 0
		for _, v := range mp.Values {
			sc.hi = max(sc.hi, v, -v)
		}
		if sc.hi == 0 {
			sc.hi = 1
		}
		sc.lo = -sc.hi
		sc.loText, sc.hiText = fmt.Sprintf("-%.3g (against)", sc.hi), fmt.Sprintf("+%.3g (for)", sc.hi)
		sc.what = "red where the pixel adds to the score of " + class + ", blue where it takes from it, white for nothing"
	}
	return sc
}

// overlayOf draws mp over base on its scale.
func overlayOf(base image.Image, mp explain.Map, sc mapScale, opacity float64) (image.Image, error) {
	if sc.diverging {
		return plots.DivergingOverlay(base, mp.Values, mp.Width, mp.Height, sc.hi, opacity)
	}
	return plots.Overlay(base, mp.Values, mp.Width, mp.Height, sc.lo, sc.hi, opacity)
}

// legendOf draws the scale's colour bar, w×h pixels, its low end at the
// left.
func legendOf(sc mapScale, w, h int) image.Image {
	if !sc.diverging {
		return plots.Legend(sc.lo, sc.hi, w, h)
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

// explainRequest is r as package explain's methods read it, for class
// (-1: the answer) at place (0: the model's default).
func (r request) explainRequest(class, place int) explain.Request {
	return explain.Request{Input: r.input, Class: class, Place: place, RISE: explain.RISEOptions{Masks: r.rise}}
}

// placeText names the place a CAM map was read at, ", at conv layer 5"
// (or a graph's place by name), "" for the other methods.
func placeText(m *engine.Model, mp explain.Map) string {
	if mp.Layer <= 0 {
		return ""
	}
	if places := m.Places(); len(places) > len(m.ConvLayers()) && mp.Layer <= len(places) {
		return fmt.Sprintf(", at %s (layer %d)", places[mp.Layer-1].Name, mp.Layer)
	}
	return fmt.Sprintf(", at conv layer %d", mp.Layer)
}
