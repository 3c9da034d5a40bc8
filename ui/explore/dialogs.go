package explore

import (
	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/examples"
	"github.com/artlens/artlens/ui/host"
)

// Content is the view.
func (x *View) Content() fyne.CanvasObject { return x.content }

// noFilters is Filters when there is no Collection view.
type noFilters struct{}

func (noFilters) ShowFilter(int, int) {}

// OpenImageDialog asks for an image file and opens it in the view (File ›
// Open image…).
func (x *View) OpenImageDialog() {
	x.h.PickFile(host.ImageExtensions, x.imagePickFailed, func(path string) {
		x.h.ShowView("explore")
		x.Open([]string{path})
	})
}

// imagePickFailed reports an image file that the file dialog could not
// open (deleted after the dialog listed it, say); what is shown stays.
func (x *View) imagePickFailed(err error) {
	x.h.Notice.Post(host.NoticeError, "Could not open "+host.FileError(host.PathOf(err), err).Error()+".")
}

// OpenFolderDialog asks for a folder and opens its pictures in the view
// (File › Open folder…).
func (x *View) OpenFolderDialog() {
	x.h.PickFolder(func(path string) {
		x.h.ShowView("explore")
		x.Open([]string{path})
	})
}

// ExamplesDir is where "Try an example" writes the shipped pictures; tests
// point it at a temporary folder.
var ExamplesDir = examples.DefaultDir

// TryExamples opens the shipped examples es in the view (the first
// shown), so that a newcomer sees the network work without a picture of
// their own. They are written to the cache folder first, as the views open
// pictures by path; the folder the file dialogs start in stays as it was.
func (x *View) TryExamples(es []examples.Example) {
	dir, err := ExamplesDir()
	var paths []string
	if err == nil {
		paths, err = examples.Write(dir, es)
	}
	if err != nil {
		x.h.Notice.Post(host.NoticeError, "Could not open the examples: "+err.Error())
		return
	}
	last := x.h.LastDir
	x.h.ShowView("explore")
	x.Open(paths)
	x.h.LastDir = last
}
