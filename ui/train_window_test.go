package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/artlens/artlens/ui/internal/uitest"
)

// A folder dropped onto the Train view is the folder to train on (the
// view's own tests are in ui/train).
func TestTrainViewDrop(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 5)
	h := newHarness(t, Options{View: "train"})
	h.s.showView("train")
	h.s.dropped([]fyne.URI{storage.NewFileURI(dir)})
	h.settle()
	if v := h.s.train.Content(); !hasText(v, "Folder: "+dir) || !hasText(v, "a: 5 pictures") {
		t.Errorf("after the drop: %q", texts(v))
	}
}

// --view train --class NAME=PATH FOLDER reaches the view: a folder that is
// not empty is not made a set of classes, the status says so, nothing
// trains and the exit code is 1.
func TestTrainViewClassOptionInTheWindow(t *testing.T) {
	src := uitest.ClassFolders(t, []string{"a", "b"}, 2)
	h := newHarness(t, Options{View: "train", Images: []string{src}, TrainClasses: []string{"c=" + filepath.Join(src, "a")}})
	if v := h.s.train.Content(); !hasText(v, "is not empty") || h.s.ExitCode.Load() != 1 {
		t.Errorf("a full folder: exit code %d, texts %q", h.s.ExitCode.Load(), strings.Join(texts(v), " | "))
	}
}
