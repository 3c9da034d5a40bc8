package ui

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/confusion"
	"github.com/artlens/artlens/ui/widgets"
)

// testSetFolder writes a data set whose test split is curatedFolder's
// dark/ and bright/ pictures under art-images/validation_set, with a copy
// of night.png that the test set counts once; it returns the data set's
// folder (above art-images) and the validation_set folder.
func testSetFolder(t *testing.T) (root, valset string) {
	src, _ := curatedFolder(t)
	root = t.TempDir()
	valset = filepath.Join(root, "art-images", "validation_set")
	for _, class := range []string{"dark", "bright"} {
		if err := os.MkdirAll(filepath.Join(valset, class), 0o755); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(filepath.Join(src, class))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(src, class, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(valset, class), e.Name(), data)
			if e.Name() == "night.png" {
				writeFile(t, filepath.Join(valset, class), "night2.png", data) // after night.png by path: the copy left out
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "art-images", "training_set"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root, valset
}

// testSetCells is what brightModel answers on testSetFolder's pictures,
// each content once: true class, predicted class -> names.
var testSetCells = map[[2]string][]string{
	{"dark", "dark"}: {"dusk.png", "grey.png", "night.png"}, {"dark", "bright"}: {"lamp.png", "sun.png"},
	{"bright", "dark"}: {"cave.png"}, {"bright", "bright"}: {"day.png", "haze.png", "noon.png"},
}

// storedModel is brightModel with stored test results whose counts are
// those of testSetCells, each changed by shift[cell].
func storedModel(t *testing.T, shift map[[2]int]int) *engine.Model {
	m := brightModel(t)
	classes := m.Meta.Classes
	var truth, pred []int
	for ti, tc := range classes {
		for pi, pc := range classes {
			for range len(testSetCells[[2]string{tc, pc}]) + shift[[2]int{ti, pi}] {
				truth, pred = append(truth, ti), append(pred, pi)
			}
		}
	}
	ev, err := engine.NewEvaluation(classes, truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	m.Meta.Test = &ev
	return m
}

// tapCell clicks the Confusion tab's cell (truth, pred), class indices.
func tapCell(t *testing.T, h *harness, truth, pred int) {
	t.Helper()
	v := h.s.confusion
	h.s.showView("confusion")
	h.settle()
	cs := charts(v.Content())
	if len(cs) != 1 || cs[0].Image().Image == nil {
		t.Fatal("the confusion chart is not drawn")
	}
	c := cs[0]
	var tap *widgets.TapArea
	var mode *widget.RadioGroup
	walk(v.Content(), func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widgets.TapArea:
			tap = o
		case *widget.RadioGroup:
			mode = o
		}
	})
	ev := *h.s.Model().Meta.Test
	p, _ := plots.Confusion(ev, mode.Selected != confusion.ShowCounts, plots.Light)
	img, px := c.Image(), c.Drawn().Px
	for y := float32(0); y < img.Size().Height; y += 4 {
		for x := float32(0); x < img.Size().Width; x += 4 {
			tr, pr, ok := plots.ConfusionCell(p, len(ev.Classes), px.X, px.Y, c.Drawn().DPI,
				float64(x/img.Size().Width)*float64(px.X), float64(y/img.Size().Height)*float64(px.Y))
			if ok && tr == truth && pr == pred {
				test.TapAt(tap, img.Position().AddXY(x, y))
				return
			}
		}
	}
	t.Fatalf("cell (%d, %d) not found on the chart", truth, pred)
}

// asking reports whether the Confusion view asks for the data set's
// folder (its button shows).
func asking(v *confusionView) bool {
	shown := false
	walk(v.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Choose the data set's folder…" {
			shown = true
		}
	})
	return shown
}

// waitForTestSet waits until the test set is analysed in the Collection view.
func waitForTestSet(h *harness) *collectionView {
	c := h.s.collection
	h.waitFor("the test set", func() bool { return !c.Running() && len(c.Items()) > 0 })
	h.settle()
	return c
}

func sortedShown(c *collectionView) string {
	got := shownNames(c)
	sort.Strings(got)
	return strings.Join(got, " ")
}

// TestConfusionCellAsksForTheDataSet clicks a cell of the stored matrix
// without the data set's folder known: the tab asks for it; once chosen
// (and remembered), the cell's test pictures are listed, each content
// once, with the loaded model's answers, which agree with the matrix; the
// next click lists its cell at once.
func TestConfusionCellAsksForTheDataSet(t *testing.T) {
	root, valset := testSetFolder(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h := newHarness(t, Options{Model: storedModel(t, nil), ModelName: "bright model", View: "confusion"})
	v, c := h.s.confusion, h.s.collection

	tapCell(t, h, 0, 1) // true dark, predicted bright
	if !asking(v) || !hasText(v.Content(), "To list the test pictures of true dark predicted as bright") {
		t.Fatalf("no question for the folder: %q", texts(v.Content()))
	}
	if h.s.tabs.Selected().Text != "Confusion" || len(c.Roots()) > 0 {
		t.Errorf("tab %q, collection %v before a folder was chosen", h.s.tabs.Selected().Text, c.Roots())
	}
	// The button opens a folder dialog.
	var choose bool
	walk(v.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(interface{ Tapped(*fyne.PointEvent) }); ok && hasText(o, "Choose the data set's folder") {
			b.Tapped(&fyne.PointEvent{})
			choose = true
		}
	})
	if !choose || h.topDialog() == nil {
		t.Fatal("the button opened no folder dialog")
	}
	h.w.Canvas().Overlays().Remove(h.topDialog())

	v.UseFolder(filepath.Join(root, "nowhere"))
	if !asking(v) || !hasText(v.Content(), "That folder cannot be used") || h.s.Prefs.String(prefDataDir) != "" {
		t.Errorf("a missing folder was taken: %q", texts(v.Content()))
	}
	v.UseFolder(root) // the folder above art-images will do
	if got := h.s.Prefs.String(prefDataDir); got != valset {
		t.Errorf("remembered %q, want %q", got, valset)
	}
	waitForTestSet(h)
	if h.s.tabs.Selected().Text != "Collection" || asking(v) {
		t.Errorf("tab %q after choosing the folder", h.s.tabs.Selected().Text)
	}
	if got := sortedShown(c); got != "lamp.png sun.png" {
		t.Errorf("cell dark → bright lists %q", got)
	}
	if len(c.Items()) != 9 || !hasText(c.Content(), "the data set's test set, each picture once (1 copy left out") {
		t.Errorf("%d items; status %q", len(c.Items()), texts(c.Content()))
	}
	if !hasText(c.Content(), "agree with the test results stored in the model file") {
		t.Errorf("accuracy panel: %q", texts(c.Content()))
	}
	if !hasText(h.s.Notice, "The table shows the 2 pictures true dark predicted as bright.") {
		t.Errorf("notice: %q", texts(h.s.Notice))
	}

	// The next click lists its cell at once, from the open test set.
	gen := c.Analyses()
	tapCell(t, h, 0, 0)
	h.settle()
	if c.Analyses() != gen || h.s.tabs.Selected().Text != "Collection" {
		t.Errorf("analysed again (gen %d → %d) or tab %q", gen, c.Analyses(), h.s.tabs.Selected().Text)
	}
	if got := sortedShown(c); got != "dusk.png grey.png night.png" {
		t.Errorf("cell dark → dark lists %q (the copy counts once)", got)
	}
	h.s.showView("confusion")
	if !hasText(v.Content(), "agree with this matrix") {
		t.Errorf("Confusion tab note: %q", texts(v.Content()))
	}

	// Another window of the app (same preferences): the remembered folder
	// is used at the first click.
	h2 := newHarness(t, Options{Model: storedModel(t, nil), View: "confusion"})
	h2.s.Prefs.SetString(prefDataDir, valset)
	tapCell(t, h2, 1, 0)
	c2 := waitForTestSet(h2)
	if asking(h2.s.confusion) || sortedShown(c2) != "cave.png" {
		t.Errorf("remembered folder: ask %v, lists %q", asking(h2.s.confusion), sortedShown(c2))
	}
}

// TestConfusionCellDisagrees lists a cell from a data set given at the
// start whose answers differ from the stored matrix (as another model or
// another copy of the data would): the counts come from the loaded model,
// and the difference is said.
func TestConfusionCellDisagrees(t *testing.T) {
	root, _ := testSetFolder(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	// The stored results count one more dark → bright and one fewer dark → dark.
	m := storedModel(t, map[[2]int]int{{0, 1}: 1, {0, 0}: -1})
	h := newHarness(t, Options{Model: m, View: "confusion", DataDir: root})
	tapCell(t, h, 0, 1)
	c := waitForTestSet(h)
	if got := sortedShown(c); got != "lamp.png sun.png" {
		t.Errorf("cell dark → bright lists %q", got)
	}
	if !hasText(h.s.Notice, "The test results stored in the model file count 3 here") {
		t.Errorf("notice: %q", texts(h.s.Notice))
	}
	if !hasText(c.Content(), "say 5 of 9 right (55.6%) and differ in 2 cells") {
		t.Errorf("accuracy panel: %q", texts(c.Content()))
	}
	h.s.showView("confusion")
	if !hasText(h.s.confusion.Content(), "differ from this matrix in 2 cells") {
		t.Errorf("Confusion tab note: %q", texts(h.s.confusion.Content()))
	}
}

// TestConfusionCellFolderGone: a remembered folder that is gone is said
// to be so, and the folder is asked for again.
func TestConfusionCellFolderGone(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h := newHarness(t, Options{Model: storedModel(t, nil), View: "confusion"})
	h.s.Prefs.SetString(prefDataDir, filepath.Join(t.TempDir(), "gone", "validation_set"))
	tapCell(t, h, 1, 1)
	v := h.s.confusion
	if !asking(v) || !hasText(v.Content(), "The data set's folder remembered from last time cannot be used") ||
		!hasText(v.Content(), "does not exist") || len(h.s.collection.Roots()) > 0 {
		t.Errorf("ask %v: %q", asking(v), texts(v.Content()))
	}
}
