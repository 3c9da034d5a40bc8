package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/classset"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// Classes made in the window: a new set, classes added by name (bad names
// refused with why), pictures added by the button's path and dropped onto
// a class's row (non-pictures counted and left), a class renamed and one
// removed (its copies only), a class folder that vanishes, and then a few
// epochs of training on the set, as on any folder of class folders.
func TestTrainViewClassesMadeInTheWindow(t *testing.T) {
	src := uitest.ClassFolders(t, []string{"dark", "light"}, 12) // the user's pictures, elsewhere
	uitest.WriteFile(t, filepath.Join(src, "light"), "notes.txt", []byte("not a picture"))
	uitest.WriteFile(t, filepath.Join(src, "light"), "page.jpg", []byte("<html>not a picture</html>"))
	h, v := trainHarness(t, "", 2)
	e := v.classes
	if e.content.Visible() {
		t.Fatal("the class editor shows with no set open")
	}
	dir := filepath.Join(t.TempDir(), "Pictures", "lesson")
	e.create(dir)
	h.Settle()
	if v.dir != dir || !e.content.Visible() || !classset.IsSet(dir) {
		t.Fatalf("after create: folder %q, editor shown %v", v.dir, e.content.Visible())
	}

	addClass := func(name string) {
		e.name.SetText(name)
		e.addClass.OnTapped()
		h.Settle()
	}
	addClass("dark")
	addClass("light")
	addClass("spare")
	for _, tc := range []struct{ name, want string }{
		{"", "A class needs a name"},
		{"a/b", "holds a / or \\"},
		{"Dark", "There is a class dark already"},
	} {
		addClass(tc.name)
		if !strings.Contains(e.message.Text, tc.want) || e.message.Importance != widget.DangerImportance {
			t.Errorf("class %q: message %q, want %q", tc.name, e.message.Text, tc.want)
		}
	}
	if len(e.classes) != 3 || e.selected != "spare" {
		t.Fatalf("classes %v, selected %q", e.classes, e.selected)
	}

	// The button's path: Add folder… copies into the selected class.
	e.rowOf["dark"].OnTapped()
	e.addPictures(e.selected, []string{filepath.Join(src, "dark")})
	h.Settle()
	if !strings.HasPrefix(e.message.Text, "Copied 12 pictures into dark.") || !strings.Contains(e.rowOf["dark"].Text, "12 pictures") {
		t.Errorf("after Add folder: message %q, row %q", e.message.Text, e.rowOf["dark"].Text)
	}
	// A drop onto the light row, while dark is selected, goes to light;
	// the two files that are not pictures are said and left.
	h.W.Content().Refresh() // lays the new rows out, as a real window's next frame does
	row := e.rowOf["light"]
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).Add(fyne.NewPos(4, row.Size().Height/2))
	if row.Size().Height == 0 {
		t.Fatal("the light row is not laid out")
	}
	v.DropAt(pos, []fyne.URI{storage.NewFileURI(filepath.Join(src, "light"))})
	h.Settle()
	if !strings.HasPrefix(e.message.Text, "Copied 12 pictures into light.") || !strings.Contains(e.message.Text, "2 files not pictures, not copied (notes.txt, page.jpg)") {
		t.Errorf("after the drop: message %q", e.message.Text)
	}
	// Dropped again: nothing copied twice; a picture from dark is a copy
	// across classes, which the counts warn about.
	v.DropAt(pos, []fyne.URI{storage.NewFileURI(filepath.Join(src, "light", "light00.png")), storage.NewFileURI(filepath.Join(src, "dark", "dark00.png"))})
	h.Settle()
	if !strings.HasPrefix(e.message.Text, "Copied 1 picture into light. 1 picture was already there.") {
		t.Errorf("dropped again: message %q", e.message.Text)
	}
	if !strings.Contains(v.warning.Text, "1 picture is a copy filed under more than one class") || !strings.Contains(v.counts.Text, "light: 12 pictures") || !strings.Contains(e.rowOf["light"].Text, "13 pictures") {
		t.Errorf("counts %q, warning %q", v.counts.Text, v.warning.Text)
	}

	// Rename, bad and good; remove asks first and deletes the copies only.
	e.rename("spare", "light")
	if !strings.Contains(e.message.Text, "There is a class light already") {
		t.Errorf("rename onto light: %q", e.message.Text)
	}
	e.rename("spare", "empty")
	if _, err := os.Stat(filepath.Join(dir, "empty")); err != nil || e.selected != "empty" {
		t.Errorf("rename: %v, selected %q", err, e.selected)
	}
	e.removeDialog()
	if d := h.TopDialog(); d == nil || !strings.Contains(strings.Join(uitest.Texts(d), " "), "Only these copies are deleted: the pictures they were copied from stay where they are.") {
		t.Errorf("the removal is not confirmed first: %v", d)
	} else {
		h.W.Canvas().Overlays().Remove(d)
	}
	e.remove("empty")
	h.Settle()
	if _, err := os.Stat(filepath.Join(dir, "empty")); !os.IsNotExist(err) || len(e.classes) != 2 {
		t.Errorf("remove: %v, classes %v", err, e.classes)
	}
	if _, err := os.Stat(filepath.Join(src, "dark", "dark00.png")); err != nil {
		t.Error("an original picture is gone")
	}

	// A class folder that vanishes outside ArtLens: a drop onto it says
	// so, and the class leaves the list.
	addClass("gone")
	os.RemoveAll(filepath.Join(dir, "gone"))
	e.drop(fyne.NewPos(-1, -1), []string{filepath.Join(src, "dark", "dark01.png")})
	h.Settle()
	if !strings.Contains(e.message.Text, "The folder of class gone is gone") || len(e.classes) != 2 || e.selected != "" {
		t.Errorf("vanished class: message %q, classes %v", e.message.Text, e.classes)
	}
	e.drop(fyne.NewPos(-1, -1), []string{filepath.Join(src, "dark", "dark01.png")})
	if !strings.Contains(e.message.Text, "Drop the pictures onto a class") {
		t.Errorf("drop with no class: %q", e.message.Text)
	}

	// Training on the set.
	v.start()
	r := v.run
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished || len(r.epochs) != 2 || fmt.Sprint(r.classes) != "[dark light]" || r.data.Train.Len()+r.data.Val.Len() != 24 {
		t.Errorf("training: finished %v, %d epochs, classes %v, status %q", r.finished, len(r.epochs), r.classes, v.status.Text)
	}
	v.closed()
}

// --view train --class NAME=PATH FOLDER (Begin with Classes) makes FOLDER
// a set of classes with the editor's code, then trains on it; a bad set is
// said, and nothing trains.
func TestTrainViewClassOption(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src := uitest.ClassFolders(t, []string{"a", "b"}, 20)
	set := filepath.Join(t.TempDir(), "made")
	h := uitest.New(t)
	v := New(h.Host)
	h.Show(v.Content())
	v.Begin(Start{Dir: set, Arch: "small", Epochs: 1,
		Classes: []string{"a=" + filepath.Join(src, "a"), "b=" + filepath.Join(src, "b")}})
	h.WaitFor("the end of training", func() bool { return v.run != nil && !v.run.running })
	h.Settle()
	if !v.run.finished || !classset.IsSet(set) || len(v.classes.classes) != 2 || !strings.HasPrefix(v.classes.message.Text, "2 classes made, 40 pictures copied") {
		t.Errorf("finished %v, classes %v, message %q, status %q", v.run.finished, v.classes.classes, v.classes.message.Text, v.status.Text)
	}
	h = uitest.New(t)
	v = New(h.Host)
	v.Begin(Start{Dir: src, Classes: []string{"c=" + filepath.Join(src, "a")}})
	h.Settle()
	if v.run != nil || !strings.Contains(v.status.Text, "is not empty") || h.Host.ExitCode.Load() != 1 {
		t.Errorf("a full folder: status %q", v.status.Text)
	}
}

// New classes… suggests a folder in the user's Pictures, and Create makes
// and opens it.
func TestTrainViewNewClassesDialog(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.Mkdir(filepath.Join(home, "Pictures"), 0o755)
	h, v := trainHarness(t, "", 1)
	v.classes.newSetDialog()
	want := filepath.Join(home, "Pictures", classset.DefaultName)
	d := h.TopDialog()
	if d == nil || !uitest.HasText(d, want) {
		t.Fatalf("the dialog does not suggest %s: %q", want, uitest.Texts(d))
	}
	uitest.Button(t, d, "Create").OnTapped()
	h.Settle()
	if v.dir != want || !classset.IsSet(want) || !v.classes.content.Visible() {
		t.Errorf("after Create: folder %q, editor shown %v", v.dir, v.classes.content.Visible())
	}
}
