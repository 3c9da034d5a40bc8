package ui

import (
	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/examples"
)

// examplesMenuItem is File › Try an example: all the examples, or one,
// opened in the Explore view.
func examplesMenuItem(s *shell) *fyne.MenuItem {
	it := fyne.NewMenuItem("Try an example", nil)
	all := fyne.NewMenuItem("All the examples", func() { s.explore.TryExamples(examples.All) })
	it.ChildMenu = fyne.NewMenu("", all, fyne.NewMenuItemSeparator())
	for _, e := range examples.All {
		it.ChildMenu.Items = append(it.ChildMenu.Items,
			fyne.NewMenuItem(e.Title+" ("+e.Artist+", "+e.Date+")", func() { s.explore.TryExamples([]examples.Example{e}) }))
	}
	return it
}
