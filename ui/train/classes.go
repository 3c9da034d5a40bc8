package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/classset"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// classEditor is the part of the Train view's Data where classes are made
// in the window: a set of class folders (package classset) in a folder the
// user chose, a class added by name, pictures dropped onto a class (or
// added with a button) copied into its folder. It shows when the view's
// folder is such a set; training on it is training on its folder.
type classEditor struct {
	v       *View
	set     *classset.Set
	content *fyne.Container

	name                       *widget.Entry
	rows                       *fyne.Container
	rowOf                      map[string]*widget.Button
	classes                    []classset.Class
	selected                   string
	message                    *widget.Label
	addFileB, addFolderB       *widget.Button
	renameB, removeB, addClass *widget.Button
}

func newClassEditor(v *View) *classEditor {
	e := &classEditor{v: v, rowOf: map[string]*widget.Button{}}
	e.name = widget.NewEntry()
	e.name.SetPlaceHolder("Name of a new class")
	e.name.OnSubmitted = func(string) { e.add() }
	e.addClass = widget.NewButtonWithIcon("Add class", theme.ContentAddIcon(), e.add)
	e.rows = container.NewVBox()
	e.message = widget.NewLabel("")
	e.message.Wrapping = fyne.TextWrapWord
	e.addFileB = widget.NewButtonWithIcon("Add picture…", theme.FileImageIcon(), func() {
		e.v.s.PickFile(host.ImageExtensions, func(err error) { e.say(true, "Could not open the picture: "+err.Error()) },
			func(path string) { e.addPictures(e.selected, []string{path}) })
	})
	e.addFolderB = widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), func() {
		e.v.s.PickFolder(func(dir string) { e.addPictures(e.selected, []string{dir}) })
	})
	e.renameB = widget.NewButtonWithIcon("Rename…", theme.DocumentCreateIcon(), e.renameDialog)
	e.removeB = widget.NewButtonWithIcon("Remove…", theme.DeleteIcon(), e.removeDialog)
	hint := widget.NewLabel("Drop pictures or folders of pictures onto a class (or the selected one) to copy them into it; the originals stay where they are.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	hint.SizeName = theme.SizeNameCaptionText
	e.content = container.NewVBox(
		container.NewBorder(nil, nil, nil, e.addClass, e.name),
		e.rows,
		container.NewGridWithColumns(2, e.addFileB, e.addFolderB, e.renameB, e.removeB),
		hint, e.message,
	)
	e.content.Hide()
	e.buttons()
	return e
}

// newSetDialog asks where to keep a new set of classes (suggesting a
// folder in the user's Pictures or Documents) and opens it.
func (e *classEditor) newSetDialog() {
	where := widget.NewEntry()
	where.SetText(classset.SuggestDir())
	choose := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				where.SetText(filepath.Join(l.Path(), classset.DefaultName))
			}
		}, e.v.s.Window())
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(where.Text))); err == nil {
			d.SetLocation(l)
		}
		d.Resize(e.v.s.DialogSize())
		d.Show()
	})
	note := widget.NewLabel("A folder is made there with one folder per class; the pictures you add are copied into them.")
	note.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm("New classes", "Create", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Folder", container.NewBorder(nil, nil, nil, choose, where)),
		widget.NewFormItem("", note),
	}, func(ok bool) {
		if ok {
			e.create(strings.TrimSpace(where.Text))
		}
	}, e.v.s.Window())
	d.Resize(fyne.NewSize(max(560, e.v.s.Window().Canvas().Size().Width*0.6), 0))
	d.Show()
}

// create makes a new set in dir and opens it in the view.
func (e *classEditor) create(dir string) {
	if dir == "" {
		e.v.status.SetText("Name a folder for the classes.")
		return
	}
	if _, err := classset.Create(dir); err != nil {
		e.v.status.SetText(widgets.Sentence(err.Error()))
		return
	}
	e.v.openFolder(dir)
	e.say(false, "Name a class and add it, then drop pictures onto it.")
}

// open shows the editor for dir when it is a set made in the window, and
// hides it otherwise.
func (e *classEditor) open(dir string) {
	e.selected = ""
	e.message.SetText("")
	if !classset.IsSet(dir) {
		e.set = nil
		e.content.Hide()
		return
	}
	e.set = &classset.Set{Dir: dir}
	e.content.Show()
	e.refresh()
}

// refresh reads the set's classes again and redraws them with their
// counts.
func (e *classEditor) refresh() {
	if e.set == nil {
		return
	}
	classes, err := e.set.Classes()
	if err != nil {
		e.say(true, widgets.Sentence(err.Error()))
	}
	e.classes = classes
	e.rows.RemoveAll()
	clear(e.rowOf)
	found := false
	for _, c := range classes {
		b := widget.NewButton(fmt.Sprintf("%s · %s", c.Name, widgets.CountNoun(c.Pictures, "picture")), nil)
		b.Alignment = widget.ButtonAlignLeading
		name := c.Name
		b.OnTapped = func() { e.selected = name; e.refresh() }
		if c.Name == e.selected {
			b.Importance = widget.HighImportance
			found = true
		}
		e.rowOf[c.Name] = b
		e.rows.Add(b)
	}
	if !found {
		e.selected = ""
	}
	if len(classes) == 0 && err == nil {
		e.rows.Add(widget.NewLabel("No classes yet."))
	}
	e.rows.Refresh()
	e.buttons()
}

func (e *classEditor) buttons() {
	for _, b := range []*widget.Button{e.addFileB, e.addFolderB, e.renameB, e.removeB} {
		if e.selected == "" {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// say shows msg under the classes, as an error or as news.
func (e *classEditor) say(bad bool, msg string) {
	e.message.Importance = widget.MediumImportance
	if bad {
		e.message.Importance = widget.DangerImportance
	}
	e.message.SetText(msg)
}

// changed redraws the classes and counts the folder again for training.
func (e *classEditor) changed() {
	e.refresh()
	e.v.scan()
}

// add makes the class named in the entry.
func (e *classEditor) add() {
	if e.set == nil {
		return
	}
	name := e.name.Text
	if err := e.set.Add(name); err != nil {
		e.say(true, widgets.Sentence(err.Error()))
		return
	}
	e.name.SetText("")
	e.selected = name
	e.say(false, fmt.Sprintf("Class %s added: drop pictures onto it, or Add picture… and Add folder….", name))
	e.changed()
}

// classAt is the class whose row is under pos (canvas coordinates), or "".
func (e *classEditor) classAt(pos fyne.Position) string {
	d := fyne.CurrentApp().Driver()
	for name, b := range e.rowOf {
		if !b.Visible() {
			continue
		}
		p, size := d.AbsolutePositionForObject(b), b.Size()
		if pos.X >= p.X && pos.Y >= p.Y && pos.X < p.X+size.Width && pos.Y < p.Y+size.Height {
			return name
		}
	}
	return ""
}

// drop copies the dropped paths into the class under pos, or the selected
// class; it reports whether the drop was the editor's (a set is open).
func (e *classEditor) drop(pos fyne.Position, paths []string) bool {
	if e.set == nil {
		return false
	}
	class := e.classAt(pos)
	if class == "" {
		class = e.selected
	}
	if class == "" {
		e.say(true, "Drop the pictures onto a class, or select one first.")
		return true
	}
	e.selected = class
	e.addPictures(class, paths)
	return true
}

// addPictures copies the pictures among paths into class, in the
// background, and says what was copied and what was not.
func (e *classEditor) addPictures(class string, paths []string) {
	set := e.set
	if set == nil || class == "" || len(paths) == 0 {
		return
	}
	e.say(false, fmt.Sprintf("Copying into %s…", class))
	e.v.s.Busy.Add(1)
	go func() {
		added, err := set.AddPictures(class, paths)
		e.v.s.Do(func() {
			defer e.v.s.Busy.Add(-1)
			if set != e.set {
				return
			}
			if err != nil {
				e.say(true, widgets.Sentence(err.Error()))
				e.changed()
				return
			}
			e.say(len(added.NotPictures)+len(added.Failed) > 0, addedText(class, added))
			e.changed()
		})
	}()
}

// addedText says what AddPictures did, in a few sentences.
func addedText(class string, a classset.Added) string {
	out := []string{fmt.Sprintf("Copied %s into %s", widgets.CountNoun(a.Copied, "picture"), class)}
	if a.Renamed > 0 {
		out[0] += fmt.Sprintf(" (%d under a new name: one of that name was there)", a.Renamed)
	}
	out[0] += "."
	if a.Already > 0 {
		out = append(out, fmt.Sprintf("%s already there.", widgets.CountNoun(a.Already, "picture was")))
		if a.Already > 1 {
			out[len(out)-1] = fmt.Sprintf("%d pictures were already there.", a.Already)
		}
	}
	if n := len(a.NotPictures); n > 0 {
		names := make([]string, 0, 3)
		for _, p := range a.NotPictures[:min(3, n)] {
			names = append(names, filepath.Base(p))
		}
		if n > 3 {
			names = append(names, "…")
		}
		out = append(out, fmt.Sprintf("%s not pictures, not copied (%s).", widgets.CountNoun(n, "file"), strings.Join(names, ", ")))
	}
	if n := len(a.Failed); n > 0 {
		out = append(out, fmt.Sprintf("%s could not be copied: %s.", widgets.CountNoun(n, "picture"), a.Failed[0]))
	}
	return strings.Join(out, " ")
}

// renameDialog asks for the selected class's new name.
func (e *classEditor) renameDialog() {
	old := e.selected
	if e.set == nil || old == "" {
		return
	}
	entry := widget.NewEntry()
	entry.SetText(old)
	d := dialog.NewForm("Rename the class "+old, "Rename", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("New name", entry)}, func(ok bool) {
			if ok {
				e.rename(old, entry.Text)
			}
		}, e.v.s.Window())
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
}

// rename renames class old to name.
func (e *classEditor) rename(old, name string) {
	if err := e.set.Rename(old, name); err != nil {
		e.say(true, widgets.Sentence(err.Error()))
		e.changed()
		return
	}
	e.selected = name
	e.say(false, fmt.Sprintf("Class %s renamed %s.", old, name))
	e.changed()
}

// removeDialog asks before removing the selected class, saying that only
// the copies in its folder go.
func (e *classEditor) removeDialog() {
	name := e.selected
	if e.set == nil || name == "" {
		return
	}
	n := 0
	for _, c := range e.classes {
		if c.Name == name {
			n = c.Pictures
		}
	}
	msg := fmt.Sprintf("Remove the class %s and the %s copied into its folder\n%s?\n\nOnly these copies are deleted: the pictures they were copied from stay where they are.",
		name, widgets.CountNoun(n, "picture"), filepath.Join(e.set.Dir, name))
	d := dialog.NewConfirm("Remove the class "+name, msg, func(ok bool) {
		if ok {
			e.remove(name)
		}
	}, e.v.s.Window())
	d.SetConfirmText("Remove")
	d.SetDismissText("Cancel")
	d.Show()
}

// remove deletes class name's folder (the copies).
func (e *classEditor) remove(name string) {
	if err := e.set.Remove(name); err != nil {
		e.say(true, widgets.Sentence(err.Error()))
		e.changed()
		return
	}
	e.say(false, fmt.Sprintf("Class %s removed, with its copies; the original pictures are untouched.", name))
	e.changed()
}

// make creates the set dir with the classes specs ("NAME=PATH" each: the
// pictures of PATH copied into class NAME), as the window's New classes…,
// Add class and a drop do, in the background, then calls then on the UI
// goroutine, unless it failed (said in the status line).
func (e *classEditor) make(dir string, specs []string, then func()) {
	e.v.status.SetText("Making the classes in " + dir + "…")
	e.v.s.Busy.Add(1)
	go func() {
		var said []string
		copied := 0
		set, err := classset.Create(dir)
		for _, spec := range specs {
			if err != nil {
				break
			}
			name, path, _ := strings.Cut(spec, "=")
			if fi, serr := os.Stat(filepath.Join(dir, name)); serr != nil || !fi.IsDir() {
				err = set.Add(name)
			}
			var a classset.Added
			if err == nil {
				a, err = set.AddPictures(name, []string{path})
			}
			copied += a.Copied
			if len(a.NotPictures)+len(a.Failed)+a.Already > 0 {
				said = append(said, addedText(name, a))
			}
		}
		e.v.s.Do(func() {
			defer e.v.s.Busy.Add(-1)
			if err != nil {
				e.v.status.SetText(widgets.Sentence(err.Error()))
				e.v.s.ExitCode.Store(1)
				return
			}
			then()
			e.say(len(said) > 0, strings.Join(append([]string{fmt.Sprintf("%d classes made, %s copied into their folders.",
				len(specs), widgets.CountNoun(copied, "picture"))}, said...), " "))
		})
	}()
}
