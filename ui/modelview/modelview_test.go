package modelview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/graphdraw"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// TestWriteGraph writes an imported ResNet's drawing as SVG, and refuses
// a name that is neither .svg nor .png.
func TestWriteGraph(t *testing.T) {
	test.NewTempApp(t) // storage.Writer needs the app's file repository
	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "resnet-opset17-bn.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "graph.svg")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeGraph(wc, graphdraw.Lay(graphdraw.FromModel(m), graphdraw.Options{})); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), ">layer4.0<") {
		t.Errorf("the exported SVG: %v, %.200s", err, data)
	}
	wc, err = storage.Writer(storage.NewFileURI(filepath.Join(t.TempDir(), "graph.gif")))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeGraph(wc, graphdraw.Lay(graphdraw.FromModel(m), graphdraw.Options{})); err == nil || !strings.Contains(err.Error(), ".svg or .png") {
		t.Errorf("graph.gif: %v", err)
	}
}

// TestTableBox: a narrow layer table is shown as it is, a wide one (an
// imported DenseNet's) scrolls sideways within maxTableWidth, at any zoom.
func TestTableBox(t *testing.T) {
	test.NewTempApp(t)
	narrow := widget.NewLabel("conv1 Conv2d")
	if tableBox(narrow, 1) != fyne.CanvasObject(narrow) {
		t.Error("a narrow table is wrapped")
	}
	wide := widget.NewLabel(strings.Repeat("features.denseblock4.denselayer16.conv2 ", 12))
	for _, zoom := range []float32{1, 1.5} {
		box := tableBox(wide, zoom)
		if _, ok := box.(*container.Scroll); !ok {
			t.Fatalf("zoom %v: a %v-wide table is not scrolled", zoom, wide.MinSize().Width)
		}
		if w := box.MinSize().Width; w != maxTableWidth*zoom {
			t.Errorf("zoom %v: the table's box is %v wide, want %v", zoom, w, maxTableWidth*zoom)
		}
	}
}

// TestGraphFoldsTransformer: a ViT's graph starts folded, its encoder
// blocks in one row ("×2" for the fixture's two), a CNN's unfolded.
func TestGraphFoldsTransformer(t *testing.T) {
	for _, c := range []struct {
		file   string
		folded bool
	}{{"vit-opset17.onnx", true}, {"resnet-opset17-bn.onnx", false}} {
		h := uitest.New(t)
		m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", c.file), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		card := graphCard(h.Host, m)
		h.Show(card)
		h.Settle()
		var check *widget.Check
		uitest.Walk(card, func(o fyne.CanvasObject) {
			if ck, ok := o.(*widget.Check); ok && ck.Text == "Fold blocks" {
				check = ck
			}
		})
		if check == nil || check.Checked != c.folded {
			t.Errorf("%s: the fold check %v, want checked %v", c.file, check, c.folded)
		}
	}
}
