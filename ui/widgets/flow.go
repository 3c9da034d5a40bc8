package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// FlowLayout places objects left to right at their minimum size and wraps
// to a new row when the width runs out, like words in a paragraph: the
// feature-map tiles and the picture/prediction row of the Explore view.
//
// A Fyne layout's MinSize does not know the width it will be given, so the
// layout remembers the width of its last Layout; when a new width changes
// the height it needs, OnResize is called so that the scroll container
// around it can take the new height.
type FlowLayout struct {
	width    float32 // width of the last Layout, 0 before the first
	height   float32 // height MinSize last reported
	OnResize func()
}

// fallbackWidth is assumed before the first Layout.
const fallbackWidth = 900

func (f *FlowLayout) arrange(objects []fyne.CanvasObject, width float32, place bool) (w, h float32) {
	pad := theme.Padding()
	x, y, rowH := float32(0), float32(0), float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		if x > 0 && x+s.Width > width {
			x, y = 0, y+rowH+pad
			rowH = 0
		}
		if place {
			o.Move(fyne.NewPos(x, y))
			o.Resize(s)
		}
		x += s.Width + pad
		w = max(w, x-pad)
		rowH = max(rowH, s.Height)
	}
	return w, y + rowH
}

func (f *FlowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	_, h := f.arrange(objects, size.Width, true)
	if h != f.height && f.OnResize != nil {
		f.height = h
		f.OnResize()
	}
}

func (f *FlowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	width := f.width
	if width <= 0 {
		width = fallbackWidth
	}
	var widest float32
	for _, o := range objects {
		if o.Visible() {
			widest = max(widest, o.MinSize().Width)
		}
	}
	_, h := f.arrange(objects, max(width, widest), false)
	f.height = h
	return fyne.NewSize(widest, h)
}
