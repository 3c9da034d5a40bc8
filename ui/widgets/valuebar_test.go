package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestValueBar: the value's text is beside the bar, not on it, and bars
// with texts of different lengths are equally long.
func TestValueBar(t *testing.T) {
	test.NewTempApp(t)
	var widths []float32
	for _, c := range []struct {
		v    float64
		text string
	}{{0.47, "47.0%"}, {0.002, "0.2%"}} {
		o := NewValueBar(c.v, c.text, "100.0%")
		w := test.NewTempWindow(t, o)
		w.Resize(fyne.NewSize(300, 60))
		for _, x := range o.(*fyne.Container).Objects {
			if p, ok := x.(*widget.ProgressBar); ok {
				widths = append(widths, p.Size().Width)
				if s := p.TextFormatter(); s != "" {
					t.Errorf("text %q on the bar", s)
				}
			}
		}
	}
	if len(widths) != 2 || widths[0] != widths[1] || widths[0] < 100 {
		t.Errorf("bar widths %v, want two equal ones", widths)
	}
}
