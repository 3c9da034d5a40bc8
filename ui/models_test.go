package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/weights"
)

// TestFileMenuShippedModels checks that the File menu offers each shipped
// model and that choosing one makes it the current model, named.
func TestFileMenuShippedModels(t *testing.T) {
	h := newHarness(t, Options{})
	file := h.s.menu.main.Items[0]
	for _, e := range weights.Shipped {
		found := false
		for _, it := range file.Items {
			if it.Label != "Use the shipped model: "+e.Name {
				continue
			}
			found = true
			it.Action()
			h.settle()
			if h.s.ModelName() != e.Name || h.s.Model() == nil {
				t.Fatalf("after choosing %s: model %q", e.Name, h.s.ModelName())
			}
			want, _ := e.Load()
			if h.s.Model().ParamCount() != want.ParamCount() {
				t.Errorf("%s: %d parameters, the shipped file has %d", e.Name, h.s.Model().ParamCount(), want.ParamCount())
			}
		}
		if !found {
			var labels []string
			for _, it := range file.Items {
				labels = append(labels, it.Label)
			}
			t.Errorf("no File menu item for %s: %s", e.Name, strings.Join(labels, " | "))
		}
	}
}

// TestSecondOpinion opens uniform pictures with the hand-set "bright"
// model (red above 0.5) and, as a second opinion from the File menu, a
// copy that says bright above red 0.4: the second answer shows beside the
// first, the two agree on a red of 0.9 and disagree on 0.45; the shipped
// model can be the second opinion, and "No second opinion" hides it.
func TestSecondOpinion(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, red := range []uint8{230, 115} {
		img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+3] = red, 255
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, writeFile(t, dir, fmt.Sprintf("red%d.png", red), buf.Bytes()))
	}
	low := brightModel(t)
	for _, p := range low.Params() {
		if p.Name == "dense3.bias" {
			p.Data[1] = -64 // bright above red 0.4
		}
	}
	lowFile := filepath.Join(dir, "low.safetensors")
	if err := low.SaveFile(lowFile); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Model: brightModel(t), ModelName: "half"})
	h.open(paths...)
	o := h.s.explore.opinion
	if o.box.Visible() {
		t.Fatal("a second opinion is shown without a second model")
	}
	h.s.openSecond(lowFile)
	h.settle()
	for i, want := range []struct{ first, second, verdict string }{
		{"bright", "bright", "The two models agree."},
		{"dark", "bright", "The two models disagree."},
	} {
		h.s.explore.show(h.s.explore.entries[i])
		h.settle()
		if !o.box.Visible() || o.caption.Text != "Second opinion: low.safetensors" || h.s.explore.answer.Text != want.first ||
			o.answer.Text != want.second || o.verdict.Text != want.verdict || !strings.HasSuffix(o.sure.Text, "% probability") {
			t.Errorf("%s: first %q, second %q %q %q %q", h.s.explore.entries[i].Name, h.s.explore.answer.Text, o.caption.Text, o.answer.Text, o.sure.Text, o.verdict.Text)
		}
		// The Explain view's second Grad-CAM: the second model's, for
		// its answer, over the picture as given (40 x 30).
		if !o.camBox.Visible() || o.camImage.Image == nil || o.camImage.Image.Bounds().Dx() != 40 || o.camImage.Image.Bounds().Dy() != 30 ||
			!strings.HasPrefix(o.camCaption.Text, "Second opinion, low.safetensors: why "+want.second+" (") || !strings.Contains(o.camCaption.Text, "at conv layer 5, its default place") {
			t.Errorf("second Grad-CAM: %v %q", o.camImage.Image != nil, o.camCaption.Text)
		}
	}
	h.s.showView("explain")
	h.settle()
	if h.s.explain.result == nil || !o.camBox.Visible() {
		t.Error("the Explain view does not show both Grad-CAMs")
	}
	file := h.s.menu.main.Items[0]
	item := func(label string) *fyne.MenuItem {
		for _, it := range file.Items {
			if it.Label == label {
				return it
			}
		}
		t.Fatalf("no File menu item %q", label)
		return nil
	}
	item("Second opinion: study").Action()
	h.settle()
	if o.caption.Text != "Second opinion: study" || o.answer.Text == "…" || o.answer.Text == "" {
		t.Errorf("the shipped model as second opinion: %q %q", o.caption.Text, o.answer.Text)
	}
	item("No second opinion").Action()
	h.settle()
	if o.box.Visible() || o.camBox.Visible() {
		t.Error("the second opinion is still shown")
	}
}
