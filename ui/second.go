package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/weights"
)

// secondMenuItems are the File menu's items for the second opinion
// (host.SetSecond): each shipped model, a model file, none.
func secondMenuItems(s *shell) []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, e := range weights.Shipped {
		items = append(items, fyne.NewMenuItem("Second opinion: "+e.Name, func() {
			m, err := e.Load()
			if err != nil {
				s.ShowError("Could not load the shipped model", err.Error())
				return
			}
			s.SetSecond(m, e.Name)
		}))
	}
	items = append(items,
		fyne.NewMenuItem("Second opinion from a model file…", func() {
			s.PickFile([]string{modelExtension, onnxExtension}, s.modelPickFailed, s.openSecond)
		}),
		fyne.NewMenuItem("No second opinion", func() { s.SetSecond(nil, "") }))
	return items
}

// openSecond loads a model file in the background as the second opinion.
func (s *shell) openSecond(path string) {
	s.Busy.Add(1)
	go func() {
		m, err := loadModelFile(path)
		s.Do(func() {
			defer s.Busy.Add(-1)
			if err != nil {
				s.ShowError("Could not open the model", err.Error())
				return
			}
			s.SetSecond(m, filepath.Base(path))
		})
	}()
}
