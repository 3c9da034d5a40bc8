package ui

import (
	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/examples"
	"github.com/artlens/artlens/ui/host"
)

// examplesDir is where "Try an example" writes the shipped pictures; tests
// point it at a temporary folder.
var examplesDir = examples.DefaultDir

// tryExamples opens the shipped examples es in the Explore view (the first
// shown), so that a newcomer sees the network work without a picture of
// their own. They are written to the cache folder first, as the views open
// pictures by path; the folder the file dialogs start in stays as it was.
func (s *shell) tryExamples(es []examples.Example) {
	dir, err := examplesDir()
	var paths []string
	if err == nil {
		paths, err = examples.Write(dir, es)
	}
	if err != nil {
		s.Notice.Post(host.NoticeError, "Could not open the examples: "+err.Error())
		return
	}
	last := s.LastDir
	s.showView("explore")
	s.explore.open(paths)
	s.LastDir = last
}

// examplesMenuItem is File › Try an example: all the examples, or one.
func examplesMenuItem(s *shell) *fyne.MenuItem {
	it := fyne.NewMenuItem("Try an example", nil)
	all := fyne.NewMenuItem("All the examples", func() { s.tryExamples(examples.All) })
	it.ChildMenu = fyne.NewMenu("", all, fyne.NewMenuItemSeparator())
	for _, e := range examples.All {
		it.ChildMenu.Items = append(it.ChildMenu.Items,
			fyne.NewMenuItem(e.Title+" ("+e.Artist+", "+e.Date+")", func() { s.tryExamples([]examples.Example{e}) }))
	}
	return it
}
