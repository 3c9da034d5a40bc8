package uitest

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Walk calls f for o and every object in its tree that is visible,
// without laying anything out.
func Walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			Walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			Walk(c, f)
		}
	}
}

// Texts returns the texts of the visible labels, rich texts and canvas
// texts in the tree of o.
func Texts(o fyne.CanvasObject) []string {
	var out []string
	Walk(o, func(c fyne.CanvasObject) {
		switch c := c.(type) {
		case *widget.Label:
			out = append(out, c.Text)
		case *widget.RichText:
			out = append(out, c.String())
		case *canvas.Text:
			out = append(out, c.Text)
		}
	})
	return out
}

// HasText reports whether some text in the tree of o contains sub.
func HasText(o fyne.CanvasObject, sub string) bool {
	for _, s := range Texts(o) {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// Button finds the visible button labelled text in the tree of o (the
// last, where there are several), failing t when there is none.
func Button(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	Walk(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in %q", text, Texts(o))
	}
	return found
}
