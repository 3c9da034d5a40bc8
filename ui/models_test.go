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
	"fyne.io/fyne/v2/canvas"

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
	xc := h.s.explore.Content()
	if hasText(xc, "Second opinion:") {
		t.Fatal("a second opinion is shown without a second model")
	}
	h.s.openSecond(lowFile)
	h.settle()
	for i, want := range []struct{ first, second, verdict string }{
		{"bright", "bright", "The two models agree."},
		{"dark", "bright", "The two models disagree."},
	} {
		if i > 0 {
			h.s.explore.Step(1)
		}
		h.settle()
		if !hasText(xc, "Second opinion: low.safetensors") || shownAnswer(h) != want.first ||
			!hasText(xc, want.verdict) || !hasText(xc, "% probability") {
			t.Errorf("%s: first %q, Explore says %q", h.s.Picture().Name, shownAnswer(h), texts(xc))
		}
		// The Explain view's second Grad-CAM: the second model's, for
		// its answer, over the picture as given (40 x 30).
		h.s.showView("explain")
		h.settle()
		ec := h.s.explain.Content()
		var cam *canvas.Image
		walk(ec, func(o fyne.CanvasObject) {
			if c, ok := o.(*canvas.Image); ok && c.Image != nil && c.Image.Bounds().Dx() == 40 && c.Image.Bounds().Dy() == 30 {
				cam = c
			}
		})
		if cam == nil || !hasText(ec, "Second opinion, low.safetensors: why "+want.second+" (") || !hasText(ec, "at conv layer 5, its default place") {
			t.Errorf("second Grad-CAM: %v %q", cam != nil, texts(ec))
		}
		if !hasText(ec, "Computed in") {
			t.Error("the Explain view does not show both Grad-CAMs")
		}
		h.s.showView("explore")
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
	if !hasText(xc, "Second opinion: study") || !hasText(xc, "The two models") {
		t.Errorf("the shipped model as second opinion: %q", texts(xc))
	}
	item("No second opinion").Action()
	h.settle()
	if hasText(xc, "Second opinion") {
		t.Error("the second opinion is still shown in Explore")
	}
	h.s.showView("explain")
	h.settle()
	if hasText(h.s.explain.Content(), "Second opinion") {
		t.Error("the second opinion is still shown in Explain")
	}
}
