package modelview

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/internal/prefs"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// texts is every label's and card's text under o.
func texts(o fyne.CanvasObject) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Card:
			out = append(out, o.Title, o.Subtitle)
			walk(o.Content)
		case *widgets.SizedBox:
			walk(test.WidgetRenderer(o).Objects()[0])
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

// TestReliabilityCard: a model with a calibration record gets two
// diagrams (without and with its temperature) and both ECEs; one without
// gets the line that says why, a sigmoid model the reason it has none.
func TestReliabilityCard(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	h := host.New(a, w, func(f func()) { f() }, prefs.Memory())

	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "resnet-opset17-bn.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(reliabilityCard(h, m)); !strings.Contains(got, calibration.ErrNoTemperature.Error()) {
		t.Errorf("without a calibration: %q", got)
	}
	n := len(m.Meta.Classes)
	probs := [][]float32{make([]float32, n), make([]float32, n)}
	probs[0][0], probs[1][0] = 0.9, 0.6
	for i := 1; i < n; i++ {
		probs[0][i], probs[1][i] = 0.1/float32(n-1), 0.4/float32(n-1)
	}
	before, err := calibration.NewReliability("test", probs, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	// ECE by hand: (|1 - 0.9| + |0 - 0.6|) / 2 = 0.35.
	after := before
	after.ECE = 0.012
	m.Meta.Calibration = &engine.Calibration{Temperature: 1.5, FitOn: "held out", FitCount: 2, Before: before, After: after}
	card := reliabilityCard(h, m)
	got := texts(card)
	for _, want := range []string{"ECE 0.350 without the temperature, 0.012 with it", "T = 1.50", "2 test pictures"} {
		if !strings.Contains(got, want) {
			t.Errorf("the card does not say %q: %q", want, got)
		}
	}
	charts := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widgets.Chart:
			charts++
		case *widget.Card:
			walk(o.Content)
		case *widgets.SizedBox:
			walk(test.WidgetRenderer(o).Objects()[0])
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(card)
	if charts != 2 {
		t.Errorf("%d diagrams, want 2 (without and with the temperature)", charts)
	}

	sig, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "sigmoid-resnet.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(reliabilityCard(h, sig)); !strings.Contains(got, "independent (sigmoid) scores") {
		t.Errorf("a sigmoid model: %q", got)
	}
	if got := texts(classesCard(sig)); !strings.Contains(got, "several can be high") {
		t.Errorf("a sigmoid model's labels: %q", got)
	}
}
