package ui

import (
	"testing"

	"github.com/artlens/artlens/ui/widgets"
	"github.com/artlens/artlens/weights"
)

// TestPlaceLabel checks how the second opinion names its Grad-CAM's place:
// a chain's conv layer by number, a graph's place by its name.
func TestPlaceLabel(t *testing.T) {
	for _, c := range []struct{ model, want string }{
		{"study", "conv layer 5"},
		{"resnet", "layer4.1"},
	} {
		m, err := weights.Load(c.model)
		if err != nil {
			t.Fatal(err)
		}
		if got := widgets.PlaceLabel(m, m.CAMPlace()); got != c.want {
			t.Errorf("%s: the default place is called %q, want %q", c.model, got, c.want)
		}
	}
}
