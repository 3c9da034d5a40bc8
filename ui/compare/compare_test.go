package compare

import (
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/explain"
)

func TestCompareView(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, name := range []string{"a.jpg", "b.jpg", "c.jpg", "d.jpg"} {
		paths = append(paths, writeJPEG(t, dir, name, 160+20*i, 120, i+1))
	}
	h := newHarness(t, harnessOptions{Images: paths, View: "compare"})
	v := h.s.compare
	h.settle()
	if len(v.picks.Options) != 4 || len(v.picks.Selected) != 3 {
		t.Fatalf("options %q, picked %q", v.picks.Options, v.picks.Selected)
	}
	if v.fig == nil || v.save.Disabled() || !hasText(v.content, "differs most") {
		t.Fatalf("no figure: %q", texts(v.content))
	}
	// Three rows of 180-pixel tiles, nine maps of three layers.
	if b := v.fig.Bounds(); b.Dx() < 11*180 || b.Dy() < 3*180 {
		t.Errorf("figure %v", b)
	}

	v.filters.SetText("1, 7")
	v.filters.OnSubmitted(v.filters.Text)
	h.settle()
	if !hasText(v.content, "the chosen filters (conv1 #1 #7, conv3 #1 #7, conv5 #1 #7)") {
		t.Errorf("chosen filters: %q", texts(v.content))
	}
	v.filters.SetText("200")
	v.filters.OnSubmitted(v.filters.Text)
	if !hasText(v.content, "conv layer 1 has only 32 filters") || v.fig != nil {
		t.Errorf("bad filter: %q", texts(v.content))
	}
	v.filters.SetText("")
	v.picks.SetSelected([]string{"a.jpg"})
	h.settle()
	if !hasText(v.content, "Pick two to four pictures on the left (1 picked)") || !v.save.Disabled() {
		t.Errorf("one picture: %q", texts(v.content))
	}
	v.picks.SetSelected([]string{"a.jpg", "d.jpg"})
	h.settle()
	if v.fig == nil {
		t.Fatal("no figure for two pictures")
	}
	// The user's picks stay when more pictures are opened.
	h.open(writeJPEG(t, dir, "e.jpg", 100, 100, 9))
	if !slices.Equal(v.picks.Selected, []string{"a.jpg", "d.jpg"}) || len(v.picks.Options) != 5 {
		t.Errorf("after opening e.jpg: picked %q of %q", v.picks.Selected, v.picks.Options)
	}
}

// An imported network's dozens of conv layers wrap in the Compare view's
// controls, rather than widen the window past the screen (MobileNetV3's
// 52 checks in a row were 3,000 pixels), and the filters and Save stay.
func TestCompareViewManyLayers(t *testing.T) {
	h := newHarness(t, harnessOptions{Images: []string{writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)}})
	h.s.openModel(filepath.Join("..", "..", "importer", "testdata", "mobilenet-v3-small-opset17-bn.onnx"))
	h.settle()
	v := h.s.compare
	if objs := v.layerBox.Objects; len(v.layers) != 52 || len(objs) != 55 || objs[len(objs)-1] != fyne.CanvasObject(v.save) {
		t.Fatalf("%d layer checks, %d controls", len(v.layers), len(objs))
	}
	if w := v.content.MinSize().Width; w > 1000 {
		t.Errorf("the Compare view needs %v pixels", w)
	}
}

// TestCompareMethods checks one picture under several methods side by side.
func TestCompareMethods(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 200, 160, 1)
	b := writeJPEG(t, dir, "b.jpg", 160, 160, 2)
	h := newHarness(t, harnessOptions{Images: []string{a, b}, View: "compare"})
	v := h.s.compare
	v.methods.riseMasks = 40
	v.modes.SelectIndex(1)
	h.settle()
	mc := v.methods
	if mc.picture.Selected != "a.jpg" || len(mc.tiles.Objects) != len(compareMethodsDefault) || len(mc.shownMaps) != len(compareMethodsDefault) {
		t.Fatalf("picture %q, %d tiles, %d maps: %q", mc.picture.Selected, len(mc.tiles.Objects), len(mc.shownMaps), mc.status.Text)
	}
	var order []string // the table's order
	for _, me := range explain.Methods() {
		if slices.Contains(compareMethodsDefault, me.Name) {
			order = append(order, me.Name)
		}
	}
	for i, mp := range mc.shownMaps {
		if mp.Method != order[i] {
			t.Errorf("tile %d shows %s, not %s", i, mp.Method, order[i])
		}
	}
	mc.methods.Set(explain.MethodGradCAM, explain.MethodOcclusion)
	mc.picture.SetSelected("b.jpg")
	h.settle()
	if len(mc.tiles.Objects) != 2 || len(mc.shownMaps) != 2 || !hasText(mc.content, "each map on its own scale") {
		t.Errorf("%d tiles: %q", len(mc.tiles.Objects), texts(mc.content))
	}
}
