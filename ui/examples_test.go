package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/examples"
	"github.com/artlens/artlens/ui/explore"
)

// useTempExamples points "Try an example" at a temporary folder.
func useTempExamples(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "examples")
	old := explore.ExamplesDir
	explore.ExamplesDir = func() (string, error) { return dir, nil }
	t.Cleanup(func() { explore.ExamplesDir = old })
	return dir
}

// TestTryAnExample taps the button on the empty first window: every
// shipped example opens in the Explore view, the first one shown with the
// network's answer, and the file dialogs still start where they did.
func TestTryAnExample(t *testing.T) {
	dir := useTempExamples(t)
	h := newHarness(t, Options{})
	h.s.LastDir = "/somewhere"
	var try *widget.Button
	walk(h.s.explore.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Try an example" {
			try = b
		}
	})
	if try == nil {
		t.Fatalf("no visible \"Try an example\" button on the empty window: %q", texts(h.s.explore.Content()))
	}
	test.Tap(try)
	h.settle()
	if n := len(h.s.Pictures()); n != len(examples.All) {
		t.Fatalf("%d pictures open, want the %d examples", n, len(examples.All))
	}
	if p := h.s.Picture(); p == nil || p.Path != filepath.Join(dir, examples.All[0].Name()) || p.Answer(h.s.Model()) == nil {
		t.Errorf("showing %v, want the first example with its answer", p)
	}
	if hasText(h.s.explore.Content(), "Drop art images") || !hasText(h.s.explore.Content(), "The network's answer") {
		t.Errorf("the empty state still shows, or no answer: %q", texts(h.s.explore.Content()))
	}
	if h.s.LastDir != "/somewhere" {
		t.Errorf("the file dialogs now start in %q", h.s.LastDir)
	}
}

// TestTryAnExampleMenu opens one example from File › Try an example.
func TestTryAnExampleMenu(t *testing.T) {
	useTempExamples(t)
	h := newHarness(t, Options{View: "model"})
	var menu *fyne.MenuItem
	for _, it := range h.s.menu.main.Items[0].Items {
		if it.Label == "Try an example" {
			menu = it
		}
	}
	if menu == nil || menu.ChildMenu == nil || len(menu.ChildMenu.Items) != len(examples.All)+2 {
		t.Fatalf("File › Try an example: %+v", menu)
	}
	menu.ChildMenu.Items[3].Action() // the second example alone
	h.settle()
	if got := h.s.tabs.Selected().Text; got != "Explore" {
		t.Errorf("tab %q selected, want Explore", got)
	}
	if ps := h.s.Pictures(); len(ps) != 1 || filepath.Base(ps[0].Path) != examples.All[1].Name() {
		t.Errorf("opened %d pictures, want %s", len(ps), examples.All[1].Name())
	}
}
