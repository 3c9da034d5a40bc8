package explain

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/trust"
	"github.com/artlens/artlens/ui/widgets"
)

// TestExplainMethodPicker checks that the picker lists every method with
// its sentence, that the place picker shows only for the methods that read
// a place, and that a signed map is drawn on the diverging scale.
func TestExplainMethodPicker(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 200, 160, 1)
	h := newHarness(t, harnessOptions{Images: []string{a}, View: "explain"})
	v := h.s.explain
	v.riseMasks = 40
	h.waitFor("the first map", func() bool { return v.result != nil })
	h.settle()
	all := explain.Methods()
	if len(v.method.Options) != len(all) {
		t.Fatalf("picker offers %q, the table has %d methods", v.method.Options, len(all))
	}
	for i, me := range all {
		if v.method.Options[i] != widgets.MethodLabel(me) || widgets.MethodOf(v.method.Options[i]).Name != me.Name {
			t.Errorf("option %d is %q for method %s", i, v.method.Options[i], me.Name)
		}
	}
	for _, c := range []struct {
		method string
		place  bool
	}{
		{explain.MethodHiResCAM, true},
		{explain.MethodRISE, false},
		{explain.MethodEigenCAM, true},
		{explain.MethodIntegratedGradients, false},
	} {
		me, _ := explain.LookupMethod(c.method)
		v.method.SetSelected(widgets.MethodLabel(me))
		h.settle()
		if v.layerRow.Visible() != c.place {
			t.Errorf("%s: place picker shown %v", c.method, v.layerRow.Visible())
		}
		if v.sentence.Text != me.Sentence {
			t.Errorf("%s: sentence %q", c.method, v.sentence.Text)
		}
		if v.result == nil || v.result.Method != c.method {
			t.Fatalf("%s: no map shown (status %q)", c.method, v.status.Text)
		}
		if c.place && v.result.Layer != v.layer.SelectedIndex()+1 {
			t.Errorf("%s read place %d, the picker says %d", c.method, v.result.Layer, v.layer.SelectedIndex()+1)
		}
	}
	// Integrated Gradients: the legend runs from blue through white to red.
	l := v.legend.Image
	b := l.Bounds()
	left, mid, right := l.At(b.Min.X, b.Min.Y), l.At((b.Min.X+b.Max.X)/2, b.Min.Y), l.At(b.Max.X-1, b.Min.Y)
	if left != plots.DivergingColor(-1+1/float64(b.Dx())) || right != plots.DivergingColor(1-1/float64(b.Dx())) {
		t.Errorf("legend ends %v %v, not the diverging scale's", left, right)
	}
	if r, g, bl, _ := mid.RGBA(); r < 0xb000 || g < 0xb000 || bl < 0xb000 {
		t.Errorf("legend middle %v is not near white", mid)
	}
	if !hasText(v.content, "red where the pixel adds") {
		t.Errorf("caption: %q", v.caption.Text)
	}
}

// TestExplainTrustPanel runs the checks of a map from the button and
// checks the figures shown, then that Stop stops a check.
func TestExplainTrustPanel(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 200, 160, 1)
	h := newHarness(t, harnessOptions{Images: []string{a}, View: "explain"})
	v := h.s.explain
	p := v.trust
	h.waitFor("the first map", func() bool { return v.result != nil })
	h.settle()
	if p.checkBtn.Disabled() || p.results.Visible() {
		t.Fatal("the check button is off, or figures show before a check")
	}
	start := time.Now()
	test.Tap(p.checkBtn)
	h.settle()
	if p.result == nil || !p.results.Visible() {
		t.Fatalf("no check shown: %q", p.status.Text)
	}
	t.Logf("check of Grad-CAM on the test model shown %v after the tap", time.Since(start))
	c := p.result
	if c.Method != explain.MethodGradCAM || c.Class != v.result.Class || len(c.Deletion.Probabilities) < 2 || len(c.Sanity.Similarity) != len(c.Sanity.Layers) {
		t.Errorf("check: %+v", c)
	}
	// The figures are the library's for the same map.
	want, err := trust.CheckMap(t.Context(), h.s.Model(), widgets.MethodOf(methodGradCAM), explain.Request{Input: v.entry.Input, Class: v.result.Class, Place: v.result.Layer},
		*v.result, widgets.TrustSeed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want.Deletion.AUC != c.Deletion.AUC || want.Insertion.AUC != c.Insertion.AUC || !slices.Equal(want.Sanity.Similarity, c.Sanity.Similarity) {
		t.Errorf("window's check %v %v %v, library's %v %v %v", c.Deletion.AUC, c.Insertion.AUC, c.Sanity.Similarity,
			want.Deletion.AUC, want.Insertion.AUC, want.Sanity.Similarity)
	}
	for _, s := range []string{"lower is better", "higher is better", "One picture is one picture", c.Sanity.Verdict} {
		if !hasText(p.content, s) {
			t.Errorf("no %q in %q", s, texts(p.content))
		}
	}
	if p.curves.Build() == nil || p.sanity.Build() == nil {
		t.Error("charts not set")
	}
	// A new map puts the check away; Stop stops the next.
	v.method.SetSelected(methodOcclusion)
	h.settle()
	if p.result != nil || p.results.Visible() {
		t.Error("the check of the previous map still shows")
	}
	test.Tap(p.checkBtn)
	test.Tap(p.stopBtn)
	h.settle()
	if p.result != nil || p.cancel != nil || p.checkBtn.Disabled() {
		t.Errorf("after Stop: result %v, status %q", p.result != nil, p.status.Text)
	}
}
