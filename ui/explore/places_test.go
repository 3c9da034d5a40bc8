package explore

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TestPlacePicker opens an imported ResNet in Explore: its places are
// picked in a list grouped by block, searchable, each with its shape; the
// study's chain keeps its row of checks.
func TestPlacePicker(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if h.s.explore.maps.picker != nil || len(h.s.explore.maps.checks) != 5 {
		t.Fatalf("the study's chain: picker %v, %d checks", h.s.explore.maps.picker, len(h.s.explore.maps.checks))
	}
	h.s.openModel(filepath.Join("..", "..", "importer", "testdata", "resnet-opset17-bn.onnx"))
	h.settle()
	p := h.s.explore.maps.picker
	if p == nil {
		t.Fatal("no place picker for a graph")
	}
	var groups []string
	for _, g := range p.groups {
		groups = append(groups, g.name)
	}
	if want := []string{"", "layer1.0", "layer2.0", "layer3.0", "layer4.0"}; !slices.Equal(groups, want) {
		t.Errorf("groups %q, want %q", groups, want)
	}
	if got := p.checks[12].Text; got != "13  layer1.0  ·  16 × 16 × 64" {
		t.Errorf("place 13 reads %q", got)
	}
	// By default: the first conv, a block in the middle, Grad-CAM's place.
	if got := p.button.Text; got != "conv1, layer2.0, layer4.0…" {
		t.Errorf("button %q", got)
	}
	p.search.SetText("downsample")
	var shown []string
	walk(p.list, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			shown = append(shown, strings.Fields(c.Text)[1])
		}
	})
	if want := []string{"layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0"}; !slices.Equal(shown, want) {
		t.Errorf("searching downsample shows %v, want %v", shown, want)
	}
	p.checks[len(p.checks)-1].SetChecked(false)
	p.checks[12].SetChecked(true)
	if got := p.button.Text; got != "conv1, layer1.0, layer2.0…" {
		t.Errorf("button %q", got)
	}
	if want := []bool{true, false, false, false, false, false, false, false, false, false, false, false, true, true, false, false}; !slices.Equal(h.s.explore.maps.layers, want) {
		t.Errorf("places shown %v, want %v", h.s.explore.maps.layers, want)
	}
}
