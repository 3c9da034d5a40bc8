package explore

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/featviz"
)

// From an enlarged map, "What it looks for" draws the filter's picture
// off the UI goroutine, then the whole layer's page; the classes' page
// draws one picture a class; closing a page stops its drawing.
func TestLookFor(t *testing.T) {
	lookForOptions = featviz.Options{Steps: 4}
	defer func() { lookForOptions = featviz.Options{} }()
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)
	h := newHarness(t, harnessOptions{Images: []string{path}})
	f := h.s.explore.maps
	test.Tap(mapTiles(f)[1]) // layer 1, filter 2
	test.Tap(button(t, h.topDialog(), "What it looks for"))
	h.settle()
	v := f.look
	if v == nil || !v.done || len(v.results) != 1 || v.results[0].Goal != (featviz.Goal{Layer: 1, Filter: 1}) {
		t.Fatalf("after the button: %+v", v)
	}
	if !hasText(h.topDialog(), "peaks at") || !hasText(h.topDialog(), "Drawn: 1 picture.") {
		t.Errorf("dialog: %q", texts(h.topDialog()))
	}
	test.Tap(button(t, h.topDialog(), "Every filter of layer 1"))
	h.settle()
	page := v.page
	if page == nil || len(page.results) != 32 || page.results[31].Goal.Filter != 31 || page.bar.Value != 1 {
		t.Fatalf("layer page: %d pictures", len(page.results))
	}
	// The filter alone is drawn on the 128-pixel canvas, the page at the
	// input's 64 pixels.
	if a, b := v.results[0].Image.Bounds().Dx(), page.results[1].Image.Bounds().Dx(); a != 128 || b != 64 {
		t.Errorf("filter 2 drawn on %d pixels alone, %d on the page; want 128 and 64", a, b)
	}
	// Asked for again, the filter comes from the cache: the same picture.
	page.dlg.Hide()
	again := showLookForFilter(h.s.Host, 1, 1)
	h.settle()
	if len(again.results) != 1 || again.results[0] != v.results[0] {
		t.Error("filter 2 drawn again instead of taken from the cache")
	}
	again.dlg.Hide()

	classes := ShowLookForClasses(h.s.Host)
	h.settle()
	if len(classes.results) != 4 || classes.results[2].Goal.Class != 2 || !hasText(h.topDialog(), "painting: ") {
		t.Errorf("classes: %d pictures, %q", len(classes.results), texts(h.topDialog()))
	}

	lookForOptions = featviz.Options{Steps: 100000}
	slow := showLookForLayer(h.s.Host, 2)
	slow.dlg.Hide() // closing stops the drawing
	h.settle()
	if !slow.done || len(slow.results) != 0 || slow.status.Text != "Stopped: 0 of 64 drawn." {
		t.Errorf("closed page: done %v, %d pictures, %q", slow.done, len(slow.results), slow.status.Text)
	}
}

// A click on a cell of an enlarged map opens how its value is computed;
// the arrow keys step to the neighbouring cells and stop at the edges; a
// cell of layer 2 shows the pooling of layer 1 that its window reads.
func TestValueView(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)
	h := newHarness(t, harnessOptions{Images: []string{path}})
	f := h.s.explore.maps
	f.checks[0].SetChecked(false) // layer 2 alone
	f.checks[1].SetChecked(true)
	f.checks[2].SetChecked(false)
	h.settle()
	test.Tap(mapTiles(f)[4]) // layer 2, filter 5
	var picker *mapPicker
	walk(h.topDialog(), func(o fyne.CanvasObject) {
		if p, ok := o.(*mapPicker); ok {
			picker = p
		}
	})
	if picker == nil {
		t.Fatal("no clickable map in the dialog")
	}
	// The map is 29x29 cells, drawn square and centred: a tap at the
	// centre of cell (row 3, column 7).
	size := picker.Size()
	side := min(size.Width, size.Height) / 29
	x0, y0 := (size.Width-29*side)/2, (size.Height-29*side)/2
	picker.Tapped(&fyne.PointEvent{Position: fyne.NewPos(x0+7.5*side, y0+3.5*side)})
	v := f.value
	if v == nil || v.y != 3 || v.x != 7 || v.layer != 2 || v.filter != 4 {
		t.Fatalf("after the tap: %+v", v)
	}
	act := h.s.explore.current.Pred.Activations[1]
	check := func(y, x int) {
		t.Helper()
		c := v.cell
		if v.y != y || v.x != x || c.Y != y || c.X != x || c.Value != act.Map(4)[y*act.Width+x] {
			t.Errorf("cell (%d,%d), shown (%d,%d), value %v, want (%d,%d) %v", v.y, v.x, c.Y, c.X, c.Value, y, x, act.Map(4)[y*act.Width+x])
		}
		if c.Pooled[0] == nil || len(c.Pooled[0].Values) != 4 {
			t.Errorf("cell (%d,%d): no 2x2 pooling shown", y, x)
		}
		if !hasText(v.body, "largest of the cells below") || !hasText(v.result, "Sum of the 288 products") {
			t.Errorf("cell (%d,%d): %q %q", y, x, texts(v.body), texts(v.result))
		}
	}
	check(3, 7)
	key := h.w.Canvas().OnTypedKey()
	key(&fyne.KeyEvent{Name: fyne.KeyRight})
	check(3, 8)
	key(&fyne.KeyEvent{Name: fyne.KeyDown})
	key(&fyne.KeyEvent{Name: fyne.KeyDown})
	check(5, 8)
	for range 10 {
		key(&fyne.KeyEvent{Name: fyne.KeyUp})
	}
	check(0, 8)
	key(&fyne.KeyEvent{Name: fyne.KeyLeft})
	check(0, 7)
	// Closing gives the arrow keys back to the window.
	v.dlg.Hide()
	h.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyRight})
	if v.x != 7 {
		t.Error("the arrow keys still move the closed view's cell")
	}
}

// On torchvision's MobileNetV2 (imported), the value view breaks down a
// depthwise convolution's cell: a window of one channel of the conv
// layer before (after its batch norm and ReLU6), its kernel, the batch
// norm and the ReLU6, adding up to the cell's value.
func TestValueViewMobileNet(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)
	h := newHarness(t, harnessOptions{Images: []string{path}})
	h.s.openModel(filepath.Join("..", "..", "importer", "testdata", "mobilenet-v2-opset17-bn.onnx"))
	h.settle()
	e := h.s.explore.current
	layer := 0 // the first depthwise convolution: features.1.conv.0.0
	for l, p := range h.s.Model().Places() {
		if p.Name == "features.1.conv.0.0" {
			layer = l + 1
		}
	}
	pred := e.Answer(h.s.Model())
	if layer == 0 || pred == nil {
		t.Fatalf("layer %d, prediction %v", layer, pred)
	}
	a := pred.Activations[layer-1]
	v := showValue(h.s.Host, e, layer, 3, 5, 6, 0, 1)
	c := v.cell
	if c == nil {
		t.Fatalf("no cell: %q", v.err.Text)
	}
	want := a.Map(3)[5*a.Width+6]
	if c.Channels != 1 || c.FirstChannel != 3 || c.Activation != engine.Clip || !c.HasBatchNorm || c.Value != want ||
		math.Abs(float64(c.Activate(c.PreReLU)-want)) > 1e-4 {
		t.Errorf("cell: %d channels from %d, activation %q, batch norm %v, value %v (want %v)", c.Channels, c.FirstChannel, c.Activation, c.HasBatchNorm, c.Value, want)
	}
	if !hasText(v.result, "ReLU6 (kept between 0 and 6)") || !hasText(v.body, "Layer 2 (features.1.conv.0.0), filter 4") || !hasText(v.body, "(channel 4 alone: a depthwise convolution)") {
		t.Errorf("shown: %q %q", texts(v.body), texts(v.result))
	}
	v.dlg.Hide()
}

// On torchvision's MobileNetV3 (imported), a convolution that reads the
// maps scaled by a squeeze-excitation shows its window from them (the
// engine's values), says so, and adds up to the cell's value.
func TestValueViewSqueezeExcitation(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 120, 90, 3)
	h := newHarness(t, harnessOptions{Images: []string{path}})
	h.s.openModel(filepath.Join("..", "..", "importer", "testdata", "mobilenet-v3-small-opset17-bn.onnx"))
	h.settle()
	e := h.s.explore.current
	layer := 0 // the projection after the first squeeze-excitation
	for l, p := range h.s.Model().Places() {
		if p.Name == "features.1.block.2.0" {
			layer = l + 1
		}
	}
	pred := e.Answer(h.s.Model())
	if layer == 0 || pred == nil {
		t.Fatalf("layer %d, prediction %v", layer, pred)
	}
	a := pred.Activations[layer-1]
	v := showValue(h.s.Host, e, layer, 2, 3, 4, 0, 1)
	c := v.cell
	if c == nil {
		t.Fatalf("no cell: %q", v.err.Text)
	}
	var sum float64
	for i := range c.Window {
		sum += float64(c.Window[i]) * float64(c.Kernel[i])
	}
	z := (sum+float64(c.Bias))*float64(c.BNScale) + float64(c.BNShift)
	if want := a.Map(2)[3*a.Width+4]; c.Value != want || !c.HasBatchNorm || math.Abs(z-float64(want)) > 1e-4*(1+math.Abs(z)) {
		t.Errorf("cell: value %v, the arithmetic %v, want %v", c.Value, z, want)
	}
	// The sentence is wrapped to the dialog's width.
	if !strings.Contains(strings.Join(texts(v.body), " "), "window of features.1.block.0.0, each channel scaled by the squeeze-excitation features.1.block.1, over 8 channels") {
		t.Errorf("shown: %q", texts(v.body))
	}
	walk(v.body, func(o fyne.CanvasObject) {
		if txt, ok := o.(*canvas.Text); ok && txt.MinSize().Width > h.s.DialogSize().Width {
			t.Errorf("%q is %v wide, the dialog %v", txt.Text, txt.MinSize().Width, h.s.DialogSize().Width)
		}
	})
	v.dlg.Hide()
}
