package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TapArea passes taps on its content to a function, with the position in
// the content's coordinates: a chart whose cells answer a click (the
// confusion matrices).
type TapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func(fyne.Position)
}

// NewTapArea wraps content so that a tap on it calls onTap.
func NewTapArea(content fyne.CanvasObject, onTap func(fyne.Position)) *TapArea {
	t := &TapArea{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped passes the tap's position on.
func (t *TapArea) Tapped(ev *fyne.PointEvent) { t.onTap(ev.Position) }

// CreateRenderer draws the content alone.
func (t *TapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.content)
}
