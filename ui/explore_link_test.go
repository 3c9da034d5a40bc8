package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/artlens/artlens/ui/host"
)

// The window's tests see the Explore view (package ui/explore) as a user
// does: through the host's picture and the widgets on screen.

// walkAll calls f for o and every object in its tree, hidden or not (the
// Explore view's widgets while another tab shows).
func walkAll(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkAll(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkAll(c, f)
		}
	}
}

// mapTiles returns the feature-map tiles the Explore view shows, in
// order: the objects of its unexported tile type.
func mapTiles(content fyne.CanvasObject) []fyne.Tappable {
	var out []fyne.Tappable
	walk(content, func(o fyne.CanvasObject) {
		if t, ok := o.(fyne.Tappable); ok && fmt.Sprintf("%T", o) == "*explore.mapTile" {
			out = append(out, t)
		}
	})
	return out
}

// exploreThreshold returns the Explore view's threshold slider (a sigmoid
// model's), or nil.
func exploreThreshold(content fyne.CanvasObject) *widget.Slider {
	var found *widget.Slider
	walkAll(content, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Slider); ok && s.Min == 0.01 && s.Max == 1 {
			found = s
		}
	})
	return found
}

// shownAnswer is the answer the Explore view shows for the picture shown
// (a softmax model's class; "—" without one, "" with no picture).
func shownAnswer(h *harness) string {
	p := h.s.Picture()
	if p == nil {
		return ""
	}
	a := p.Answer(h.s.Model())
	if a == nil {
		return "—"
	}
	return host.ClassName(h.s.Model(), a.Class)
}
