package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// SizedBox shows its content at least Width wide.
type SizedBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
	Width   float32
}

// NewSizedBox shows content at least as wide as its Width.
func NewSizedBox(content fyne.CanvasObject) *SizedBox {
	b := &SizedBox{content: content}
	b.ExtendBaseWidget(b)
	return b
}

func (b *SizedBox) CreateRenderer() fyne.WidgetRenderer {
	return &sizedRenderer{b}
}

type sizedRenderer struct{ b *SizedBox }

func (r *sizedRenderer) Layout(size fyne.Size) { r.b.content.Resize(size) }
func (r *sizedRenderer) MinSize() fyne.Size {
	m := r.b.content.MinSize()
	return fyne.NewSize(max(m.Width, r.b.Width), m.Height)
}
func (r *sizedRenderer) Refresh()                     { r.b.content.Refresh() }
func (r *sizedRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.content} }
func (r *sizedRenderer) Destroy()                     {}

// NewSizedBoxW is a SizedBox of width w.
func NewSizedBoxW(o fyne.CanvasObject, w float32) *SizedBox {
	b := NewSizedBox(o)
	b.Width = w
	return b
}
