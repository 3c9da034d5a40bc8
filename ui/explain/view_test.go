package explain

import (
	"context"
	"image"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/weights"
)

func TestExplainView(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 300, 200, 1)
	b := writePNG(t, dir, "b.png", 120, 160, 2)
	h := newHarness(t, harnessOptions{Images: []string{a, b}, View: "explain"})
	v := h.s.explain
	if h.s.view != "explain" {
		t.Fatalf("view %q selected", h.s.view)
	}
	h.waitFor("the first picture's Grad-CAM", func() bool { return v.result != nil && v.entry != nil && v.entry.Name == "a.jpg" })
	h.settle()
	r := v.result
	if r.Method != explain.MethodGradCAM || r.Layer != 5 || r.Width != 9 {
		t.Errorf("default map: %s layer %d, %d wide", r.Method, r.Layer, r.Width)
	}
	if p := v.entry.Answer(h.s.Model()); p == nil || r.Class != p.Class {
		t.Errorf("explained class %d, not the answer", r.Class)
	}
	// The overlay is the picture as given (its preview), not the 64×64 input.
	if got := v.overlay.Image.Bounds().Size(); got != image.Pt(300, 200) {
		t.Errorf("overlay is %v, want the picture's 300×200", got)
	}
	if !hasText(v.content, "why "+h.s.Model().Meta.Classes[r.Class]) || !hasText(v.content, "Computed in") {
		t.Errorf("texts: %q", texts(v.content))
	}
	if len(v.probes.Objects) != len(explain.ProbeNames) || !hasText(v.probes, "hues rotated") {
		t.Errorf("%d probes shown", len(v.probes.Objects))
	}
	if v.filters.Image == nil {
		t.Error("conv-1 filters not drawn")
	}
	if len(v.class.Options) != 1+len(classes4) || !strings.HasPrefix(v.class.Selected, classAnswer) {
		t.Errorf("class list %q, selected %q", v.class.Options, v.class.Selected)
	}
	t.Logf("first Grad-CAM shown %v after the request (graph built, test model)", v.elapsed)

	// Another layer and class.
	v.layer.SetSelectedIndex(2)
	v.class.SetSelected("sculpture")
	h.settle()
	if v.result.Layer != 3 || v.result.Class != 3 || v.result.Width != 27 {
		t.Errorf("conv3 sculpture: layer %d class %d width %d", v.result.Layer, v.result.Class, v.result.Width)
	}
	t.Logf("Grad-CAM at conv3 shown %v after the click", v.elapsed)

	// Opacity redraws the overlay without computing again.
	before, res := v.overlay.Image, v.result
	v.opacity.SetValue(1)
	v.opacity.OnChangeEnded(1)
	h.settle()
	if v.overlay.Image == before || v.result != res {
		t.Error("opacity did not redraw the overlay alone")
	}

	// Occlusion: the layer list does not apply.
	v.method.SetSelected(methodOcclusion)
	h.settle()
	if v.result.Method != explain.MethodOcclusion || v.layerRow.Visible() || !hasText(v.content, "hiding a") {
		t.Errorf("occlusion: method %s, layer picker shown %v", v.result.Method, v.layerRow.Visible())
	}
	want, err := explain.Occlusion(t.Context(), h.s.Model(), v.entry.Input, 3, explain.OcclusionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(want.Values, v.result.Values) {
		t.Error("the view's occlusion map differs from explain.Occlusion's")
	}

	// Selecting the other picture in Explore explains it instead, with
	// its own probes; work for the old selection is dropped.
	v.method.SetSelected(methodGradCAM)
	h.s.selectPicture(1)
	h.settle()
	if v.entry.Name != "b.png" || v.probesOf != v.entry || v.overlay.Image.Bounds().Size() != image.Pt(120, 160) {
		t.Errorf("after selecting b.png: explaining %s, overlay %v", v.entry.Name, v.overlay.Image.Bounds())
	}
	v.status.SetText("") // the time taken varies from run to run
	// Lay the whole window out again before the capture: under the race
	// detector on a busy machine, a capture once caught the header and the
	// tab bar half laid out.
	h.w.Content().Refresh()
	h.settle()
	test.AssertImageMatches(t, "explain.png", h.w.Canvas().Capture())
}

// TestExplainWaitsUntilShown checks that selections made in Explore cost
// nothing until the Explain tab is opened, and that a selection made while
// occlusion runs wins over it.
func TestExplainWaitsUntilShown(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 200, 200, 1)
	b := writeJPEG(t, dir, "b.jpg", 200, 150, 3)
	h := newHarness(t, harnessOptions{Images: []string{a, b}})
	v := h.s.explain
	if v.result != nil || v.gen != 0 {
		t.Fatal("the Explain view computed while hidden")
	}
	h.s.showView("explain")
	h.settle()
	if v.result == nil || v.entry.Name != "a.jpg" {
		t.Fatal("opening the tab did not explain the selected picture")
	}
	v.method.SetSelected(methodOcclusion)
	h.s.selectPicture(1) // before the occlusion of a.jpg is back
	h.settle()
	if v.entry.Name != "b.jpg" || v.result.Method != explain.MethodOcclusion {
		t.Fatalf("showing %s (%s)", v.entry.Name, v.result.Method)
	}
	want, err := explain.Occlusion(t.Context(), h.s.Model(), v.entry.Input, -1, explain.OcclusionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(want.Values, v.result.Values) {
		t.Error("the map shown is not b.jpg's")
	}
}

// BenchmarkExplainClick is what one click in the Explain view computes
// before the map appears, with the shipped model: a Grad-CAM of the known
// answer at conv layer 5 (one forward and backward pass) and its overlay on
// a 752×600 picture (The Starry Night's size).
func BenchmarkExplainClick(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	img := artImage(752, 600, 1)
	input := picture.ToInput(img, engine.InputSize)
	p, err := m.Predict(input)
	if err != nil {
		b.Fatal(err)
	}
	e := &host.Picture{Input: input, Preview: img, Pred: p, PredModel: m}
	r := request{e: e, m: m, input: input, picture: img, method: methodGradCAM, layer: 5, class: -1, known: p.Class,
		opacity: 0.5, legendPx: image.Pt(300, 18)}
	compute(context.Background(), r) // builds the gradient graph
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := compute(context.Background(), r); res.err != nil {
			b.Fatal(res.err)
		}
	}
}
