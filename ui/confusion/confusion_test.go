package confusion

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// fakeTests stands in for the Collection view: it records what the view
// asks of it. (The view with the real Collection view is tested in ui.)
type fakeTests struct {
	open   bool
	asked  [][]string
	agrees Agreement
}

func (f *fakeTests) IsOpen() bool { return f.open }
func (f *fakeTests) ShowCell(truth, pred string) {
	f.asked = append(f.asked, []string{"show", truth, pred})
}
func (f *fakeTests) Open(dir, truth, pred string) {
	f.asked = append(f.asked, []string{"open", dir, truth, pred})
	f.open = true
}
func (f *fakeTests) Agreement(*engine.Model) (Agreement, bool) { return f.agrees, f.open }

// A cell clicked with no data set's folder known asks for it; a folder
// without validation_set is refused, the data set's folder is remembered
// and the cell opened in the test set; with the test set open, a click
// lists its cell there.
func TestViewAsksForTheDataSet(t *testing.T) {
	h := uitest.New(t)
	f := &fakeTests{}
	v := New(h.Host, f, "")
	h.Show(v.Content())
	h.Settle()
	if uitest.HasText(v.Content(), "Choose the data set's folder…") {
		t.Error("asks for the folder before a click")
	}
	v.cellClicked("drawings", "painting")
	if !uitest.HasText(v.Content(), "To list the test pictures of true drawings predicted as painting") ||
		!uitest.HasText(v.Content(), "Choose the data set's folder…") || len(f.asked) > 0 {
		t.Fatalf("after a click: asked %v, texts %q", f.asked, uitest.Texts(v.Content()))
	}
	v.UseFolder(t.TempDir())
	if !uitest.HasText(v.Content(), "That folder cannot be used") || h.Host.Prefs.String(PrefDataDir) != "" || len(f.asked) > 0 {
		t.Errorf("a folder without validation_set: asked %v, texts %q", f.asked, uitest.Texts(v.Content()))
	}
	root := t.TempDir()
	valset := filepath.Join(root, "art-images", "validation_set")
	if err := os.MkdirAll(valset, 0o755); err != nil {
		t.Fatal(err)
	}
	v.UseFolder(root)
	if got := h.Host.Prefs.String(PrefDataDir); got != valset {
		t.Errorf("remembered %q, want %q", got, valset)
	}
	if len(f.asked) != 1 || !slices.Equal(f.asked[0], []string{"open", valset, "drawings", "painting"}) ||
		uitest.HasText(v.Content(), "Choose the data set's folder…") {
		t.Errorf("after choosing: asked %v, texts %q", f.asked, uitest.Texts(v.Content()))
	}
	v.cellClicked("painting", "painting")
	if len(f.asked) != 2 || !slices.Equal(f.asked[1], []string{"show", "painting", "painting"}) {
		t.Errorf("with the test set open: asked %v", f.asked)
	}
}

// The note under the matrix says how the loaded model's answers on the
// open test set compare with it.
func TestViewNote(t *testing.T) {
	h := uitest.New(t)
	f := &fakeTests{}
	v := New(h.Host, f, "")
	h.Show(v.Content())
	for _, tc := range []struct {
		name  string
		open  bool
		agree Agreement
		want  string
	}{
		{"not open", false, Agreement{}, ""},
		{"analysing", true, Agreement{Root: "/data/validation_set"},
			"A click on a cell lists its pictures from “/data/validation_set” in the Collection view, as far as they are analysed with the loaded model."},
		{"agrees", true, Agreement{Root: "/data/validation_set", Complete: true, Total: 1446, Accuracy: 0.87},
			"A click on a cell lists its pictures from “/data/validation_set” in the Collection view: the loaded model's answers on these 1,446 test pictures agree with this matrix."},
		{"differs", true, Agreement{Root: "/v", Complete: true, Total: 9, Accuracy: 5.0 / 9, Differing: 2},
			"The loaded model's answers on the 9 test pictures in “/v” (55.6% right) differ from this matrix in 2 cells: "},
	} {
		f.open, f.agrees = tc.open, tc.agree
		v.RefreshNote()
		got := ""
		if v.note.Visible() {
			got = v.note.Text
		}
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: note %q, want %q", tc.name, got, tc.want)
		}
	}
}
